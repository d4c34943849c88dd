"""What the lint reports: a finding, and where in an expression it is."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning"]

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*\Z"


class Finding(NamedTuple):
    """One mistake in a shape: where it is, what is wrong, and how to fix it.

    ``key`` is the shape key (nested keys joined by dots) and ``expression``
    its expression. ``position`` is the character in ``expression`` where
    the mistake starts, when there is one place. ``replacement`` is the
    corrected expression (or body path) when the fix is mechanical.
    An ``error`` means the expression fails; a ``warning`` that it runs but
    is very likely not what was meant.
    """

    key: str
    expression: str
    code: str
    message: str
    fix: str
    severity: Severity = "warning"
    position: int | None = None
    replacement: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data."""
        return {
            "key": self.key,
            "expression": self.expression,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "position": self.position,
            "replacement": self.replacement,
        }

    def __str__(self) -> str:
        return f"{self.key}: {self.message} Fix: {self.fix}"


def find_name(expression: str, name: str, start: int = 0) -> int | None:
    for candidate in (f'"{name}"', name):
        index = expression.find(candidate, start)
        if index >= 0:
            return index
    return None


def replace_at(expression: str, position: int | None, old: str, new: str) -> str | None:
    if position is None:
        return None
    if expression.startswith(f'"{old}"', position):
        old = f'"{old}"'
    if not expression.startswith(old, position):
        return None
    return expression[:position] + new + expression[position + len(old) :]


def quoted(name: str) -> str:
    return name if re.match(_IDENTIFIER, name) else json.dumps(name)


def close_matches(
    word: str, candidates: Sequence[str], n: int, cutoff: float = 0.6
) -> list[str]:
    """Return the candidates closest to ``word``, as difflib finds them."""
    # difflib is only needed when there is a typo: a server should not load it.
    import difflib

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)

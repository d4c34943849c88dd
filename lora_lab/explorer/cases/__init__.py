"""Example requests with the decorator they meet and what should happen.

Each case is a JSON file in this folder: ``name``, ``description``, the
``request`` (raw HTTP text, a curl command or a dict), the ``decorator``
settings (see :class:`~lora_lab.explorer.DecoratorSettings`) and the
``expected`` result. The explorer's gallery shows them, and the tests run
each through :func:`~lora_lab.explorer.preview` and a real server to check
that both give the expected result.

``expected`` may hold any of: ``outcome``, ``status``, ``response_text``,
``response_json``, ``values`` (each shape key's value), ``handler_data``,
``handler_body_json``, ``handler_path_params``, ``rejection_stage``,
``error_fields``, ``patch``, ``finding_codes`` and ``input_error_line``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lora_lab.explorer.preview import preview
from lora_lab.explorer.result import Preview
from lora_lab.explorer.settings import DecoratorSettings

EXPECTATIONS = (
    "outcome",
    "status",
    "response_text",
    "response_json",
    "values",
    "handler_data",
    "handler_body_json",
    "handler_path_params",
    "rejection_stage",
    "error_fields",
    "patch",
    "finding_codes",
    "input_error_line",
)
"""The keys ``expected`` may hold."""


_GROUPS = (
    "register",
    "unregister",
    "list",
    "describe",
    "update",
    "inject",
    "hostile",
    "invalid",
)


class CaseError(ValueError):
    """A case file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Case:
    """One example: a request, a decorator, and the expected result."""

    name: str
    description: str
    request: str | dict[str, Any]
    decorator: DecoratorSettings
    expected: dict[str, Any]

    def preview(self) -> Preview:
        """Run the case through :func:`~lora_lab.explorer.preview`."""
        return preview(self.request, self.decorator)

    def to_dict(self) -> dict[str, Any]:
        """Return the case as the JSON its file holds."""
        return {
            "name": self.name,
            "description": self.description,
            "request": self.request,
            "decorator": self.decorator.to_dict(),
            "expected": self.expected,
        }


def load_cases() -> list[Case]:
    """Return every case: the calls in route order, inject, hostile input, errors.

    Within each group the cases are in the order of their names.
    """
    folder = resources.files(__name__)
    files = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".json")),
        key=_gallery_order,
    )
    return [_read(item.name, item.read_text(encoding="utf-8")) for item in files]


def load_case(name: str) -> Case:
    """Return the case called ``name``; raise ``KeyError`` naming the known ones."""
    for case in load_cases():
        if case.name == name:
            return case
    known = ", ".join(case.name for case in load_cases())
    raise KeyError(f"no case named {name!r}; the cases are: {known}")


def read_case(text: str, filename: str = "case.json") -> Case:
    """Read one case from the JSON text of a case file.

    Raises :class:`CaseError` naming ``filename`` and what is wrong.
    """
    return _read(filename, text)


def _gallery_order(item: Any) -> tuple[int, str]:
    group = item.name.split("-", 1)[0]
    rank = _GROUPS.index(group) if group in _GROUPS else len(_GROUPS)
    return rank, item.name


def _read(filename: str, text: str) -> Case:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseError(f"{filename}: not valid JSON: {error}") from None
    for key in ("name", "description", "request", "decorator", "expected"):
        if key not in data:
            raise CaseError(f"{filename}: the case has no {key!r}")
    unknown = [key for key in data["expected"] if key not in EXPECTATIONS]
    if unknown:
        raise CaseError(
            f"{filename}: expected[{unknown[0]!r}] is not an expectation; use "
            f"{', '.join(EXPECTATIONS)}"
        )
    if not isinstance(data["request"], (str, dict)):
        raise CaseError(f"{filename}: request must be text or a dict")
    try:
        settings = DecoratorSettings.from_dict(data["decorator"])
    except ValueError as error:
        raise CaseError(f"{filename}: decorator: {error}") from None
    return Case(
        name=data["name"],
        description=data["description"],
        request=data["request"],
        decorator=settings,
        expected=data["expected"],
    )

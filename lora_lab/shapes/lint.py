"""Find the mistakes in a shape that compiling it does not catch.

A shape can compile and still never find anything: ``body.nmae`` is a fine
JMESPath expression that is null on every register request. :func:`lint`
checks a shape against what the requests of a handler type carry (see
:mod:`lora_lab.shapes.contracts`) and says, for each mistake, how to fix it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from jmespath import functions as jmespath_functions
from jmespath.parser import ParsedResult

from lora_lab.errors import ShapeError
from lora_lab.shapes.contracts import RequestContract, contract_for
from lora_lab.shapes.expressions import (
    DOCUMENT_ROOTS,
    compile_expression,
    leading_roots,
)
from lora_lab.shapes.reads import field_chains, function_calls

Severity = Literal["error", "warning"]

_FUNCTIONS: Mapping[str, Any] = jmespath_functions.Functions().FUNCTION_TABLE
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*\Z"


@dataclass(frozen=True)
class Finding:
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


def lint(
    shape: Mapping[str, Any] | None,
    handler_type: str | Enum | RequestContract | None = None,
) -> list[Finding]:
    """Return the findings for ``shape`` used with handlers of ``handler_type``.

    ``handler_type`` is a :class:`~lora_lab.LoRAHandlerType` or its value
    (``"register_adapter"``, ``"unregister_adapter"``,
    ``"inject_adapter_id"``), a :class:`RequestContract` for a type of your
    own, or None to run only the checks that need no knowledge of the
    request. Never raises: an expression that does not compile is an
    ``error`` finding.

    >>> [f.code for f in lint({"adapter_id": "body.nmae"}, "register_adapter")]
    ['unknown-field']

    For ``inject_adapter_id`` the keys are body paths and the values the
    expressions (or objects with an ``expression`` attribute, such as
    :class:`~lora_lab.AppendOperation`).
    """
    contract = contract_for(handler_type)
    if shape is None:
        return []
    if not isinstance(shape, Mapping):
        return [
            Finding(
                "",
                repr(shape),
                "invalid-shape",
                "a shape is a dict of JMESPath expressions, got "
                f"{type(shape).__name__}",
                'write it as a dict, such as {"adapter_id": "body.name"}',
                "error",
            )
        ]
    findings: list[Finding] = []
    for key, value in _leaves(shape, ()):
        findings.extend(_lint_leaf(key, value, contract))
    return findings


def _leaves(
    shape: Mapping[Any, Any], path: tuple[str, ...]
) -> Iterator[tuple[str, Any]]:
    for key, value in shape.items():
        name = ".".join((*path, str(key)))
        if isinstance(value, Mapping):
            yield from _leaves(value, (*path, str(key)))
        else:
            yield name, value


def _lint_leaf(key: str, value: Any, contract: RequestContract) -> list[Finding]:
    findings: list[Finding] = []
    expression = getattr(value, "expression", value)
    if contract.keys_are_body_paths:
        findings.extend(_lint_body_path(key, str(expression)))
    try:
        parsed = compile_expression(expression, key=key)
    except ShapeError as error:
        code = "hyphenated-name" if error.suggestion else "invalid-expression"
        fix = (
            f"write {error.suggestion}"
            if error.suggestion
            else "correct the expression at the marked position"
        )
        if error.position is None and not isinstance(expression, str):
            fix = 'write a JMESPath expression as a string, such as "body.name"'
        findings.append(
            Finding(
                key,
                expression if isinstance(expression, str) else repr(expression),
                code,
                _without_prefix(str(error).split("\n", 1)[0], key),
                fix,
                "error",
                error.position,
                error.suggestion,
            )
        )
        return findings
    specific = [
        *_lint_functions(key, expression, parsed.parsed),
        *_lint_fields(key, expression, parsed.parsed, contract),
    ]
    findings.extend(specific)
    if not specific:
        findings.extend(_lint_samples(key, expression, parsed, contract))
    return findings


def _lint_body_path(key: str, expression: str) -> Iterator[Finding]:
    if key == "body" or key.startswith("body."):
        rest = key[len("body.") :] or None
        nested: Any = "..."
        for part in reversed(key.split(".")):
            nested = {part: nested}
        written = json.dumps(nested)
        yield Finding(
            key,
            expression,
            "body-prefix",
            f"adapter_path {key!r} is a path inside the JSON body, so it writes "
            f"a key named 'body' into the body: {written}",
            f"use adapter_path {rest!r}" if rest else "name the body field to write",
            "warning",
            None,
            rest,
        )


def _lint_functions(key: str, expression: str, node: Any) -> Iterator[Finding]:
    for function in function_calls(node):
        name = function["value"]
        position = _find(expression, f"{name}(")
        entry = _FUNCTIONS.get(name)
        if entry is None:
            close = _close_matches(name, list(_FUNCTIONS), n=1)
            yield Finding(
                key,
                expression,
                "unknown-function",
                f"JMESPath has no function {name}(); the expression fails on "
                "every request",
                f"use {close[0]}()" if close else "use a JMESPath built-in function",
                "error",
                position,
                _replace_at(expression, position, name, close[0]) if close else None,
            )
            continue
        signature = entry["signature"]
        given = len(function["children"])
        variadic = bool(signature) and bool(signature[-1].get("variadic"))
        fits = given >= len(signature) if variadic else given == len(signature)
        if not fits:
            count = len(signature)
            expected = f"{count}{' or more' if variadic else ''} argument"
            expected += "" if count == 1 and not variadic else "s"
            yield Finding(
                key,
                expression,
                "wrong-arguments",
                f"{name}() takes {expected}, not {given}; the expression fails "
                "on every request",
                f"pass {expected} to {name}()",
                "error",
                position,
            )


def _lint_fields(
    key: str, expression: str, node: Any, contract: RequestContract
) -> Iterator[Finding]:
    for chain in field_chains(node):
        root = chain[0]
        position = _find(expression, root)
        if root not in DOCUMENT_ROOTS:
            yield _unknown_root(key, expression, chain, position, contract)
        elif root == "body" and not contract.has_body:
            yield _no_body(key, expression, position, contract)
        elif len(chain) > 1:
            finding = _unknown_field(key, expression, chain, contract)
            if finding is not None:
                yield finding


def _no_body(
    key: str, expression: str, position: int | None, contract: RequestContract
) -> Finding:
    params = sorted(contract.known_fields("path_params") or ())
    replacement = f"path_params.{params[0]}" if len(params) == 1 else None
    return Finding(
        key,
        expression,
        "no-body",
        f"{contract.request} has no body, so {expression!r} is always null",
        f"write {replacement}" if replacement else "read the path or the headers",
        "warning",
        position,
        replacement,
    )


def _unknown_root(
    key: str,
    expression: str,
    chain: tuple[str, ...],
    position: int | None,
    contract: RequestContract,
) -> Finding:
    root = chain[0]
    roots = ", ".join(DOCUMENT_ROOTS)
    close = _close_matches(root, DOCUMENT_ROOTS, n=1)
    owner = next(
        (r for r in DOCUMENT_ROOTS if root in (contract.known_fields(r) or ())), None
    )
    replacement = None
    if close:
        replacement = _replace_at(expression, position, root, close[0])
    elif owner is not None and position == 0:
        replacement = f"{owner}.{expression}"
    if replacement is not None:
        fix = f"write {replacement}"
    else:
        fix = f"start the expression at one of: {roots}"
    return Finding(
        key,
        expression,
        "unknown-root",
        f"{root!r} is not part of the request document, so {expression!r} is "
        f"always null; expressions start at {roots}",
        fix,
        "warning",
        position,
        replacement,
    )


def _unknown_field(
    key: str, expression: str, chain: tuple[str, ...], contract: RequestContract
) -> Finding | None:
    root, name = chain[0], chain[1]
    start = _find(expression, root) or 0
    position = _find(expression, name, start + len(root))
    if root == "headers":
        return _unknown_header(key, expression, name, position, contract)
    known = contract.known_fields(root)
    if known is None or name in known:
        return None
    close = _close_matches(name, sorted(known), n=1)
    if root in contract.open_roots:
        if not close:
            return None  # a field of the client's own, such as load_inplace
        replacement = _replace_at(expression, position, name, _quoted(close[0]))
        return Finding(
            key,
            expression,
            "unknown-field",
            f"{root}.{name} is not one of the fields of {contract.request} "
            f"({', '.join(sorted(known))}); it is null unless the client sends "
            f"{name!r}. Did you mean {root}.{close[0]}?",
            f"write {replacement}" if replacement else f"read {root}.{close[0]}",
            "warning",
            position,
            replacement,
        )
    if close:
        replacement = _replace_at(expression, position, name, _quoted(close[0]))
        fix = f"write {replacement}" if replacement else f"read {root}.{close[0]}"
    elif known:
        replacement = None
        fix = f"read one of: {', '.join(f'{root}.{k}' for k in sorted(known))}"
    else:
        replacement = None
        fix = f"remove it, or read what {contract.request} carries"
    carries = (
        f"it carries only {', '.join(sorted(known))} there"
        if known
        else f"it carries nothing in {root}"
    )
    return Finding(
        key,
        expression,
        "unknown-field",
        f"{contract.request} cannot carry {root}.{name}; {carries}, so "
        f"{root}.{name} is always null",
        fix,
        "warning",
        position,
        replacement,
    )


def _unknown_header(
    key: str,
    expression: str,
    name: str,
    position: int | None,
    contract: RequestContract,
) -> Finding | None:
    known = {header.lower(): header for header in contract.known_headers}
    if name.lower() in known:
        return None
    close = _close_matches(name.lower(), list(known), n=1, cutoff=0.85)
    if not close:
        return None
    header = known[close[0]]
    quoted = _quoted(header)
    replacement = _replace_at(expression, position, _quoted(name), quoted)
    if replacement is None:
        replacement = _replace_at(expression, position, name, quoted)
    return Finding(
        key,
        expression,
        "unknown-field",
        f"SageMaker sends no header {name!r}; did you mean {header}?",
        f"write {replacement}" if replacement else f"read headers.{quoted}",
        "warning",
        position,
        replacement,
    )


def _lint_samples(
    key: str, expression: str, parsed: ParsedResult, contract: RequestContract
) -> Iterator[Finding]:
    """Evaluate over every kind of request SageMaker sends, when they are known."""
    roots = leading_roots(parsed.parsed)
    if not contract.samples or not roots:
        return
    if any(contract.known_fields(root) is None for root in roots):
        return
    if any(
        chain[0] in contract.open_roots
        and len(chain) > 1
        and chain[1] not in (contract.known_fields(chain[0]) or ())
        for chain in field_chains(parsed.parsed)
    ):
        return  # it reads a field of the client's own, which samples lack
    results: list[Any] = []
    failures: list[str] = []
    for sample in contract.samples:
        try:
            results.append(parsed.search(sample))
        except Exception as error:
            failures.append(str(error))
    if failures and not results:
        yield Finding(
            key,
            expression,
            "evaluation-error",
            f"fails on every form of {contract.request}: {failures[0]}; each "
            "would be answered with 400",
            "make the expression accept the values the request carries",
            "error",
        )
    elif failures:
        yield Finding(
            key,
            expression,
            "evaluation-error",
            f"fails on some forms of {contract.request}: {failures[0]}; those "
            "would be answered with 400",
            "guard the expression, for example with || or not_null()",
            "warning",
        )
    elif all(result is None for result in results):
        yield Finding(
            key,
            expression,
            "always-null",
            f"{expression!r} is null on every form of {contract.request}",
            "read a field the request carries",
            "warning",
        )


def _find(expression: str, name: str, start: int = 0) -> int | None:
    for candidate in (f'"{name}"', name):
        index = expression.find(candidate, start)
        if index >= 0:
            return index
    return None


def _replace_at(
    expression: str, position: int | None, old: str, new: str
) -> str | None:
    if position is None:
        return None
    if expression.startswith(f'"{old}"', position):
        old = f'"{old}"'
    if not expression.startswith(old, position):
        return None
    return expression[:position] + new + expression[position + len(old) :]


def _without_prefix(message: str, key: str) -> str:
    prefix = f"{key}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _quoted(name: str) -> str:
    return name if re.match(_IDENTIFIER, name) else json.dumps(name)


def _close_matches(
    word: str, candidates: Sequence[str], n: int, cutoff: float = 0.6
) -> list[str]:
    # difflib is only needed when there is a typo: a server should not load it.
    import difflib

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)

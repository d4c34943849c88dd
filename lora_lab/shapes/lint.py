"""Find the mistakes in a shape that compiling it does not catch.

A shape can compile and still never find anything: ``body.nmae`` is a fine
JMESPath expression that is null on every register request. :func:`lint`
checks a shape against what the requests of a handler type carry (see
:mod:`lora_lab.shapes.contracts`) and says, for each mistake, how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

from jmespath import functions as jmespath_functions
from jmespath.parser import ParsedResult

from lora_lab.errors import ShapeError
from lora_lab.shapes.contracts import RequestContract, contract_for
from lora_lab.shapes.expressions import (
    compile_expression,
    leading_roots,
)
from lora_lab.shapes.field_rules import lint_fields
from lora_lab.shapes.findings import Finding, close_matches, find_name, replace_at
from lora_lab.shapes.reads import field_chains, function_calls

_FUNCTIONS: Mapping[str, Any] = jmespath_functions.Functions().FUNCTION_TABLE


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
        *lint_fields(key, expression, parsed.parsed, contract),
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
        position = find_name(expression, f"{name}(")
        entry = _FUNCTIONS.get(name)
        if entry is None:
            close = close_matches(name, list(_FUNCTIONS), n=1)
            yield Finding(
                key,
                expression,
                "unknown-function",
                f"JMESPath has no function {name}(); the expression fails on "
                "every request",
                f"use {close[0]}()" if close else "use a JMESPath built-in function",
                "error",
                position,
                replace_at(expression, position, name, close[0]) if close else None,
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


def _without_prefix(message: str, key: str) -> str:
    prefix = f"{key}: "
    return message[len(prefix) :] if message.startswith(prefix) else message

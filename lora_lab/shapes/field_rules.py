"""Lint rules about the fields an expression reads: roots, fields, headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lora_lab.shapes.contracts import RequestContract
from lora_lab.shapes.expressions import DOCUMENT_ROOTS
from lora_lab.shapes.findings import (
    Finding,
    close_matches,
    find_name,
    quoted,
    replace_at,
)
from lora_lab.shapes.reads import field_chains


def lint_fields(
    key: str, expression: str, node: Any, contract: RequestContract
) -> Iterator[Finding]:
    for chain in field_chains(node):
        root = chain[0]
        position = find_name(expression, root)
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
    close = close_matches(root, DOCUMENT_ROOTS, n=1)
    owner = next(
        (r for r in DOCUMENT_ROOTS if root in (contract.known_fields(r) or ())), None
    )
    replacement = None
    if close:
        replacement = replace_at(expression, position, root, close[0])
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
    start = find_name(expression, root) or 0
    position = find_name(expression, name, start + len(root))
    if root == "headers":
        return _unknown_header(key, expression, name, position, contract)
    known = contract.known_fields(root)
    if known is None or name in known:
        return None
    close = close_matches(name, sorted(known), n=1)
    if root in contract.open_roots:
        if not close:
            return None  # a field of the client's own, such as load_inplace
        replacement = replace_at(expression, position, name, quoted(close[0]))
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
        replacement = replace_at(expression, position, name, quoted(close[0]))
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
    close = close_matches(name.lower(), list(known), n=1, cutoff=0.85)
    if not close:
        return None
    header = known[close[0]]
    written = quoted(header)
    replacement = replace_at(expression, position, quoted(name), written)
    if replacement is None:
        replacement = replace_at(expression, position, name, written)
    return Finding(
        key,
        expression,
        "unknown-field",
        f"SageMaker sends no header {name!r}; did you mean {header}?",
        f"write {replacement}" if replacement else f"read headers.{written}",
        "warning",
        position,
        replacement,
    )

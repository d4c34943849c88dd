"""Compile one JMESPath expression, with errors a person can act on."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any, Literal

import jmespath
from jmespath import exceptions as jmespath_errors
from jmespath.parser import ParsedResult

from lora_lab.errors import ShapeError
from lora_lab.terminal import display_width

DOCUMENT_ROOTS = ("body", "headers", "query_params", "path_params")
"""The top-level keys of the request document that shapes are evaluated over."""

_HYPHENATED_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+"

# Node types whose first child is evaluated against the current node and
# whose other children are evaluated against what the first one produced.
_LEFT_LED = {
    "subexpression",
    "index_expression",
    "projection",
    "value_projection",
    "filter_projection",
    "flatten",
    "pipe",
}
# Node types whose children are all evaluated against the current node.
_ALL_CHILDREN = {
    "function_expression",
    "multi_select_list",
    "multi_select_dict",
    "key_val_pair",
    "or_expression",
    "and_expression",
    "not_expression",
    "comparator",
}


def compile_expression(expression: object, *, key: str) -> ParsedResult:
    """Compile ``expression`` or raise a :class:`ShapeError` that names ``key``.

    An unquoted hyphenated name such as ``headers.X-Amzn-Trace-Id`` is the
    most common mistake: JMESPath reads the hyphen as an operator. The error
    then carries the quoted form to use instead.
    """
    if not isinstance(expression, str):
        raise ShapeError(
            f"{key}: expected a JMESPath expression (a string) or a nested "
            f"dict of them, got {type(expression).__name__} {expression!r}",
            key=key,
        )
    if not expression.strip():
        raise ShapeError(
            f"{key}: the expression is empty; write a JMESPath expression such "
            "as 'body.name'",
            key=key,
            expression=expression,
        )
    try:
        return jmespath.compile(expression)
    except jmespath_errors.JMESPathError as error:
        raise _shape_error(expression, key, error) from None


def quote_hyphenated_names(expression: str) -> str | None:
    """Return ``expression`` with unquoted hyphenated names quoted, if that helps.

    >>> quote_hyphenated_names("headers.X-Amzn-SageMaker-Adapter-Identifier")
    'headers."X-Amzn-SageMaker-Adapter-Identifier"'

    Returns None when there is nothing to quote or the quoted form still does
    not compile.
    """
    quoted = re.sub(_HYPHENATED_NAME, _quote_outside_literals(expression), expression)
    if quoted == expression:
        return None
    try:
        jmespath.compile(quoted)
    except jmespath_errors.JMESPathError:
        return None
    return quoted


def leading_roots(node: Any) -> frozenset[str] | None:
    """Return the document roots an expression reads, or None for "any of them".

    ``node`` is a parsed JMESPath tree, as in ``jmespath.compile(e).parsed``.

    Used to build only the parts of the request document that a shape needs.
    """
    return _read_from_input(node, _root_read)


def header_names(node: Any) -> frozenset[str] | None:
    """Return the headers an expression reads as ``headers.<name>``, lower-cased.

    ``node`` is a parsed JMESPath tree. Returns None when the expression
    reads the headers some other way (``keys(headers)``, ``headers.*``,
    ``@``), which needs every header. Header names are looked up in any
    letter case, hence lower case here.
    """
    return _read_from_input(node, _header_read)


class _Walk(Enum):
    ON = "walk on"
    """A node the reader leaves to the walk: look at what it reads."""


Reading = frozenset[str] | None | Literal[_Walk.ON]


def _read_from_input(
    node: Any, read: Callable[[Any], Reading]
) -> frozenset[str] | None:
    """Gather what ``read`` says of each node that reads the expression's input.

    ``read`` returns a set, None for "anything", or :attr:`_Walk.ON` to
    look into the node's children: only the first of a chain such as
    ``a.b`` or ``a[0]`` reads the input; every child of a function call,
    a multi-select or a comparison does. Literals read nothing.
    """
    found = read(node)
    if found is not _Walk.ON:
        return found
    kind = node["type"]
    if kind in ("literal", "expref"):
        return frozenset()
    children = node.get("children", [])
    if kind in _LEFT_LED and children:
        return _read_from_input(children[0], read)
    if kind not in _ALL_CHILDREN:
        return None
    union: set[str] = set()
    for child in children:
        part = _read_from_input(child, read)
        if part is None:
            return None
        union |= part
    return frozenset(union)


def _root_read(node: Any) -> Reading:
    return frozenset([node["value"]]) if node["type"] == "field" else _Walk.ON


def _header_read(node: Any) -> Reading:
    kind = node["type"]
    if kind == "field":
        return None if node["value"] == "headers" else frozenset()
    if kind != "subexpression" or node["children"][0]["type"] != "field":
        return _Walk.ON
    root, name = node["children"][:2]
    if root["value"] != "headers":
        return frozenset()
    return frozenset([name["value"].lower()]) if name["type"] == "field" else None


def field_path(node: Any) -> tuple[str, ...] | None:
    """Return the names of a plain field chain (``body.name``), else None.

    ``node`` is a parsed JMESPath tree. Such chains are nearly every shape's
    expressions, and following them with ``.get`` gives what JMESPath
    gives, at a fraction of the cost of its tree interpreter.
    """
    kind = node["type"]
    if kind == "field":
        return (node["value"],)
    if kind != "subexpression":
        return None
    names: list[str] = []
    for child in node["children"]:
        child_names = field_path(child)
        if child_names is None:
            return None
        names.extend(child_names)
    return tuple(names)


def _quote_outside_literals(expression: str) -> Any:
    inside = _literal_spans(expression)

    def quote(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in inside):
            return match.group(0)
        return f'"{match.group(0)}"'

    return quote


def _literal_spans(expression: str) -> list[tuple[int, int]]:
    """Spans of quoted identifiers, raw strings and JSON literals."""
    spans = []
    for match in re.finditer(
        r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', expression
    ):
        spans.append((match.start(), match.end()))
    return spans


def _shape_error(expression: str, key: str, error: Exception) -> ShapeError:
    position = getattr(error, "lex_position", None)
    if position is None:
        position = getattr(error, "lexer_position", None)
    reason = _reason(error)
    caret = (
        f"\n    {expression}\n    {' ' * display_width(expression[:position])}^"
        if position is not None
        else ""
    )
    suggestion = quote_hyphenated_names(expression)
    if suggestion is not None:
        return ShapeError(
            f"{key}: {expression!r} is not a valid JMESPath expression: an "
            "unquoted name cannot contain '-' (JMESPath reads it as an "
            f"operator); quote the name: {suggestion}{caret}",
            key=key,
            expression=expression,
            position=position,
            suggestion=suggestion,
        )
    where = f" at position {position}" if position is not None else ""
    return ShapeError(
        f"{key}: {expression!r} is not a valid JMESPath expression: "
        f"{reason}{where}{caret}",
        key=key,
        expression=expression,
        position=position,
    )


def _reason(error: Exception) -> str:
    if isinstance(error, jmespath_errors.LexerError):
        return f"unexpected character {error.lexer_value!r}"
    if isinstance(error, jmespath_errors.IncompleteExpressionError):
        return "the expression ends too early"
    if isinstance(error, jmespath_errors.ParseError):
        token = error.token_value
        if error.token_type.lower() == "eof":
            return "the expression ends too early"
        return f"unexpected {token!r}"
    return str(error).splitlines()[0]

"""Read a shape typed as text: a JSON object or a Python dict literal.

The explorer's shape box takes what a user would paste from either side:
``{"adapter_id": "body.name"}`` from a JSON file, or
``{'adapter_id': 'body.name'}`` from Python source. Python is read with
:func:`ast.literal_eval`, which builds literals and runs nothing.
"""

from __future__ import annotations

import ast
import json
from typing import Any


class ShapeTextError(ValueError):
    """Text that is not a shape; says where, as a 1-based line and column.

    ``name`` is the box the text came from (``request_shape`` or
    ``response_shape``); ``source_line`` is the text of the faulty line, for
    showing a caret under ``column``.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        source_line: str = "",
        name: str = "request_shape",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line
        self.name = name

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line else ""
        return f"{where}{self.message}"


def parse_shape_text(
    text: str, *, name: str = "request_shape"
) -> dict[str, Any] | None:
    """Return the shape written in ``text``; None when the text is blank.

    ``text`` is a JSON object or a Python dict literal of JMESPath
    expressions (nested dicts allowed)::

        parse_shape_text('{"adapter_id": "body.name"}')
        parse_shape_text("{'adapter_id': 'body.name'}")

    Raises :class:`ShapeTextError` saying what is wrong and where (``name``
    goes on the error). The expressions themselves are not checked here:
    the decorator does that.
    """
    try:
        return _parse(text)
    except ShapeTextError as error:
        error.name = name
        raise


def _parse(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as error:
        json_error = _json_error(text, error)
    except RecursionError:
        raise ShapeTextError("the shape is nested too deeply to read") from None
    else:
        return _as_shape(value)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        python_error = _python_error(text, error)
    except (ValueError, MemoryError, RecursionError):
        python_error = ShapeTextError("the shape cannot be read", line=1, column=1)
    else:
        # The text is Python: its reading wins over JSON's.
        try:
            return _as_shape(ast.literal_eval(tree))
        except (ValueError, TypeError, MemoryError, RecursionError):
            raise _not_literal(text, tree) from None
    # Report the reading that got further: it is the one the user meant.
    if _reach(python_error) > _reach(json_error):
        raise python_error
    raise json_error


def _as_shape(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ShapeTextError(
            "a shape is a dict of JMESPath expressions, such as "
            f'{{"adapter_id": "body.name"}}; this is {_kind(value)}'
        )
    return value


def _not_literal(text: str, tree: ast.Expression) -> ShapeTextError:
    node = next(
        (
            node
            for node in ast.walk(tree.body)
            if isinstance(node, ast.expr) and not _is_literal(node)
        ),
        tree.body,
    )
    line, column = _original_position(text, node.lineno, node.col_offset + 1)
    return ShapeTextError(
        f"{_node_kind(node)} is not run here: write strings, numbers, True/False, "
        "None and dicts only (read as a Python dict)",
        line=line,
        column=column,
        source_line=_line(text, line),
    )


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, (ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.Set)):
        return True
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
    )


def _node_kind(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return "a call"
    if isinstance(node, (ast.Name, ast.Attribute)):
        return "a name"
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare)):
        return "an operator"
    return "an expression"


def _json_error(text: str, error: ValueError) -> ShapeTextError:
    if isinstance(error, json.JSONDecodeError):
        return ShapeTextError(
            f"{error.msg} (read as JSON)",
            line=error.lineno,
            column=error.colno,
            source_line=_line(text, error.lineno),
        )
    return ShapeTextError(f"{error} (read as JSON)", line=1, column=1)


def _python_error(text: str, error: SyntaxError) -> ShapeTextError:
    line, column = _original_position(text, error.lineno or 1, error.offset or 1)
    return ShapeTextError(
        f"{error.msg} (read as a Python dict)",
        line=line,
        column=column,
        source_line=_line(text, line),
    )


def _original_position(text: str, line: int, column: int) -> tuple[int, int]:
    """Map a position in the stripped text Python read back to ``text``."""
    skipped = len(text) - len(text.lstrip())
    offset = text[:skipped].count("\n")
    if line == 1:
        column += len(text[:skipped].rsplit("\n", 1)[-1])
    return line + offset, column


def _line(text: str, number: int) -> str:
    lines = text.split("\n")
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string: wrap it as a dict of key to expression"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _reach(error: ShapeTextError) -> tuple[int, int]:
    return error.line or 0, error.column or 0

"""Shapes: dicts of JMESPath expressions, compiled once and evaluated per request.

This layer is pure: it knows nothing of HTTP or FastAPI.
"""

from lora_lab.shapes.compiled import CompiledShape, ShapeEntry, compile_shape
from lora_lab.shapes.expressions import (
    DOCUMENT_ROOTS,
    compile_expression,
    quote_hyphenated_names,
)

__all__ = [
    "DOCUMENT_ROOTS",
    "CompiledShape",
    "ShapeEntry",
    "compile_expression",
    "compile_shape",
    "quote_hyphenated_names",
]

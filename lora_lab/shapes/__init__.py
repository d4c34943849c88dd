"""Shapes: dicts of JMESPath expressions, compiled once and evaluated per request.

This layer is pure: it knows nothing of HTTP or FastAPI.
"""

from lora_lab.shapes.compiled import CompiledShape, ShapeEntry, compile_shape
from lora_lab.shapes.contracts import (
    SAGEMAKER_CONTRACTS,
    RequestContract,
    contract_for,
)
from lora_lab.shapes.expressions import (
    DOCUMENT_ROOTS,
    compile_expression,
    quote_hyphenated_names,
)
from lora_lab.shapes.findings import Finding
from lora_lab.shapes.lint import lint

__all__ = [
    "DOCUMENT_ROOTS",
    "SAGEMAKER_CONTRACTS",
    "CompiledShape",
    "Finding",
    "RequestContract",
    "ShapeEntry",
    "compile_expression",
    "compile_shape",
    "contract_for",
    "lint",
    "quote_hyphenated_names",
]

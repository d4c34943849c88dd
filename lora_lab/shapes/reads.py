"""What an expression reads: the chains of names it looks up, the functions it calls.

Both work on the parsed tree, as in ``jmespath.compile(e).parsed``, so that
``body . "na-me"`` and ``body."na-me"`` read the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Nodes that read a chain of names from the current value: body.a[0].b
_CHAINS = {
    "field",
    "subexpression",
    "index_expression",
    "projection",
    "value_projection",
    "filter_projection",
    "flatten",
}
# Nodes whose every child is evaluated against the current value.
_EACH_CHILD_READS_DOCUMENT = {
    "function_expression",
    "multi_select_list",
    "multi_select_dict",
    "key_val_pair",
    "or_expression",
    "and_expression",
    "not_expression",
    "comparator",
}


def field_chains(node: Any) -> Iterator[tuple[str, ...]]:
    """Yield the chains of names read from the document: ``body.a.b`` -> body, a, b."""
    kind = node["type"]
    if kind in _CHAINS:
        chain = _leading_chain(node)
        if chain:
            yield chain
    elif kind in _EACH_CHILD_READS_DOCUMENT:
        for child in node.get("children", []):
            yield from field_chains(child)
    elif kind not in ("literal", "current", "expref") and node.get("children"):
        # Pipes and the like evaluate the rest against what the first part found.
        yield from field_chains(node["children"][0])


def _leading_chain(node: Any) -> tuple[str, ...]:
    kind = node["type"]
    if kind == "field":
        return (node["value"],)
    if kind == "subexpression":
        chain: tuple[str, ...] = ()
        for child in node["children"]:
            if child["type"] == "field":
                chain = (*chain, child["value"])
                continue
            return (*chain, *_leading_chain(child))
        return chain
    if kind in _CHAINS:
        children = node.get("children", [])
        return _leading_chain(children[0]) if children else ()
    return ()


def function_calls(node: Any) -> Iterator[Any]:
    """Yield every function call node in a parsed expression, outermost first."""
    if node.get("type") == "function_expression":
        yield node
    for child in node.get("children", []):
        if isinstance(child, dict):
            yield from function_calls(child)

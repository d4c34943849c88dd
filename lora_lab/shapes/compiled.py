"""A shape compiled once, at decoration time, and evaluated per request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from jmespath.parser import ParsedResult

from lora_lab.errors import ShapeError
from lora_lab.shapes.expressions import (
    DOCUMENT_ROOTS,
    compile_expression,
    field_path,
    header_names,
    leading_roots,
)


class ShapeEntry(NamedTuple):
    """One leaf of a shape: where its value goes and the expression that makes it.

    ``fields`` is the chain of keys the expression follows when it is no
    more than that (``body.name`` gives ``("body", "name")``), else None.
    """

    path: tuple[str, ...]
    expression: str
    parsed: ParsedResult
    fields: tuple[str, ...] | None = None

    @classmethod
    def compiled(
        cls, path: tuple[str, ...], expression: str, parsed: ParsedResult
    ) -> ShapeEntry:
        """Return the entry for ``parsed``, its key chain found."""
        return cls(path, expression, parsed, field_path(parsed.parsed))

    @property
    def key(self) -> str:
        """The leaf's place in the shape, keys joined by dots: ``adapter.id``."""
        return ".".join(self.path)

    def search(self, document: Mapping[str, Any]) -> Any:
        """Evaluate the expression against ``document``."""
        if self.fields is None:
            return self.parsed.search(document)
        return _follow(document, self.fields)


class CompiledShape:
    """A shape whose expressions are compiled and checked.

    A shape is a dict whose values are JMESPath expressions or dicts of the
    same kind; evaluating it gives a dict of the same structure holding what
    each expression found in the request document.

    >>> shape = compile_shape({"adapter_id": "body.name"})
    >>> shape.evaluate({"body": {"name": "tuned"}})
    {'adapter_id': 'tuned'}
    """

    def __init__(self, source: Mapping[str, Any], plan: _Plan) -> None:
        self.source = source
        self._plan = plan
        self.entries = tuple(_leaves(plan))
        """Every leaf, in the order the shape lists them."""
        roots: set[str] = set()
        for entry in self.entries:
            entry_roots = leading_roots(entry.parsed.parsed)
            roots |= set(DOCUMENT_ROOTS) if entry_roots is None else entry_roots
        self.roots = frozenset(roots & set(DOCUMENT_ROOTS))
        """The document roots the shape reads; the rest need not be built."""
        self._chains = _chains(plan)
        self.header_names = _header_names(self.entries)
        """The headers the shape reads, as lower-case ASCII bytes (ASGI's form).

        None when it needs every header: it reads ``headers`` other than by
        name, or names a header with a non-ASCII character.
        """

    def __iter__(self) -> Iterator[ShapeEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"CompiledShape({dict(self.source)!r})"

    def evaluate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Return the shape's structure with each expression's result in place."""
        if self._chains is None:
            return _evaluate(self._plan, document)
        # Nearly every shape is flat, each value a plain field chain: follow
        # the chains here, as _follow does, sparing a call per expression.
        result = {}
        for key, fields in self._chains:
            value: Any = document
            try:
                for name in fields:
                    value = value.get(name)
            except AttributeError:
                value = None
            result[key] = value
        return result


def compile_shape(
    shape: Mapping[str, Any] | None, *, name: str = "request_shape"
) -> CompiledShape:
    """Compile every expression in ``shape``.

    Raises :class:`~lora_lab.errors.ShapeError` (a ``ValueError``) naming the
    key and the expression when a key is not a string, a value is neither a
    string nor a dict, or an expression does not parse.
    """
    if shape is None:
        shape = {}
    if not isinstance(shape, Mapping):
        raise ShapeError(
            f"{name} must be a dict of JMESPath expressions, got "
            f"{type(shape).__name__} {shape!r}",
            key=name,
        )
    return CompiledShape(shape, _compile(shape, (), name))


# A compiled shape: each key with its leaf or, for a nested dict, its own plan.
_Plan = tuple[tuple[str, "ShapeEntry | _Plan"], ...]


def _compile(shape: Mapping[Any, Any], path: tuple[str, ...], name: str) -> _Plan:
    plan: list[tuple[str, ShapeEntry | _Plan]] = []
    for key, value in shape.items():
        where = name + "".join(f"[{part!r}]" for part in (*path, key))
        if not isinstance(key, str) or not key:
            raise ShapeError(
                f"{where}: shape keys must be non-empty strings, got {key!r}", key=where
            )
        if isinstance(value, Mapping):
            plan.append((key, _compile(value, (*path, key), name)))
        else:
            parsed = compile_expression(value, key=where)
            plan.append((key, ShapeEntry.compiled((*path, key), value, parsed)))
    return tuple(plan)


def _follow(document: Mapping[str, Any], fields: tuple[str, ...]) -> Any:
    value: Any = document
    try:
        for name in fields:
            value = value.get(name)
    except AttributeError:
        # What JMESPath does for a field: a value without .get (a list, a
        # string, None) has no such field.
        return None
    return value


def _chains(plan: _Plan) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    chains = []
    for key, step in plan:
        if not isinstance(step, ShapeEntry) or step.fields is None:
            return None
        chains.append((key, step.fields))
    return tuple(chains)


def _header_names(entries: tuple[ShapeEntry, ...]) -> frozenset[bytes] | None:
    names: set[bytes] = set()
    for entry in entries:
        entry_names = header_names(entry.parsed.parsed)
        if entry_names is None or not all(name.isascii() for name in entry_names):
            return None
        names |= {name.encode("ascii") for name in entry_names}
    return frozenset(names)


def _leaves(plan: _Plan) -> Iterator[ShapeEntry]:
    for _, step in plan:
        if isinstance(step, ShapeEntry):
            yield step
        else:
            yield from _leaves(step)


def _evaluate(plan: _Plan, document: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, step in plan:
        if isinstance(step, ShapeEntry):
            result[key] = step.search(document)
        else:
            result[key] = _evaluate(step, document)
    return result

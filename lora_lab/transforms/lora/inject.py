"""Copy the adapter identifier header into the JSON body of inference requests."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Mapping
from types import CoroutineType
from typing import Any, NamedTuple

from jmespath.parser import ParsedResult
from starlette.requests import Request
from starlette.responses import Response

from lora_lab.errors import Problem, RequestError, ShapeError
from lora_lab.shapes import CompiledShape, compile_expression, compile_shape
from lora_lab.shapes.expressions import leading_roots
from lora_lab.transforms.base import (
    BaseApiTransform,
    Endpoint,
    Handler,
    TransformedRequest,
    as_endpoint,
)
from lora_lab.transforms.document import (
    BufferedRequest,
    HeaderMap,
    build_document,
    json_type_name,
    parse_json_object,
)
from lora_lab.transforms.responses import as_response, shaped_response

_PURPOSE = "to inject the adapter id into"
_PATH_SEGMENT = re.compile(r'"((?:\\.|[^"\\])*)"|([^.]+)')


class AppendOperation(NamedTuple):
    """A request-shape value that appends to the body field instead of replacing it.

    ``{"model": AppendOperation(":", expression)}`` turns
    ``{"model": "base"}`` into ``{"model": "base:<value>"}``.
    """

    separator: str
    expression: str


class PrependOperation(NamedTuple):
    """A request-shape value that puts the value in front of the body field.

    ``{"model": PrependOperation(":", expression)}`` turns
    ``{"model": "base"}`` into ``{"model": "<value>:base"}``.
    """

    separator: str
    expression: str


class Injection(NamedTuple):
    """One compiled write into the body: where, what, and how."""

    target: str
    path: tuple[str, ...]
    expression: str
    parsed: ParsedResult
    separator: str | None = None
    prepends: bool = False

    @property
    def joins(self) -> bool:
        """Whether the value is joined to what is there rather than replacing it."""
        return self.separator is not None


class InjectToBodyApiTransform(BaseApiTransform):
    """Write values taken from the request into its JSON body.

    The request shape maps body paths (dot-separated keys, such as
    ``model`` or ``parameters.adapter``; quote a key that holds a dot) to
    expressions, usually the adapter identifier header, or to an
    :class:`AppendOperation` or :class:`PrependOperation`. When every
    expression is null (the header is absent) the request is handed on
    untouched. Otherwise the body must be a JSON object; missing parents
    are created and every other field, with its key order, is kept. The
    handler receives the request only, and reads the new body with
    ``await request.json()`` or ``body()``.

    A response shape, when given, is applied to successful responses.
    """

    def __init__(
        self,
        request_shape: Mapping[str, Any] | None = None,
        response_shape: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(None, response_shape)
        self.injections = tuple(
            _compile_injection(target, value)
            for target, value in (request_shape or {}).items()
        )
        roots: set[str] = set()
        for injection in self.injections:
            found = leading_roots(injection.parsed.parsed)
            roots |= (
                {"body", "headers", "query_params", "path_params"}
                if found is None
                else found
            )
        self.reads_body = "body" in roots
        self.request_shape = compile_shape(
            {injection.target: injection.expression for injection in self.injections}
        )
        self._named_headers = _named_headers(self.injections, self.request_shape)

    async def transform_request(self, request: Request) -> TransformedRequest:
        if self._named_headers is not None:
            transformed = await self._inject_by_name(request)
            if transformed is not None:
                return transformed
        return await self._evaluate_and_inject(request)

    def bind(self, handler: Handler) -> Endpoint:
        """Return an endpoint taking the request that serves it with ``handler``.

        When every value is a header read by name, the endpoint takes the
        steps of :meth:`handle` in one call, building the request document
        only if a response shape needs it; a body that cannot take the
        values goes to :meth:`handle`, which says why.
        """
        if self._named_headers is None or not self.serves_as_defined(
            InjectToBodyApiTransform
        ):
            return super().bind(handler)
        wanted = self.request_shape.header_names
        inject_headers = self._inject_headers

        async def endpoint(raw_request: Request) -> Response:
            headers = HeaderMap.from_raw(raw_request.scope["headers"], wanted)
            body: dict[str, Any] | None = None
            injected: dict[str, Any] | None = None
            if headers:
                try:
                    body, injected = inject_headers(await raw_request.body(), headers)
                except RequestError:
                    return await self.handle(handler, raw_request)
                request: Request = BufferedRequest(
                    raw_request, payload=injected, rewritten=True
                )
            else:
                request = raw_request
            try:
                # What call_handler does for a handler taking the request only.
                result = handler(request)
                if isinstance(result, CoroutineType) or inspect.isawaitable(result):
                    result = await result
            except RequestError as error:
                return self.refuse(raw_request, error)
            if isinstance(result, Response) and self.response_shape is None:
                return result
            return self.transform_response(
                result, _described(request, headers, body, injected)
            )

        return as_endpoint(endpoint, handler)

    async def _inject_by_name(self, request: Request) -> TransformedRequest | None:
        """Inject the headers the shape reads by name, or None if the body refuses.

        What evaluating the shape gives, sooner. A body that cannot take
        the values is left to the general way, which reports it after
        evaluating, so that a preview shows each value.
        """
        headers = HeaderMap.from_raw(
            request.scope["headers"], self.request_shape.header_names
        )
        if not headers:
            return _described(request, headers)
        try:
            body, injected = self._inject_headers(await request.body(), headers)
        except RequestError:
            return None
        handed_on = BufferedRequest(request, payload=injected, rewritten=True)
        return _described(handed_on, headers, body, injected)

    def _inject_headers(
        self, raw: bytes, headers: HeaderMap
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the body and a copy with the named headers written into it."""
        body = _parse_body(raw)
        writes = [
            (injection, dict.get(headers, name))
            for injection, name in self._named_headers or ()
        ]
        return body, _written(body, writes)

    async def _evaluate_and_inject(self, request: Request) -> TransformedRequest:
        """Evaluate the shape over the request document, then write its values."""
        shape = self.request_shape
        body: dict[str, Any] | None = None
        if self.reads_body:
            body = _parse_body(await request.body())
        document = build_document(request, body, shape.roots, shape.header_names)
        values = self.evaluate(document)
        writes = []
        for injection in self.injections:
            value = values[injection.target]
            if value is not None:
                writes.append((injection, value))
        if not writes:
            return TransformedRequest(request, document, None)
        if body is None:
            body = _parse_body(await request.body())
        injected = _written(body, writes)
        handed_on = BufferedRequest(request, payload=injected, rewritten=True)
        return _injected(handed_on, document, body, injected)

    def transform_response(
        self, result: Any, transformed: TransformedRequest
    ) -> Response:
        response = as_response(result)
        if self.response_shape is not None and 200 <= response.status_code < 300:
            return shaped_response(response, self.response_shape)
        return response


def _written(
    body: dict[str, Any], writes: list[tuple[Injection, Any]]
) -> dict[str, Any]:
    """Return a copy of ``body`` with each value that is not None written in."""
    injected = dict(body)
    for injection, value in writes:
        if value is not None:
            _write(injected, injection, value)
    return injected


def _described(
    handed_on: Request,
    headers: HeaderMap,
    body: dict[str, Any] | None = None,
    injected: dict[str, Any] | None = None,
) -> TransformedRequest:
    """Describe what reading headers by name made of a request."""
    if body is None or injected is None:
        return TransformedRequest(handed_on, {"body": None, "headers": headers}, None)
    return _injected(handed_on, {"headers": headers}, body, injected)


def _injected(
    request: Request,
    document: dict[str, Any],
    body: dict[str, Any],
    injected: dict[str, Any],
) -> TransformedRequest:
    """Describe an injection: ``request`` hands on ``injected``, made from ``body``."""
    document["body"] = body
    return TransformedRequest(
        request, document, None, None, {"body_before": body, "body_after": injected}
    )


def parse_body_path(target: str) -> tuple[str, ...]:
    """Split a body path into keys: ``a.b`` and ``a."b.c"`` (a key with a dot).

    Raises :class:`ShapeError` for an empty path or an empty key.
    """
    if not isinstance(target, str) or not target.strip():
        raise ShapeError(
            "adapter_path must be a non-empty string naming a body field, "
            f"got {target!r}",
            key="adapter_path",
        )
    keys: list[str] = []
    position = 0
    while position <= len(target):
        match = _PATH_SEGMENT.match(target, position)
        if match is None:
            raise ShapeError(
                f"adapter_path {target!r} has an empty key at position {position}; "
                "write keys separated by single dots, such as 'parameters.adapter'",
                key="adapter_path",
                position=position,
            )
        quoted, plain = match.groups()
        keys.append(quoted.replace('\\"', '"') if quoted is not None else plain)
        position = match.end()
        if position == len(target):
            break
        if target[position] != ".":
            raise ShapeError(
                f"adapter_path {target!r}: expected '.' after a quoted key at "
                f"position {position}",
                key="adapter_path",
                position=position,
            )
        position += 1
        if position == len(target):
            raise ShapeError(
                f"adapter_path {target!r} ends with '.'; name the last key",
                key="adapter_path",
                position=position,
            )
    return tuple(keys)


# A key repeated in the body keeps its last value, as the handler's own
# request.json() would give it. Refusing it would cost a Python call per
# JSON object: a request with a long chat body would take half again as long.
_parse_body = functools.partial(parse_json_object, purpose=_PURPOSE, unique_keys=False)


def _named_headers(
    injections: tuple[Injection, ...], shape: CompiledShape
) -> tuple[tuple[Injection, str], ...] | None:
    """Pair each injection with the header it reads, when all read one by name."""
    if shape.header_names is None:
        return None
    named = []
    for injection, entry in zip(injections, shape, strict=True):
        if entry.fields is None or len(entry.fields) != 2:
            return None
        root, name = entry.fields
        if root != "headers":
            return None
        named.append((injection, name.lower()))
    return tuple(named)


def _compile_injection(target: Any, value: Any) -> Injection:
    path = parse_body_path(target)
    where = f"request_shape[{target!r}]"
    if isinstance(value, (AppendOperation, PrependOperation)):
        if not isinstance(value.separator, str):
            raise ShapeError(
                f"{where}: the separator must be a string, got {value.separator!r}",
                key=where,
            )
        parsed = compile_expression(value.expression, key=where)
        return Injection(
            target,
            path,
            value.expression,
            parsed,
            value.separator,
            prepends=isinstance(value, PrependOperation),
        )
    parsed = compile_expression(value, key=where)
    return Injection(target, path, value, parsed)


def _write(body: dict[str, Any], injection: Injection, value: Any) -> None:
    """Write ``value`` into ``body``, a copy of the body sent, at the injection.

    The objects along the path are copied on the way down, so that the
    body as sent stays as it was; missing ones are created.
    """
    node = body
    for depth, key in enumerate(injection.path[:-1]):
        child = node.get(key)
        if child is None:
            child = {}
        elif isinstance(child, dict):
            child = dict(child)
        else:
            where = ".".join(injection.path[: depth + 1])
            raise RequestError(
                f"Cannot inject the adapter id at {injection.target!r}: "
                f"{where!r} holds {json_type_name(child)}, not an object.",
                [Problem(where, f"expected an object, got {json_type_name(child)}")],
            )
        node[key] = child
        node = child
    last = injection.path[-1]
    if injection.separator is not None:
        current = node.get(last)
        if current is None:
            node[last] = value
        elif isinstance(current, str) and isinstance(value, str):
            node[last] = (
                f"{value}{injection.separator}{current}"
                if injection.prepends
                else f"{current}{injection.separator}{value}"
            )
        else:
            verb = "prepend" if injection.prepends else "append"
            raise RequestError(
                f"Cannot {verb} the adapter id to {injection.target!r}: it holds "
                f"{json_type_name(current)}, not a string.",
                [
                    Problem(
                        injection.target,
                        f"expected a string, got {json_type_name(current)}",
                    )
                ],
            )
    else:
        node[last] = value

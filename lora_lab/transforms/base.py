"""The base class every transform implements."""

from __future__ import annotations

import functools
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable, Mapping
from types import CoroutineType, SimpleNamespace
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lora_lab.errors import Problem, RequestError
from lora_lab.registry import RouteConfig
from lora_lab.shapes import CompiledShape, ShapeEntry, compile_shape
from lora_lab.terminal import Inert
from lora_lab.transforms.document import build_document, parse_json
from lora_lab.transforms.responses import as_response, error_response, shaped_response

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
Endpoint = Callable[[Request], Awaitable[Response]]


class TransformedRequest:
    """What a transform made of a request, before the handler is called.

    ``document`` is the request document the shape was evaluated over,
    ``values`` the shape's result (None when the handler takes the request
    only), and ``request`` the request the handler receives.
    ``adapter_name`` is the adapter the call concerns, when it names one,
    and ``notes`` what else the transform wants to show, such as the body
    before and after an injection.
    """

    __slots__ = ("adapter_name", "document", "notes", "request", "values")

    def __init__(
        self,
        request: Request,
        document: dict[str, Any],
        values: dict[str, Any] | None,
        adapter_name: str | None = None,
        notes: dict[str, Any] | None = None,
    ) -> None:
        self.request = request
        self.document = document
        self.values = values
        self.adapter_name = adapter_name
        self.notes: dict[str, Any] = {} if notes is None else notes

    def __repr__(self) -> str:
        return (
            f"TransformedRequest(request={self.request!r}, values={self.values!r}, "
            f"adapter_name={self.adapter_name!r})"
        )


class BaseApiTransform:
    """Turn a request into a handler call, and its result into a response.

    Subclass it to add a handler type of your own: override
    :meth:`transform_request` to validate the request and build the
    document, and :meth:`transform_response` to rewrite what the handler
    returned. Set ``route`` to have :func:`~lora_lab.bootstrap` mount
    handlers of the type.

    Raise :class:`~lora_lab.errors.RequestError` for a bad request: it
    becomes a JSON error response with its status, here and nowhere else.
    """

    route: ClassVar[RouteConfig | None] = None

    def __init__(
        self,
        request_shape: Mapping[str, Any] | None = None,
        response_shape: Mapping[str, Any] | None = None,
    ) -> None:
        self.request_shape: CompiledShape = compile_shape(
            request_shape, name="request_shape"
        )
        self.response_shape: CompiledShape | None = (
            None
            if response_shape is None
            else compile_shape(response_shape, name="response_shape")
        )

    async def transform_request(self, request: Request) -> TransformedRequest:
        """Build the request document and evaluate the request shape over it.

        The default reads the body as JSON when there is one (null when the
        body is empty).
        """
        raw = await request.body()
        return self.shape_request(request, parse_json(raw) if raw.strip() else None)

    def shape_request(
        self,
        request: Request,
        body: Any,
        *,
        handed_on: Request | None = None,
        adapter_name: str | None = None,
    ) -> TransformedRequest:
        """Evaluate the request shape over ``request`` with ``body``.

        The last step of most :meth:`transform_request` methods: builds the
        parts of the document the shape reads and evaluates it. The handler
        receives ``handed_on`` (by default ``request`` itself).
        """
        shape = self.request_shape
        document = build_document(request, body, shape.roots, shape.header_names)
        return TransformedRequest(
            request if handed_on is None else handed_on,
            document,
            self.evaluate(document),
            adapter_name,
        )

    def evaluate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Evaluate the request shape, turning a runtime failure into a 400."""
        try:
            return self.request_shape.evaluate(document)
        except Exception:
            # A function that meets the wrong type (length(null)) fails only
            # now; find which expression it was and tell the client.
            raise self._evaluation_error(document) from None

    async def call_handler(
        self, handler: Handler, transformed: TransformedRequest
    ) -> Any:
        """Call the user's handler with what it asked for.

        The handler gets ``(data, request)``, ``data`` being a
        ``SimpleNamespace`` of the shape's values or, when the handler
        annotates its first argument with a pydantic model, an instance of
        that model (a mismatch is a 400 naming the field). With no shape
        values it gets the request only.
        """
        if transformed.values is None:
            result = handler(transformed.request)
        else:
            model = argument_model(handler)
            data = (
                SimpleNamespace(**transformed.values)
                if model is None
                else validate_model(model, transformed.values)
            )
            result = handler(data, transformed.request)
        if isinstance(result, CoroutineType) or inspect.isawaitable(result):
            result = await result
        return result

    def transform_response(
        self, result: Any, transformed: TransformedRequest
    ) -> Response:
        """Turn the handler's result into the response the client gets.

        The default applies the response shape, when there is one, to a
        successful response and passes every other response through.
        """
        response = as_response(result)
        if self.response_shape is not None and 200 <= response.status_code < 300:
            return shaped_response(response, self.response_shape)
        return response

    async def handle(self, handler: Handler, request: Request) -> Response:
        """Serve ``request`` with ``handler``: transform, call, rewrite."""
        try:
            transformed = await self.transform_request(request)
            result = await self.call_handler(handler, transformed)
        except RequestError as error:
            return self.refuse(request, error)
        return self.transform_response(result, transformed)

    def refuse(self, request: Request, error: RequestError) -> Response:
        """Answer ``request`` with the client error ``error`` describes."""
        logger.info(
            "Answered %s %s with %s",
            request.method,
            Inert(request.url.path),
            error.status_code,
        )
        return error_response(error)

    def bind(self, handler: Handler) -> Endpoint:
        """Return an endpoint taking the request that serves it with ``handler``.

        The endpoint keeps the handler's name and docstring, and takes a
        single ``raw_request`` so FastAPI can mount it as it is.
        """

        async def endpoint(raw_request: Request) -> Response:
            return await self.handle(handler, raw_request)

        return as_endpoint(endpoint, handler)

    def serves_as_defined(self, cls: type[BaseApiTransform]) -> bool:
        """Tell whether this object's request path is the one ``cls`` defines.

        A shortcut that ``cls`` takes in :meth:`bind` applies only then: a
        subclass overriding a step of :meth:`handle` gets its step called.
        """
        own = type(self)
        return all(
            getattr(own, step) is getattr(cls, step)
            for step in ("handle", "transform_request", "call_handler", "refuse")
        )

    def _evaluation_error(self, document: Mapping[str, Any]) -> RequestError:
        problems = []
        for entry in self.request_shape:
            reason = _search_error(entry, document)
            if reason is not None:
                problems.append(
                    Problem(
                        entry.key,
                        f"request_shape[{entry.key!r}] = {entry.expression!r} "
                        f"failed on this request: {reason}",
                        location="shape",
                    )
                )
        return RequestError(
            "The request does not fit the handler's request shape.", problems
        )


def as_endpoint(endpoint: Endpoint, handler: Handler) -> Endpoint:
    """Make ``endpoint`` mountable by FastAPI in ``handler``'s place.

    It keeps the handler's name and docstring, and its signature is a single
    ``raw_request``, which FastAPI fills with the request.
    """
    functools.update_wrapper(endpoint, handler, updated=())
    del endpoint.__wrapped__  # type: ignore[attr-defined]  # FastAPI reads the signature
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "raw_request",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=Request,
            )
        ]
    )
    endpoint.__annotations__ = {"raw_request": Request, "return": Response}
    return endpoint


@functools.cache
def argument_model(handler: Handler) -> type[BaseModel] | None:
    """Return the pydantic model the handler's first argument is annotated with."""
    try:
        hints = typing.get_type_hints(handler)
        first = next(iter(inspect.signature(handler).parameters), None)
    except (NameError, TypeError, ValueError):
        return None
    annotation = hints.get(first) if first is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def validate_model(model: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    """Return ``model`` built from the shape's values, or raise a 400 naming fields."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = [
            Problem(
                ".".join(str(part) for part in detail["loc"]) or model.__name__,
                f"{detail['msg']} (for {model.__name__})",
                location="shape",
            )
            for detail in error.errors(include_url=False)
        ]
        fields = ", ".join(dict.fromkeys(problem.field for problem in problems))
        return_error = RequestError(
            f"The request does not fit {model.__name__}: check {fields}.", problems
        )
        raise return_error from None


def _search_error(entry: ShapeEntry, document: Mapping[str, Any]) -> str | None:
    try:
        entry.search(document)
    except Exception as error:
        return str(error)
    return None

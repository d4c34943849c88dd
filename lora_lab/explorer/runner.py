"""One preview run: the request through the route, the transform and a recorder.

The request goes through the transform's own ``handle``, with a handler
that only records what it is given. The steps' intermediate results (the
request document, the transformed request, the rejection) are kept by
wrapping two methods on a copy of the transform, never on the transform
the decorator holds.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import jsonpatch
from fastapi.exception_handlers import http_exception_handler
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Match, Route

from lora_lab.errors import RequestError
from lora_lab.explorer.request import ParsedRequest
from lora_lab.explorer.result import (
    ExpressionError,
    ExpressionResult,
    HandlerInput,
    InjectionView,
    Preview,
    Rejection,
    RequestView,
    ResponseView,
)
from lora_lab.registry import Registration
from lora_lab.transforms.base import BaseApiTransform, TransformedRequest
from lora_lab.transforms.document import HeaderMap
from lora_lab.transforms.responses import as_response


class Recorder:
    """The handler of a preview: records what it is given, answers as told."""

    def __init__(self) -> None:
        self.received: HandlerInput | None = None
        self.response: Response | None = None

    async def __call__(self, *arguments: Any) -> Response:
        request: Request = arguments[-1]
        data = dict(vars(arguments[0])) if len(arguments) == 2 else None
        body = await request.body()
        # A transform that parsed the body hands the value on; use it.
        known: dict[str, Any] = {}
        if body.strip():
            with contextlib.suppress(ValueError, RecursionError):
                known["known_json"] = await request.json()
        self.received = HandlerInput(
            data=data,
            request=RequestView(
                method=request.method,
                path=request.url.path,
                query=tuple(request.query_params.multi_items()),
                headers=tuple(request.headers.items()),
                body=body,
                path_params=dict(request.path_params),
                **known,
            ),
        )
        return Response(status_code=200) if self.response is None else self.response


@dataclass
class _Observed:
    document: Any = None
    transformed: TransformedRequest | None = None
    error: RequestError | None = None
    crash: Exception | None = None


class Run:
    """One preview: the request through the route, the transform and the handler."""

    def __init__(
        self, registration: Registration, recorder: Recorder, parsed: ParsedRequest
    ) -> None:
        self.registration = registration
        self.recorder = recorder
        self.parsed = parsed

    async def preview(self, base: Preview) -> Preview:
        """Run the request and return ``base`` completed with what happened."""
        parsed = self.parsed
        sent = RequestView(
            method=parsed.method,
            path=parsed.raw_path,
            query=tuple(QueryParams(parsed.query_string).multi_items()),
            headers=parsed.headers,
            body=parsed.body,
        )
        scope = parsed.scope()
        routed = await self._route(scope)
        observed = _Observed()
        if isinstance(routed, Response):
            response = routed
            rejection: Rejection | None = _route_rejection(response)
        else:
            response = await self._handle(parsed.starlette_request(scope), observed)
            rejection = _rejection(observed, response)
            observed.document = _with_every_header(observed.document, scope)
        expressions = _evaluate(self.registration.transform, observed)
        return replace(
            base,
            outcome="rejected" if rejection is not None else "accepted",
            request=sent,
            request_kind=parsed.kind,
            request_notes=parsed.notes,
            expressions=expressions,
            document=_plain(observed.document),
            handler_input=self.recorder.received,
            injection=self._injection(observed),
            response=_response_view(response),
            rejection=rejection,
        )

    async def _route(self, scope: dict[str, Any]) -> Response | None:
        """Match the route as the app's router does; answer as it would on a miss."""
        config = self.registration.route
        if config is None:
            return None
        route = Route(config.path, endpoint=self.recorder, methods=[config.method])
        match, child = route.matches(scope)
        request = Request(scope)
        if match is Match.FULL:
            scope.update(child)
            return None
        if match is Match.PARTIAL:
            allow = ", ".join(sorted(route.methods or ()))
            error = HTTPException(405, headers={"Allow": allow})
            return await http_exception_handler(request, error)
        path = scope["path"]
        if path != "/":
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            if route.matches({**scope, "path": other})[0] is not Match.NONE:
                return RedirectResponse(str(request.url.replace(path=other)))
        return await http_exception_handler(request, HTTPException(404))

    async def _handle(self, request: Request, observed: _Observed) -> Response:
        transform = self.registration.transform
        try:
            if transform is None:
                return as_response(await self.recorder(request))
            return await _observing(transform, observed).handle(self.recorder, request)
        except Exception as error:
            # What the server's error middleware does with an unhandled error.
            observed.crash = error
            return PlainTextResponse("Internal Server Error", status_code=500)

    def _injection(self, observed: _Observed) -> InjectionView | None:
        transform = self.registration.transform
        injections = getattr(transform, "injections", None)
        if injections is None:
            return None
        targets = tuple(injection.target for injection in injections)
        notes = observed.transformed.notes if observed.transformed else {}
        if "body_after" in notes:
            before, after = notes["body_before"], notes["body_after"]
            patch = jsonpatch.make_patch(before, after).patch
            return InjectionView(targets, True, before, after, patch)
        received = self.recorder.received
        body = received.request.json if received is not None else None
        return InjectionView(targets, False, body, body, [])


def _observing(transform: BaseApiTransform, observed: _Observed) -> BaseApiTransform:
    """Return a copy of ``transform`` that records what its steps produce.

    The copy runs the class's own ``handle``; only ``transform_request`` and
    ``evaluate`` are wrapped, on the copy, to keep the document and the
    outcome: the document ``evaluate`` was given or, when it was not called,
    the transformed request's. The decorator's transform itself is left
    untouched.
    """
    copied = copy.copy(transform)
    transform_request = copied.transform_request
    evaluate = copied.evaluate

    async def recording_transform_request(request: Request) -> TransformedRequest:
        try:
            observed.transformed = await transform_request(request)
        except RequestError as error:
            observed.error = error
            raise
        if observed.document is None:
            # A transform may find its values without evaluating the shape
            # (inject reads its headers by name); its document is the same.
            observed.document = observed.transformed.document
        return observed.transformed

    def recording_evaluate(document: Mapping[str, Any]) -> dict[str, Any]:
        observed.document = document
        return evaluate(document)

    vars(copied)["transform_request"] = recording_transform_request
    vars(copied)["evaluate"] = recording_evaluate
    return copied


def _evaluate(
    transform: BaseApiTransform | None, observed: _Observed
) -> tuple[ExpressionResult, ...]:
    if transform is None:
        return ()
    if observed.document is None:
        return unevaluated(transform)
    results = []
    for entry in transform.request_shape:
        try:
            value = entry.search(observed.document)
        except Exception as error:
            message = str(error)
            name = getattr(error, "function_name", None)
            position = entry.expression.find(f"{name}(") if name else -1
            results.append(
                ExpressionResult(
                    entry.key,
                    entry.expression,
                    error=ExpressionError(message, position if position >= 0 else None),
                )
            )
        else:
            results.append(ExpressionResult(entry.key, entry.expression, value))
    return tuple(results)


def unevaluated(transform: BaseApiTransform | None) -> tuple[ExpressionResult, ...]:
    """Return each shape key as not evaluated, for a request that got no further."""
    if transform is None:
        return ()
    return tuple(
        ExpressionResult(entry.key, entry.expression, evaluated=False)
        for entry in transform.request_shape
    )


def _rejection(observed: _Observed, response: Response) -> Rejection | None:
    if observed.crash is not None:
        crash = observed.crash
        return Rejection(
            "error",
            response.status_code,
            f"The transform raised {type(crash).__name__}: {crash}",
            "Internal Server Error",
        )
    error = observed.error
    if error is None:
        return None
    shape_failed = any(problem.location == "shape" for problem in error.problems)
    return Rejection(
        stage="shape" if shape_failed else "request",
        status=response.status_code,
        detail=error.detail,
        body=error.to_dict(),
        errors=[problem.to_dict() for problem in error.problems],
    )


def _route_rejection(response: Response) -> Rejection:
    view = _response_view(response)
    body = view.json if view.is_json else view.text
    detail = body.get("detail", "") if isinstance(body, dict) else ""
    if response.status_code == 307:
        detail = f"Redirected to {response.headers.get('location')}"
    return Rejection("route", response.status_code, str(detail), body)


def _response_view(response: Response) -> ResponseView:
    return ResponseView(
        status=response.status_code,
        headers=tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in response.raw_headers
        ),
        body=bytes(getattr(response, "body", b"")),
    )


def _with_every_header(document: Any, scope: dict[str, Any]) -> Any:
    """Return ``document`` with all the request's headers, for display.

    A shape that reads headers by name gets only those in its document;
    the explorer shows the request's headers in full, and the shape's
    expressions find the same values in either.
    """
    if not isinstance(document, Mapping) or "headers" not in document:
        return document
    return {**document, "headers": HeaderMap.from_raw(scope["headers"])}


def _plain(document: Any) -> Any:
    if isinstance(document, HeaderMap):
        return dict(document)
    if isinstance(document, Mapping):
        return {key: _plain(value) for key, value in document.items()}
    return document

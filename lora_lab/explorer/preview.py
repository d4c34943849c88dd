"""Preview a request: what a decorated handler receives, and what the client gets.

The request goes through the transform's own ``handle`` (validation, the
shape, the handler call, the response rewrite), with a handler that only
records what it is given (see :mod:`lora_lab.explorer.runner`), so the
preview cannot disagree with a server running the same decorator. No
registry is changed: the decorator builds its registration for the
recording handler without registering it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from starlette.responses import Response

from lora_lab.errors import LoraLabError, ShapeError
from lora_lab.explorer.parse import parse_request
from lora_lab.explorer.request import ParsedRequest, RequestParseError
from lora_lab.explorer.result import (
    ExpressionError,
    ExpressionResult,
    InputError,
    Preview,
)
from lora_lab.explorer.runner import Recorder, Run, unevaluated
from lora_lab.explorer.settings import DecoratorSettings
from lora_lab.registry import Registration, RouteConfig
from lora_lab.shapes import lint
from lora_lab.shapes.findings import Finding
from lora_lab.transforms.factory import HandlerDecorator

T = TypeVar("T")
RequestInput = str | bytes | Mapping[str, Any] | ParsedRequest
DecoratorInput = HandlerDecorator | DecoratorSettings | Mapping[str, Any]


def preview(
    request: RequestInput,
    decorator: DecoratorInput,
    *,
    handler_response: Response | None = None,
) -> Preview:
    """Show what a handler decorated with ``decorator`` receives for ``request``.

    ``request`` is raw HTTP text, a curl command, or a dict of ``method``,
    ``path``, ``headers``, ``query`` and ``body``. ``decorator`` is what you
    put on the handler, or its settings as data::

        result = preview(
            'curl localhost:8080/adapters -d \\'{"name": "a", "src": "s3://b"}\\'',
            register_load_adapter_handler(request_shape={"adapter_id": "body.name"}),
        )
        result.values          # {'adapter_id': 'a'}
        result.response.text   # 'Adapter a registered'

    The handler answers ``handler_response`` (an empty 200 by default).
    A request or a shape that cannot be used is reported on the result
    (``outcome`` ``invalid_request`` or ``invalid_decorator``), not raised.
    Works in a running event loop too; in async code, prefer
    :func:`preview_async`.
    """
    return _run(preview_async(request, decorator, handler_response=handler_response))


async def preview_async(
    request: RequestInput,
    decorator: DecoratorInput,
    *,
    handler_response: Response | None = None,
) -> Preview:
    """Do what :func:`preview` does, awaiting the transform in the running loop."""
    made = _make(decorator)
    if isinstance(made, Preview):
        return made
    registration, recorder, settings_source, shape = made
    base = Preview(
        outcome="invalid_request",
        handler_type=registration.handler_type,
        decorator=settings_source,
        route=_route_text(registration.route),
        findings=tuple(lint(shape, registration.handler_type)),
        expressions=unevaluated(registration.transform),
    )
    try:
        parsed = parse_request(request)
    except RequestParseError as error:
        return replace(
            base,
            input_error=InputError(
                "request", error.message, error.line, error.expected, error.found
            ),
        )
    recorder.response = handler_response
    return await Run(registration, recorder, parsed).preview(base)


def _make(
    decorator: DecoratorInput,
) -> tuple[Registration, Recorder, str, Mapping[str, Any] | None] | Preview:
    """Return the registration for the recording handler, or why there is none."""
    settings: DecoratorSettings | None = None
    try:
        if isinstance(decorator, Mapping):
            settings = DecoratorSettings.from_dict(decorator)
        if isinstance(decorator, DecoratorSettings):
            settings = decorator
        if settings is not None:
            with _findings_not_logged():
                decorator = settings.decorator()
    except (LoraLabError, ValueError) as error:
        return _invalid_decorator(settings, error)
    if not isinstance(decorator, HandlerDecorator):
        raise TypeError(
            "decorator must be what a lora_lab decorator factory returns, such as "
            "register_load_adapter_handler(request_shape={...}), or its "
            f"DecoratorSettings; got {type(decorator).__name__}"
        )
    recorder = Recorder()
    registration = decorator.registration(recorder)
    settings = settings or DecoratorSettings.of(decorator)
    transform = decorator.transform
    source = (
        settings.source()
        if settings is not None
        else f"a {decorator.handler_type} decorator"
    )
    shape = None if transform is None else transform.request_shape.source
    return registration, recorder, source, shape


def _invalid_decorator(settings: DecoratorSettings | None, error: Exception) -> Preview:
    handler_type = settings.handler_type if settings is not None else "unknown"
    shape = settings.shape if settings is not None else None
    findings = tuple(lint(shape, handler_type)) if settings is not None else ()
    # Errors are shown on their expressions; the findings keep the warnings.
    errors = {f.key: f for f in findings if f.severity == "error"}
    findings = tuple(f for f in findings if f.severity != "error")
    expressions = tuple(
        ExpressionResult(
            key,
            expression if isinstance(expression, str) else repr(expression),
            error=_finding_error(errors[key]) if key in errors else None,
            evaluated=False,
        )
        for key, expression in _leaves(shape or {})
    )
    message = str(error).split("\n", 1)[0]
    return Preview(
        outcome="invalid_decorator",
        handler_type=handler_type,
        decorator=settings.source() if settings is not None else "",
        input_error=InputError(
            "decorator",
            message,
            expected="expressions that compile"
            if isinstance(error, ShapeError)
            else None,
        ),
        expressions=expressions,
        findings=findings,
    )


class _Quiet(logging.Filter):
    """Drop the decorators' lint warnings while a preview makes its decorator.

    The preview reports the same findings on its result.
    """

    active: contextvars.ContextVar[bool] = contextvars.ContextVar(
        "lora_lab_preview_quiet", default=False
    )

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.active.get()


logging.getLogger("lora_lab.transforms.factory").addFilter(_Quiet())


@contextlib.contextmanager
def _findings_not_logged() -> Iterator[None]:
    token = _Quiet.active.set(True)
    try:
        yield
    finally:
        _Quiet.active.reset(token)


def _finding_error(finding: Finding) -> ExpressionError:
    return ExpressionError(finding.message, finding.position, finding.fix)


def _leaves(shape: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    leaves: list[tuple[str, Any]] = []
    for key, value in shape.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            leaves.extend(_leaves(value, f"{name}."))
        else:
            leaves.append((name, getattr(value, "expression", value)))
    return leaves


def _route_text(route: RouteConfig | None) -> str | None:
    return None if route is None else f"{route.method.upper()} {route.path}"


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end, in or out of a running event loop.

    In a running loop (a notebook's), the coroutine gets a loop of its own on
    another thread: the caller waits for it either way.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(coroutine))
        except BaseException as error:  # handed back to the caller below
            failure.append(error)

    thread = threading.Thread(target=target, name="lora-lab-preview")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]

"""The generic transform decorator factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from lora_lab.registry import (
    HandlerRegistry,
    Registration,
    RouteConfig,
    handler_registry,
)
from lora_lab.shapes.lint import lint
from lora_lab.transforms.base import BaseApiTransform

logger = logging.getLogger(__name__)

TransformResolver = Callable[[str], type[BaseApiTransform]]


class HandlerDecorator:
    """Wrap a handler in its transform and register it: what a factory returns.

    Calling it on a handler registers the handler and returns the endpoint
    to mount. :meth:`registration` builds the same
    :class:`~lora_lab.registry.Registration` without registering it, so a
    tool can run a request through the very transform a decorator would
    install, leaving every registry as it is.
    """

    def __init__(
        self,
        handler_type: str,
        transform: BaseApiTransform | None,
        route: RouteConfig | None,
        registry: HandlerRegistry | None = None,
    ) -> None:
        self.handler_type = handler_type
        self.transform = transform
        """The transform requests go through; None for a passthrough handler."""
        self.route = route
        self.registry = registry
        """The registry to register in; None means the default one."""

    def registration(self, handler: Callable[..., Any]) -> Registration:
        """Return the registration this decorator makes for ``handler``."""
        transform = self.transform
        return Registration(
            handler_type=self.handler_type,
            handler=handler,
            endpoint=handler if transform is None else transform.bind(handler),
            transform=transform,
            route=self.route,
        )

    def __call__(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        registration = self.registration(handler)
        registry = handler_registry if self.registry is None else self.registry
        registry.register(registration)
        return registration.endpoint

    def __repr__(self) -> str:
        return f"HandlerDecorator({self.handler_type!r}, {self.transform!r})"


Decorator = HandlerDecorator


def create_transform_decorator(
    handler_type: str | Enum,
    transform_resolver: TransformResolver,
    *,
    registry: HandlerRegistry | None = None,
) -> Callable[..., Decorator]:
    """Return a decorator factory for handlers of ``handler_type``.

    ``transform_resolver`` maps the handler type's name to the
    :class:`~lora_lab.BaseApiTransform` subclass that serves it. The
    factory takes ``request_shape``, ``response_shape`` and any keyword
    options the transform class accepts (``error_mapping`` for the LoRA
    adapter calls); the decorator it returns registers the handler,
    wrapped in the transform, and returns the wrapped endpoint. With both
    shapes None the handler is registered unchanged and receives the raw
    request only.

    The shapes are compiled when the factory is called, so a bad
    expression raises :class:`~lora_lab.errors.ShapeError` (a
    ``ValueError``) at import time, not on the first request::

        decorator = create_transform_decorator("summarize", resolve)

        @decorator(request_shape={"text": "body.text"})
        async def summarize(data, request): ...
    """
    type_name = handler_type_name(handler_type)
    transform_class = transform_resolver(type_name)

    def with_shapes(
        request_shape: Mapping[str, Any] | None = None,
        response_shape: Mapping[str, Any] | None = None,
        *,
        registry: HandlerRegistry | None = registry,
        **options: Any,
    ) -> Decorator:
        passthrough = request_shape is None and response_shape is None and not options
        transform = (
            None
            if passthrough
            else transform_class(request_shape, response_shape, **options)
        )
        if transform is not None:
            _warn_about_findings(type_name, transform)
        return HandlerDecorator(type_name, transform, transform_class.route, registry)

    return with_shapes


def _warn_about_findings(type_name: str, transform: BaseApiTransform) -> None:
    """Log what :func:`~lora_lab.shapes.lint` finds; compiling caught the errors."""
    for finding in lint(transform.request_shape.source, type_name):
        logger.warning(
            "The %s request_shape[%r] = %r: %s Fix: %s",
            type_name,
            finding.key,
            finding.expression,
            finding.message,
            finding.fix,
        )


def handler_type_name(handler_type: str | Enum) -> str:
    """Return the registry name of ``handler_type``: a string, or an enum's value."""
    if isinstance(handler_type, Enum):
        handler_type = handler_type.value
    if not isinstance(handler_type, str) or not handler_type:
        raise ValueError(
            f"handler_type must be a non-empty string or an enum member whose value "
            f"is one, got {handler_type!r}"
        )
    return handler_type

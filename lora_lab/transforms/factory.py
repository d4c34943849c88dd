"""The generic transform decorator factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from lora_lab.registry import HandlerRegistry, Registration, handler_registry
from lora_lab.transforms.base import BaseApiTransform

logger = logging.getLogger(__name__)

TransformResolver = Callable[[str], type[BaseApiTransform]]
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


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

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            endpoint = handler if transform is None else transform.bind(handler)
            (handler_registry if registry is None else registry).register(
                Registration(
                    handler_type=type_name,
                    handler=handler,
                    endpoint=endpoint,
                    transform=transform,
                    route=transform_class.route,
                )
            )
            return endpoint

        return decorator

    return with_shapes


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

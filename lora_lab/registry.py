"""Which handler serves which handler type."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from lora_lab.transforms.base import BaseApiTransform

logger = logging.getLogger(__name__)


class RouteConfig(NamedTuple):
    """The route :func:`~lora_lab.bootstrap` gives a handler type.

    A transform class names its route in its ``route`` attribute; a type
    without one (such as ``inject_adapter_id``) is mounted by the user on a
    route of their own. ``path`` and ``method`` say where; ``tags``,
    ``summary``, ``openapi_extra`` (added to the route's OpenAPI operation:
    request schema, parameters) and ``responses`` (its documented responses,
    by status) describe it in the app's OpenAPI schema.
    """

    path: str
    method: str
    tags: tuple[str, ...] | list[str] | None = None
    summary: str | None = None
    openapi_extra: dict[str, Any] | None = None
    responses: dict[int | str, dict[str, Any]] | None = None


class Registration(NamedTuple):
    """A decorated handler: its type, the endpoint to mount, and its route.

    ``transform`` is None for a passthrough handler (both shapes None),
    whose ``endpoint`` is the user's function itself.
    """

    handler_type: str
    handler: Callable[..., Any]
    endpoint: Callable[..., Any]
    transform: BaseApiTransform | None
    route: RouteConfig | None

    @property
    def key(self) -> str:
        """One routed handler per type; route-less types keep one per function."""
        if self.route is not None:
            return self.handler_type
        return f"{self.handler_type}:{_qualified_name(self.handler)}"


class HandlerRegistry:
    """The handlers the decorators registered, by handler type.

    Registering a handler for a type that has one replaces it, so that
    re-running a notebook cell does not stack handlers. Create one to keep
    a test's or a notebook's handlers apart from the default registry::

        registry = HandlerRegistry()

        @register_load_adapter_handler({"adapter_id": "body.name"}, registry=registry)
        async def load(data, request): ...

        bootstrap(app, registry=registry)
    """

    def __init__(self) -> None:
        self._registrations: dict[str, Registration] = {}

    def register(self, registration: Registration) -> None:
        """Add ``registration``, replacing one of the same type (and route)."""
        previous = self._registrations.get(registration.key)
        self._registrations[registration.key] = registration
        if previous is not None:
            logger.info(
                "Replaced the %s handler %s with %s",
                registration.handler_type,
                _qualified_name(previous.handler),
                _qualified_name(registration.handler),
            )
        else:
            logger.debug(
                "Registered %s as the %s handler",
                _qualified_name(registration.handler),
                registration.handler_type,
            )

    def get(self, handler_type: str) -> Registration | None:
        """Return the registration for ``handler_type``, or None."""
        handler_type = str(handler_type)
        for registration in self._registrations.values():
            if registration.handler_type == handler_type:
                return registration
        return None

    def get_handler(self, handler_type: str) -> Callable[..., Any] | None:
        """Return the endpoint registered for ``handler_type``, or None."""
        registration = self.get(handler_type)
        return None if registration is None else registration.endpoint

    def has_handler(self, handler_type: str) -> bool:
        """Tell whether a handler is registered for ``handler_type``."""
        return self.get(handler_type) is not None

    def remove(self, handler_type: str) -> None:
        """Forget every handler of ``handler_type``."""
        handler_type = str(handler_type)
        self._registrations = {
            key: registration
            for key, registration in self._registrations.items()
            if registration.handler_type != handler_type
        }

    def clear(self) -> None:
        """Forget every handler."""
        self._registrations.clear()

    def __iter__(self) -> Iterator[Registration]:
        return iter(list(self._registrations.values()))

    def __len__(self) -> int:
        return len(self._registrations)

    def __repr__(self) -> str:
        types = sorted({r.handler_type for r in self._registrations.values()})
        return f"HandlerRegistry({types})"


handler_registry = HandlerRegistry()
"""The registry the decorators use when none is given."""


def _qualified_name(function: Callable[..., Any]) -> str:
    module = getattr(function, "__module__", None) or "?"
    name = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{name}"

"""``bootstrap(app)``: mount the registered handlers on their routes."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.routing import APIRoute

from lora_lab.registry import HandlerRegistry, handler_registry

logger = logging.getLogger(__name__)

_MOUNTED = "lora_lab_routes"


def bootstrap(app: FastAPI, registry: HandlerRegistry | None = None) -> FastAPI:
    """Mount every registered handler that has a route, and return ``app``.

    Register handlers first: one registered later is mounted by the next
    call. Calling it again replaces the routes it mounted before instead of
    adding them twice; the app's own routes are left as they are::

        app = FastAPI()
        bootstrap(app)  # POST /adapters, DELETE /adapters/{adapter_name}
    """
    registry = handler_registry if registry is None else registry
    mounted: dict[tuple[str, str], APIRoute] = getattr(app.state, _MOUNTED, {})
    for registration in registry:
        route = registration.route
        if route is None:
            continue
        method = route.method.upper()
        previous = mounted.pop((route.path, method), None)
        if previous is not None:
            app.router.routes.remove(previous)
        elif _app_serves(app, route.path, method):
            logger.warning(
                "The app already serves %s %s; the %s handler is mounted after it "
                "and will not be reached",
                method,
                route.path,
                registration.handler_type,
            )
        app.add_api_route(
            route.path,
            registration.endpoint,
            methods=[method],
            tags=list(route.tags) if route.tags else None,
            summary=route.summary,
            name=registration.handler_type,
            openapi_extra=route.openapi_extra,
            responses=route.responses,
        )
        mounted[(route.path, method)] = app.router.routes[-1]  # type: ignore[assignment]
        logger.info(
            "Mounted %s %s for the %s handler",
            method,
            route.path,
            registration.handler_type,
        )
    setattr(app.state, _MOUNTED, mounted)
    return app


def _app_serves(app: FastAPI, path: str, method: str) -> bool:
    return any(
        getattr(route, "path", None) == path
        and method in (getattr(route, "methods", None) or ())
        for route in app.router.routes
    )

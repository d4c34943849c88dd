"""The implementations under test, each a FastAPI app serving the same routes.

- ``floor``: hand-written routes that do the job with the least work: parse the
  body once, map the fields, call the engine handler. They answer bad JSON
  with a 400 rather than a 500, as any implementation must, which costs
  nothing on the way of a good request.
- ``lora_lab``: the same engine handlers behind lora_lab's decorators.
- ``production``: the same behind ``model-hosting-container-standards``, when
  it is installed.

Routes, in the same order in every app so that routing costs them alike:
``POST /adapters``, ``DELETE /adapters/{adapter_name}``, then
``POST /{json,bytes}/{replace,append}`` for injection in front of an engine
handler that reads the body parsed or as bytes.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from benchmarks import engine

ADAPTER_HEADER = "X-Amzn-SageMaker-Adapter-Identifier"
ALIAS_HEADER = "X-Amzn-SageMaker-Adapter-Alias"
REGISTER_SHAPE = {"lora_name": "body.name", "lora_path": "body.src"}
UNREGISTER_SHAPE = {"lora_name": "path_params.adapter_name"}
INJECT_TARGET = "model"
SEPARATOR = ":"
ENGINE_MODES = {
    "json": engine.generate_from_json,
    "bytes": engine.generate_from_bytes,
}

CONTROL = "floor again"
"""A second floor server: how far two identical servers differ over HTTP."""

App = Callable[..., Awaitable[None]]


def production_available() -> bool:
    """Tell whether ``model-hosting-container-standards`` can be imported."""
    return importlib.util.find_spec("model_hosting_container_standards") is not None


def implementation_names() -> list[str]:
    """Name the implementations this run can compare, the floor first."""
    names = ["floor", "lora_lab"]
    if production_available():
        names.append("production")
    return names


def build_app(name: str) -> FastAPI:
    """Build the app of implementation ``name``."""
    builders = {
        "floor": build_floor,
        "lora_lab": build_lora_lab,
        "production": build_production,
        CONTROL: build_floor,
    }
    return builders[name]()


class InjectedRequest(Request):
    """The least a route must hand on: the rewritten body, parsed and as bytes."""

    def __init__(self, request: Request, payload: dict[str, Any]) -> None:
        super().__init__(request.scope, request.receive)
        self.payload = payload
        self.serialized: bytes | None = None

    async def json(self) -> Any:
        return self.payload

    async def body(self) -> bytes:
        if self.serialized is None:
            self.serialized = json.dumps(
                self.payload, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
        return self.serialized


def build_floor() -> FastAPI:
    """Build the hand-written routes."""
    app = FastAPI()

    @app.post("/adapters")
    async def register(request: Request) -> Response:
        try:
            payload = await request.json()
        except ValueError:
            return JSONResponse({"detail": "the body is not JSON"}, 400)
        if not isinstance(payload, dict):
            return JSONResponse({"detail": "the body is not an object"}, 400)
        name = payload.get("name")
        src = payload.get("src")
        if not isinstance(name, str) or not isinstance(src, str):
            return JSONResponse({"detail": "name and src are required"}, 400)
        data = SimpleNamespace(lora_name=name, lora_path=src)
        response = await engine.load_adapter(data, request)
        if response.status_code != 200:
            return response
        alias = request.headers.get(ALIAS_HEADER)
        return PlainTextResponse(f"Adapter {alias or name} registered")

    @app.delete("/adapters/{adapter_name}")
    async def unregister(request: Request) -> Response:
        name = request.path_params["adapter_name"]
        data = SimpleNamespace(lora_name=name)
        response = await engine.unload_adapter(data, request)
        if response.status_code != 200:
            return response
        alias = request.headers.get(ALIAS_HEADER)
        return PlainTextResponse(f"Adapter {alias or name} unregistered")

    for mode, handler in ENGINE_MODES.items():
        app.add_api_route(
            f"/{mode}/replace", _floor_inject(handler, append=False), methods=["POST"]
        )
        app.add_api_route(
            f"/{mode}/append", _floor_inject(handler, append=True), methods=["POST"]
        )
    return app


def _floor_inject(
    handler: Callable[[Request], Awaitable[Response]], *, append: bool
) -> Callable[[Request], Awaitable[Response]]:
    async def inject(request: Request) -> Response:
        adapter = request.headers.get(ADAPTER_HEADER)
        if adapter is None:
            return await handler(request)
        try:
            payload = await request.json()
        except ValueError:
            return JSONResponse({"detail": "the body is not JSON"}, 400)
        if not isinstance(payload, dict):
            return JSONResponse({"detail": "the body is not an object"}, 400)
        current = payload.get(INJECT_TARGET) if append else None
        payload[INJECT_TARGET] = (
            adapter if current is None else f"{current}{SEPARATOR}{adapter}"
        )
        return await handler(InjectedRequest(request, payload))

    return inject


def build_lora_lab() -> FastAPI:
    """Build the app with lora_lab's decorators, on a registry of its own."""
    from lora_lab import (
        HandlerRegistry,
        bootstrap,
        inject_adapter_id,
        register_load_adapter_handler,
        register_unload_adapter_handler,
    )

    registry = HandlerRegistry()
    register_load_adapter_handler(REGISTER_SHAPE, registry=registry)(
        engine.load_adapter
    )
    register_unload_adapter_handler(UNREGISTER_SHAPE, registry=registry)(
        engine.unload_adapter
    )
    app = bootstrap(FastAPI(), registry=registry)
    for mode, handler in ENGINE_MODES.items():
        replace = inject_adapter_id(INJECT_TARGET, registry=HandlerRegistry())
        append = inject_adapter_id(
            INJECT_TARGET, append=True, separator=SEPARATOR, registry=HandlerRegistry()
        )
        app.add_api_route(f"/{mode}/replace", replace(handler), methods=["POST"])
        app.add_api_route(f"/{mode}/append", append(handler), methods=["POST"])
    return app


def build_production() -> FastAPI:
    """Build the app with the production package's decorators."""
    root_level = logging.getLogger().level
    from model_hosting_container_standards.sagemaker import (  # type: ignore[import-untyped]
        bootstrap,
        inject_adapter_id,
        register_load_adapter_handler,
        register_unload_adapter_handler,
    )

    # Importing the package sets the root logger's level; give it back.
    logging.getLogger().setLevel(root_level)

    register_load_adapter_handler(REGISTER_SHAPE)(engine.load_adapter)
    register_unload_adapter_handler(UNREGISTER_SHAPE)(engine.unload_adapter)
    app: FastAPI = bootstrap(FastAPI())
    logging.getLogger().setLevel(root_level)
    for mode, handler in ENGINE_MODES.items():
        replace = inject_adapter_id(INJECT_TARGET)
        append = inject_adapter_id(INJECT_TARGET, append=True, separator=SEPARATOR)
        app.add_api_route(f"/{mode}/replace", replace(handler), methods=["POST"])
        app.add_api_route(f"/{mode}/append", append(handler), methods=["POST"])
    return app

"""My container: a LoRA engine behind SageMaker's adapter API.

In production the app is built once, over the default registry::

    app = create_app(LoRAEngine(base_model="toy-base"))

The tests build one per test, over a registry of their own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)
from lora_lab.engine import EngineError, LoRAEngine

REGISTER_SHAPE = {
    "lora_name": "body.name",
    "lora_path": "body.src",
    "load_inplace": "body.load_inplace",
}
"""The engine's load arguments, read from SageMaker's register request."""

UNREGISTER_SHAPE = {"lora_name": "path_params.adapter_name"}
"""The engine's unload argument, read from SageMaker's unregister request."""


def create_app(engine: LoRAEngine, registry: HandlerRegistry | None = None) -> FastAPI:
    """Return the container's app, its adapter handlers in ``registry``."""
    app = FastAPI(title="my-container")

    @register_load_adapter_handler(request_shape=REGISTER_SHAPE, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        try:
            await engine.load_adapter(
                data.lora_name, data.lora_path, load_inplace=bool(data.load_inplace)
            )
        except EngineError as error:
            # lora_lab maps the engine's status and message onto SageMaker's.
            return Response(error.message, status_code=error.status_code)
        return Response(status_code=200)

    @register_unload_adapter_handler(request_shape=UNREGISTER_SHAPE, registry=registry)
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        try:
            await engine.unload_adapter(data.lora_name)
        except EngineError as error:
            return Response(error.message, status_code=error.status_code)
        return Response(status_code=200)

    @register_list_adapters_handler(
        request_shape={
            "limit": "query_params.limit",
            "start": "query_params.next_page_token",
        },
        registry=registry,
    )
    async def list_adapters(data: SimpleNamespace, raw_request: Request) -> Any:
        start = data.start or 0
        names = list(engine.adapters)
        page = names[start : start + data.limit]
        following = start + len(page)
        return {
            "adapters": [{"name": name} for name in page],
            "next_page_token": following if following < len(names) else None,
        }

    @register_describe_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Any:
        info = engine.adapters.get(data.lora_name)
        if info is None:
            return Response(f"No adapter {data.lora_name!r} is loaded", 404)
        return {"name": info.name, "src": str(info.path), "rank": info.rank}

    @app.get("/ping")
    async def ping() -> Response:
        return Response(status_code=200)

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invocations(raw_request: Request) -> Response:
        body = await raw_request.json()
        try:
            text = await engine.generate(
                body.get("model", engine.base_model),
                body.get("prompt"),
                max_tokens=body.get("max_tokens", 16),
            )
        except EngineError as error:
            return JSONResponse(error.to_dict(), status_code=error.status_code)
        return JSONResponse({"generated_text": text})

    return bootstrap(app, registry=registry)

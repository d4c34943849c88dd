"""Example SageMaker containers: the reference engine behind SageMaker's adapter API.

Each builder returns a FastAPI app serving the engine's native routes and
SageMaker's: ``GET /ping``, ``POST /invocations`` and the adapter calls
(register, unregister, list, describe and update under ``/adapters``). The
handlers are registered in a :class:`~lora_lab.HandlerRegistry` of the
container's own, so building a container never touches the default
registry, and two containers can live in one process.

Read them as the two usual ways of putting an engine behind SageMaker:

- :func:`create_vllm_container`, the vLLM way: the adapter named by the
  ``X-Amzn-SageMaker-Adapter-Identifier`` header replaces ``model``;
- :func:`create_sglang_container`, for an engine that wants
  ``"<base model>:<adapter>"``: the header is appended to ``model`` with ``:``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lora_lab.engine.adapters import AdapterInfo
from lora_lab.engine.app import completion_response, create_engine_app
from lora_lab.engine.engine import LoRAEngine
from lora_lab.engine.errors import EngineError, ModelNotFound
from lora_lab.registry import HandlerRegistry
from lora_lab.routes import bootstrap
from lora_lab.transforms.lora import (
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)


def create_vllm_container(
    engine: LoRAEngine, *, registry: HandlerRegistry | None = None
) -> FastAPI:
    """Return ``engine`` behind SageMaker's adapter API, adapted the vLLM way.

    ``POST /adapters {"name", "src"}`` loads the adapter folder ``src`` as
    ``name`` (``"load_inplace": true`` replaces a loaded one), ``DELETE
    /adapters/{adapter_name}`` unloads it, and ``POST /invocations`` (like
    ``POST /v1/completions``) answers with the adapter that the
    ``X-Amzn-SageMaker-Adapter-Identifier`` header names, written into the
    body's ``model``::

        app = create_vllm_container(LoRAEngine(base_model="toy-base"))
    """
    registry = HandlerRegistry() if registry is None else registry
    app = _container_app(engine, "vLLM-style")

    @register_load_adapter_handler(
        request_shape={
            "lora_name": "body.name",
            "lora_path": "body.src",
            "load_inplace": "body.load_inplace",
        },
        registry=registry,
    )
    async def load_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
        load_inplace = False if data.load_inplace is None else data.load_inplace
        return await _load(engine, raw_request, data, load_inplace=load_inplace)

    @register_unload_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def unload_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
        return await _unload(engine, data)

    @app.post("/invocations", tags=["sagemaker"], summary="Run an inference")
    @inject_adapter_id("model", registry=registry)
    async def invocations(raw_request: Request) -> Response:
        return await completion_response(engine, raw_request)

    @app.post("/v1/completions", tags=["engine"], summary="Complete a prompt")
    @inject_adapter_id("model", registry=registry)
    async def completions(raw_request: Request) -> Response:
        return await completion_response(engine, raw_request)

    _register_management_handlers(engine, registry)
    return bootstrap(app, registry=registry)


def create_sglang_container(
    engine: LoRAEngine, *, registry: HandlerRegistry | None = None
) -> FastAPI:
    """Return ``engine`` behind SageMaker's adapter API, for ``base:adapter`` engines.

    Like :func:`create_vllm_container`, except that the adapter named by
    the ``X-Amzn-SageMaker-Adapter-Identifier`` header is appended to the
    body's ``model`` after ``:``, so ``{"model": "toy-base"}`` becomes
    ``{"model": "toy-base:support"}``, the form SGLang reads. A body without
    ``model`` gets the adapter's name alone. The register request takes
    ``name`` and ``src`` only.
    """
    registry = HandlerRegistry() if registry is None else registry
    app = _container_app(engine, "SGLang-style")

    @register_load_adapter_handler(
        request_shape={"lora_name": "body.name", "lora_path": "body.src"},
        registry=registry,
    )
    async def load_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
        return await _load(engine, raw_request, data)

    @register_unload_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def unload_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
        return await _unload(engine, data)

    @app.post("/invocations", tags=["sagemaker"], summary="Run an inference")
    @inject_adapter_id("model", append=True, separator=":", registry=registry)
    async def invocations(raw_request: Request) -> Response:
        return await completion_response(engine, raw_request)

    @app.post("/v1/completions", tags=["engine"], summary="Complete a prompt")
    @inject_adapter_id("model", append=True, separator=":", registry=registry)
    async def completions(raw_request: Request) -> Response:
        return await completion_response(engine, raw_request)

    _register_management_handlers(engine, registry)
    return bootstrap(app, registry=registry)


EXAMPLE_CONTAINERS: Mapping[str, Callable[[LoRAEngine], FastAPI]] = {
    "vllm": create_vllm_container,
    "sglang": create_sglang_container,
}
"""The example containers by the name ``lora-lab serve --example`` knows them."""


async def _load(
    engine: LoRAEngine,
    raw_request: Request,
    data: SimpleNamespace,
    *,
    load_inplace: bool = False,
) -> Response:
    try:
        await engine.load_adapter(
            data.lora_name, data.lora_path, load_inplace=load_inplace
        )
    except EngineError as error:
        return _engine_error(error)
    return Response(status_code=200)


async def _unload(engine: LoRAEngine, data: SimpleNamespace) -> Response:
    try:
        await engine.unload_adapter(data.lora_name)
    except EngineError as error:
        return _engine_error(error)
    return Response(status_code=200)


def _register_management_handlers(
    engine: LoRAEngine, registry: HandlerRegistry
) -> None:
    """List, describe and update, the same for both containers."""

    @register_list_adapters_handler(
        request_shape={
            "limit": "query_params.limit",
            "start": "query_params.next_page_token",
        },
        registry=registry,
    )
    async def list_adapters(data: SimpleNamespace, raw_request: Request) -> Any:
        names = list(engine.adapters)
        start = data.start or 0
        page = names[start : start + data.limit]
        following = start + data.limit
        return {
            "adapters": [describe_adapter(engine.adapters[name]) for name in page],
            "next_page_token": following if following < len(names) else None,
        }

    @register_describe_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Any:
        info = engine.adapters.get(data.lora_name)
        if info is None:
            return _engine_error(
                ModelNotFound(f"The adapter {data.lora_name!r} cannot be found.")
            )
        return describe_adapter(info)

    @register_update_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name", "pin": "body.pin"},
        registry=registry,
    )
    async def update(data: SimpleNamespace, raw_request: Request) -> Response:
        try:
            await engine.update_adapter(data.lora_name, pinned=data.pin)
        except EngineError as error:
            return _engine_error(error)
        return Response(status_code=200)


def describe_adapter(info: AdapterInfo) -> dict[str, Any]:
    """Describe a loaded adapter as SageMaker's describe and list calls do."""
    return {
        "name": info.name,
        "src": str(info.path),
        "rank": info.rank,
        "target_modules": list(info.target_modules),
        "preload": True,
        "pin": info.pinned,
    }


def _engine_error(error: EngineError) -> Response:
    # Answer as the engine's own endpoint would; SageMaker's error mapping
    # turns the engine's message into SageMaker's status and message.
    return JSONResponse(error.to_dict(), status_code=error.status_code)


def _container_app(engine: LoRAEngine, style: str) -> FastAPI:
    app = create_engine_app(engine, completions=False)
    app.title = f"lora_lab example container ({style})"

    @app.get("/ping", tags=["sagemaker"], summary="Health check")
    async def ping() -> Response:
        return Response(status_code=200)

    return app

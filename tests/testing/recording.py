"""A container whose handlers record what each SageMaker call delivered."""

from __future__ import annotations

from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request, Response

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)

ALIAS = 'headers."X-Amzn-SageMaker-Adapter-Alias"'


class Recording:
    """The adapters a recording container holds and what its handlers got."""

    def __init__(self) -> None:
        self.adapters: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lifespan: list[str] = []

    def last(self, call: str) -> dict[str, Any]:
        """Return what the last ``call`` handler received."""
        return [values for name, values in self.calls if name == call][-1]


def recording_container(registry: HandlerRegistry) -> tuple[FastAPI, Recording]:
    """Bootstrap an app with all five adapter calls, inference and ping."""
    record = Recording()

    @register_load_adapter_handler(
        {"body": "body", "query": "query_params", "alias": ALIAS}, registry=registry
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        record.calls.append(("register", vars(data)))
        name = data.body["name"]
        if name in record.adapters:
            return Response(f"The lora adapter '{name}' is already loaded", 400)
        record.adapters[name] = {
            "src": data.body["src"],
            "preload": data.body["preload"],
            "pin": data.body["pin"],
        }
        return Response(status_code=200)

    @register_unload_adapter_handler(
        {"name": "path_params.adapter_name", "alias": ALIAS}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        record.calls.append(("unregister", vars(data)))
        if record.adapters.pop(data.name, None) is None:
            return Response(f"The lora adapter '{data.name}' cannot be found.", 404)
        return Response(status_code=200)

    @register_list_adapters_handler(
        {"limit": "query_params.limit", "token": "query_params.next_page_token"},
        registry=registry,
    )
    async def list_adapters(data: SimpleNamespace, raw_request: Request) -> Any:
        record.calls.append(("list", vars(data)))
        start = data.token or 0
        names = list(record.adapters)[start : start + data.limit]
        following = start + data.limit
        return {
            "adapters": [{"name": name} for name in names],
            "next_page_token": following if following < len(record.adapters) else None,
        }

    @register_describe_adapter_handler(
        {"name": "path_params.adapter_name", "alias": ALIAS}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Any:
        record.calls.append(("describe", vars(data)))
        if data.name not in record.adapters:
            return Response(f"The lora adapter '{data.name}' cannot be found.", 404)
        return {"name": data.name, **record.adapters[data.name]}

    @register_update_adapter_handler(
        {"name": "path_params.adapter_name", "body": "body", "query": "query_params"},
        registry=registry,
    )
    async def update(data: SimpleNamespace, raw_request: Request) -> Response:
        record.calls.append(("update", vars(data)))
        if data.name not in record.adapters:
            return Response(f"The lora adapter '{data.name}' cannot be found.", 404)
        for flag in ("preload", "pin"):
            if data.body[flag] is not None:
                record.adapters[data.name][flag] = data.body[flag]
        return Response(status_code=200)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        record.lifespan.append("startup")
        yield
        record.lifespan.append("shutdown")

    app = bootstrap(FastAPI(lifespan=lifespan), registry=registry)

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invocations(raw_request: Request) -> Any:
        body = await raw_request.json()
        record.calls.append(("invoke", body))
        return {"body": body, "content_type": raw_request.headers.get("content-type")}

    @app.post("/v1/completions")
    @inject_adapter_id("model", prepend=True, separator=":", registry=registry)
    async def completions(raw_request: Request) -> Any:
        return {"model": (await raw_request.json())["model"]}

    @app.get("/ping")
    async def ping() -> Response:
        return Response(status_code=200)

    return app, record

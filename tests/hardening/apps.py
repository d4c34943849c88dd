"""The apps the hardening tests send to: the example containers and the engine.

The example containers mount register and unregister; the list, describe
and update handlers that complete SageMaker's adapter API are added here,
over the same engine, in the registry the container bootstraps.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

from lora_lab import (
    HandlerRegistry,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_update_adapter_handler,
)
from lora_lab.engine import (
    LoRAEngine,
    create_engine_app,
    create_sglang_container,
    create_vllm_container,
)
from lora_lab.testing.calls import adapter_path

ADAPTER = "X-Amzn-SageMaker-Adapter-Identifier"
KINDS = ("vllm", "sglang", "engine")


def build_app(kind: str, engine: LoRAEngine) -> FastAPI:
    """Return the app ``kind`` (``vllm``, ``sglang`` or ``engine``) over ``engine``."""
    if kind == "engine":
        return create_engine_app(engine)
    registry = HandlerRegistry()
    _add_the_other_adapter_calls(engine, registry)
    make = create_vllm_container if kind == "vllm" else create_sglang_container
    return make(engine, registry=registry)


def load(client: httpx2.Client, kind: str, name: str, src: Path) -> None:
    """Load adapter ``name`` from ``src`` the way app ``kind`` takes it."""
    if kind == "engine":
        sent = {"lora_name": name, "lora_path": str(src)}
        reply = client.post("/v1/load_lora_adapter", json=sent)
    else:
        reply = client.post("/adapters", json={"name": name, "src": str(src)})
    assert reply.status_code == 200, reply.text


def unload(client: httpx2.Client, kind: str, name: str) -> httpx2.Response:
    """Unload adapter ``name`` the way app ``kind`` takes it."""
    if kind == "engine":
        return client.post("/v1/unload_lora_adapter", json={"lora_name": name})
    return client.delete(adapter_path(name))


def check_still_serving(client: httpx2.Client, kind: str, src: Path) -> None:
    """Load an adapter, answer with it and unload it: the app still works."""
    load(client, kind, "after", src)
    question = {"prompt": "Still there?", "max_tokens": 2}
    if kind == "engine":
        answer = client.post("/v1/completions", json={**question, "model": "after"})
    else:
        answer = client.post("/invocations", json=question, headers={ADAPTER: "after"})
    assert answer.status_code == 200, answer.text
    assert "toy-base+after" in answer.json()["choices"][0]["text"]
    assert unload(client, kind, "after").status_code == 200


def _add_the_other_adapter_calls(engine: LoRAEngine, registry: HandlerRegistry) -> None:
    @register_list_adapters_handler(
        {"limit": "query_params.limit", "start": "query_params.next_page_token"},
        registry=registry,
    )
    async def list_adapters(data: SimpleNamespace, raw_request: Request) -> Any:
        names = list(engine.adapters)
        start = data.start or 0
        following = start + data.limit
        return {
            "adapters": [{"name": name} for name in names[start:following]],
            "next_page_token": following if following < len(names) else None,
        }

    @register_describe_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Any:
        info = engine.adapters.get(data.name)
        if info is None:
            return _not_loaded(data.name)
        return {"name": info.name, "src": str(info.path), "rank": info.rank}

    @register_update_adapter_handler(
        {"name": "path_params.adapter_name", "pin": "body.pin"}, registry=registry
    )
    async def update(data: SimpleNamespace, raw_request: Request) -> Response:
        if data.name not in engine.adapters:
            return _not_loaded(data.name)
        return Response(status_code=200)


def _not_loaded(name: str) -> Response:
    message = f"The adapter {name!r} cannot be found: it is not loaded."
    return JSONResponse({"error": {"message": message}}, status_code=404)

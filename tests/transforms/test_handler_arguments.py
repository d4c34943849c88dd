"""Handlers may take a pydantic model; inject may prepend."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, Field
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_load_adapter_handler,
)


class LoadRequest(BaseModel):
    lora_name: str
    lora_path: str
    max_rank: int = Field(default=8, ge=1, le=64)


def test_handler_annotated_with_a_model_gets_an_instance(
    registry: HandlerRegistry,
) -> None:
    seen: list[Any] = []

    @register_load_adapter_handler(
        {"lora_name": "body.name", "lora_path": "body.src", "max_rank": "body.rank"},
        registry=registry,
    )
    async def load(data: LoadRequest, raw_request: Request) -> Response:
        seen.append(data)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    ok = client.post("/adapters", json={"name": "a", "src": "/a", "rank": 16})

    assert ok.status_code == 200
    assert seen == [LoadRequest(lora_name="a", lora_path="/a", max_rank=16)]


def test_model_mismatch_is_a_400_naming_the_field(registry: HandlerRegistry) -> None:
    seen: list[Any] = []

    @register_load_adapter_handler(
        {"lora_name": "body.name", "lora_path": "body.src", "max_rank": "body.rank"},
        registry=registry,
    )
    async def load(data: LoadRequest, raw_request: Request) -> Response:
        seen.append(data)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a", "rank": 512})

    assert response.status_code == 400
    assert "max_rank" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "max_rank"
    assert "less than or equal to 64" in response.json()["errors"][0]["message"]
    assert seen == []


def test_prepend_puts_the_adapter_in_front(registry: HandlerRegistry) -> None:
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", prepend=True, separator=":", registry=registry)
    async def invocations(raw_request: Request) -> Any:
        return await raw_request.json()

    response = TestClient(app).post(
        "/invocations",
        json={"model": "base", "prompt": "hi"},
        headers={"X-Amzn-SageMaker-Adapter-Identifier": "adapter"},
    )

    assert response.json() == {"model": "adapter:base", "prompt": "hi"}

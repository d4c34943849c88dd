from __future__ import annotations

from types import SimpleNamespace

from fastapi import FastAPI, Request, Response
from starlette.testclient import TestClient

from lora_lab import HandlerRegistry, bootstrap, register_unload_adapter_handler


def test_adapter_name_comes_from_the_path(registry: HandlerRegistry) -> None:
    seen: list[SimpleNamespace] = []

    @register_unload_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append(data)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.delete("/adapters/customer-support")

    assert (response.status_code, response.text) == (
        200,
        "Adapter customer-support unregistered",
    )
    assert vars(seen[0]) == {"lora_name": "customer-support"}


def test_alias_header_and_non_200(registry: HandlerRegistry) -> None:
    @register_unload_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        if data.lora_name == "missing":
            return Response("The adapter missing was not found", status_code=404)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))

    ok = client.delete(
        "/adapters/a", headers={"X-Amzn-SageMaker-Adapter-Alias": "nice"}
    )
    missing = client.delete("/adapters/missing")

    assert ok.text == "Adapter nice unregistered"
    assert (missing.status_code, missing.json()["detail"]) == (
        404,
        "The adapter missing was not found",
    )


def test_body_is_null_unless_one_is_sent(registry: HandlerRegistry) -> None:
    seen: list[SimpleNamespace] = []

    @register_unload_adapter_handler(
        request_shape={"reason": "body.reason"}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append(data)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    client.delete("/adapters/a")
    client.request("DELETE", "/adapters/a", json={"reason": "rotated"})
    bad = client.request(
        "DELETE",
        "/adapters/a",
        content=b"{oops",
        headers={"content-type": "application/json"},
    )

    assert [vars(data) for data in seen] == [{"reason": None}, {"reason": "rotated"}]
    assert bad.status_code == 400
    assert "not valid JSON" in bad.json()["detail"]

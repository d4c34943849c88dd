"""The body size limit of the adapter management calls: 413, and only there."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI, Request
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)
from lora_lab.transforms.document import DEFAULT_MAX_BODY_SIZE

ADAPTER = "X-Amzn-SageMaker-Adapter-Identifier"


def app_with(registry: HandlerRegistry, **options: Any) -> tuple[TestClient, list[Any]]:
    """An app whose register, unregister and update handlers record their calls."""
    calls: list[Any] = []

    @register_load_adapter_handler({"name": "body.name"}, registry=registry, **options)
    async def load(data: SimpleNamespace, raw_request: Request) -> None:
        calls.append(("register", await raw_request.body()))

    @register_unload_adapter_handler({"body": "body"}, registry=registry, **options)
    async def unload(data: SimpleNamespace, raw_request: Request) -> None:
        calls.append(("unregister", data.body))

    @register_update_adapter_handler({"pin": "body.pin"}, registry=registry, **options)
    async def update(data: SimpleNamespace, raw_request: Request) -> None:
        calls.append(("update", data.pin))

    app = bootstrap(FastAPI(), registry=registry)
    return TestClient(app, raise_server_exceptions=False), calls


def padded(size: int, **fields: Any) -> bytes:
    """A JSON object of exactly ``size`` bytes: ``fields`` and a filler string."""
    start = json.dumps({**fields, "pad": ""}, separators=(",", ":")).encode()
    body = start[:-2] + b"x" * (size - len(start)) + b'"}'
    assert len(body) == size
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/adapters"),
        ("DELETE", "/adapters/a"),
        ("POST", "/adapters/a/update"),
    ],
)
def test_a_body_over_the_limit_is_a_413_and_the_handler_is_not_called(
    registry: HandlerRegistry, method: str, path: str
) -> None:
    client, calls = app_with(registry, max_body_size=1000)

    reply = client.request(method, path, content=padded(1001, name="a", src="b"))

    assert reply.status_code == 413
    assert reply.json() == {
        "detail": "The request body is larger than 1,000 bytes, the most this "
        "call accepts.",
        "errors": [
            {
                "field": "body",
                "location": "body",
                "message": "the body is over the limit of 1,000 bytes",
            }
        ],
    }
    assert calls == []


def test_a_body_of_exactly_the_limit_is_read(registry: HandlerRegistry) -> None:
    client, calls = app_with(registry, max_body_size=1000)
    body = padded(1000, name="a", src="b")

    reply = client.post("/adapters", content=body)

    assert reply.status_code == 200
    assert calls == [("register", body)]


def test_a_body_without_content_length_is_cut_off_at_the_limit(
    registry: HandlerRegistry,
) -> None:
    client, calls = app_with(registry, max_body_size=1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 100

    reply = client.post("/adapters", content=chunks())

    assert reply.status_code == 413
    assert calls == []
    assert "content-length" not in reply.request.headers


def test_the_default_is_8_mib_and_none_means_no_limit(
    registry: HandlerRegistry,
) -> None:
    assert DEFAULT_MAX_BODY_SIZE == 8 * 1024 * 1024
    client, _ = app_with(registry)
    over = padded(DEFAULT_MAX_BODY_SIZE + 1, name="a", src="b")
    assert client.post("/adapters", content=over).status_code == 413

    client, calls = app_with(HandlerRegistry(), max_body_size=None)
    assert client.post("/adapters", content=over).status_code == 200
    assert calls == [("register", over)]


def test_a_content_length_that_is_not_a_number_is_not_a_500(
    registry: HandlerRegistry,
) -> None:
    # Servers refuse such a header themselves; an app called directly may not.
    client, _ = app_with(registry)
    for declared in ("\u00b2", "-5", "1e9", ""):
        status = asgi_post(client.app, b'{"name": "a", "src": "b"}', declared)
        assert status == 200, declared


def asgi_post(app: Any, body: bytes, content_length: str) -> int:
    """POST ``body`` to /adapters with any Content-Length; return the status."""
    messages: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/adapters",
        "raw_path": b"/adapters",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-length", content_length.encode("latin-1"))],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    return int(messages[0]["status"])


def test_inject_has_no_limit_of_its_own(registry: HandlerRegistry) -> None:
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invoke(raw_request: Request) -> object:
        return {"size": len(await raw_request.body())}

    body = padded(DEFAULT_MAX_BODY_SIZE + 1, prompt="hi")
    reply = TestClient(app).post("/invocations", content=body, headers={ADAPTER: "a"})

    assert reply.status_code == 200
    assert reply.json()["size"] > DEFAULT_MAX_BODY_SIZE


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "8MB"])
def test_a_limit_that_is_not_a_positive_number_is_refused_when_decorating(
    value: object,
) -> None:
    with pytest.raises(ValueError, match="max_body_size"):
        register_load_adapter_handler({"name": "body.name"}, max_body_size=value)  # type: ignore[arg-type]


def test_openapi_lists_the_413(registry: HandlerRegistry) -> None:
    client, _ = app_with(registry)

    spec = client.get("/openapi.json").json()

    assert "413" in spec["paths"]["/adapters"]["post"]["responses"]
    assert (
        "413" in spec["paths"]["/adapters/{adapter_name}/update"]["post"]["responses"]
    )


@pytest.mark.anyio
async def test_the_limit_holds_over_an_async_client(registry: HandlerRegistry) -> None:
    client, _ = app_with(registry, max_body_size=10)
    transport = httpx2.ASGITransport(app=client.app)

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b'{"name": "a", "src": "b"}'

    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
        reply = await http.post("/adapters", content=stream())

    assert reply.status_code == 413

"""How request bodies are read: repeated keys, nesting, and what is echoed back."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI, Request
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_load_adapter_handler,
)
from lora_lab.errors import RequestError
from lora_lab.transforms.document import BufferedRequest, parse_json

ADAPTER = "X-Amzn-SageMaker-Adapter-Identifier"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"name": "a", "src": "s3://b", "name": "c"}', "name"),
        (b'{"a": {"x": 1, "y": 2, "x": 3}}', "x"),
        (b'[{"ok": 1}, {"k": 1, "k": 1}]', "k"),
        (b'{"\\u006e": 1, "n": 2}', "n"),  # the same key, once escaped
    ],
)
def test_a_repeated_key_is_refused_naming_it(raw: bytes, key: str) -> None:
    with pytest.raises(RequestError) as raised:
        parse_json(raw)

    error = raised.value
    assert error.status_code == 400
    assert [problem.field for problem in error.problems] == [key]
    assert repr(key) in error.detail


def test_distinct_keys_and_equal_values_elsewhere_are_fine() -> None:
    assert parse_json(b'{"a": {"k": 1}, "b": {"k": 1}, "k": [1, 1]}') == {
        "a": {"k": 1},
        "b": {"k": 1},
        "k": [1, 1],
    }


def test_json_loads_rules_otherwise_hold() -> None:
    body = {"a": "ü", "b": [1.5, -0.0, 10**30, None, True]}
    for raw in (
        json.dumps(body).encode(),
        json.dumps(body).encode("utf-16"),
        b"\xef\xbb\xbf" + json.dumps(body).encode(),
    ):
        assert parse_json(raw) == json.loads(raw)
    for raw in (b'{"a": NaN}', b"\xff", b"[" * 100_000):
        with pytest.raises(RequestError):
            parse_json(raw)


def test_register_refuses_a_repeated_name(registry: HandlerRegistry) -> None:
    called = []

    @register_load_adapter_handler({"name": "body.name"}, registry=registry)
    async def load(data: object, raw_request: Request) -> None:
        called.append(data)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    reply = client.post("/adapters", content=b'{"name":"a","src":"s3://b","name":"c"}')

    assert reply.status_code == 400
    assert reply.json()["errors"] == [
        {
            "field": "name",
            "location": "body",
            "message": "'name' is given more than once in one JSON object",
        }
    ]
    assert called == []


def test_inject_keeps_the_last_value_as_request_json_would(
    registry: HandlerRegistry,
) -> None:
    # The documented trade-off: inject does not pay for the check.
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invoke(raw_request: Request) -> object:
        return await raw_request.json()

    reply = TestClient(app).post(
        "/invocations",
        content=b'{"prompt": "a", "prompt": "b"}',
        headers={ADAPTER: "support"},
    )

    assert reply.json() == {"prompt": "b", "model": "support"}


def test_an_error_quoting_a_lone_surrogate_is_a_400_not_a_500(
    registry: HandlerRegistry,
) -> None:
    # JMESPath's type error quotes the value it met.
    @register_load_adapter_handler({"n": "abs(body.other)"}, registry=registry)
    async def load(data: object, raw_request: Request) -> None:
        raise AssertionError("not called")

    client = TestClient(
        bootstrap(FastAPI(), registry=registry), raise_server_exceptions=False
    )
    reply = client.post(
        "/adapters", content=b'{"name": "a", "src": "s3://b", "other": "\\ud800"}'
    )

    assert reply.status_code == 400
    [problem] = reply.json()["errors"]
    assert problem["field"] == "n"
    assert "\\ud800" in reply.text  # sent back escaped, as it came


def test_nesting_that_parses_but_cannot_be_written_back_is_a_400(
    registry: HandlerRegistry,
) -> None:
    # The transform parses the body a few frames above where the handler
    # asks for it again; somewhere near the interpreter's recursion limit a
    # body fits the first and not the second. Try every depth around it.
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invoke(raw_request: Request) -> object:
        return {"size": len(await raw_request.body())}

    client = TestClient(app, raise_server_exceptions=False)
    statuses = set()
    for depth in range(900, 1001, 2):
        body = b'{"x": ' + b"[" * depth + b"]" * depth + b"}"
        reply = client.post("/invocations", content=body, headers={ADAPTER: "a"})
        statuses.add(reply.status_code)
        if reply.status_code == 400:
            assert reply.json()["errors"][0]["field"] == "body"

    assert statuses <= {200, 400}
    assert 400 in statuses


@pytest.mark.anyio
async def test_a_rewritten_body_too_deep_to_serialise_is_a_request_error() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    request = BufferedRequest(
        Request(scope), payload={"model": "a", "x": deep}, rewritten=True
    )

    with pytest.raises(RequestError, match="nested too deeply") as raised:
        await request.body()
    assert raised.value.status_code == 400

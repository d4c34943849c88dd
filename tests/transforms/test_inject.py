from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from starlette.testclient import TestClient

from lora_lab import HandlerRegistry, SageMakerLoRAApiHeader, inject_adapter_id
from lora_lab.transforms.lora.inject import InjectToBodyApiTransform

HEADER = {SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER: "support-adapter"}


def engine(registry: HandlerRegistry, *args: Any, **kwargs: Any) -> TestClient:
    """An engine route decorated with inject; it echoes what it read."""
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id(*args, registry=registry, **kwargs)
    async def invocations(raw_request: Request) -> dict[str, Any]:
        raw = await raw_request.body()
        return {
            "json": await raw_request.json(),
            "bytes": raw.decode(),
            "content_length": raw_request.headers.get("content-length"),
            "length": len(raw),
        }

    return TestClient(app)


def test_replace_writes_the_header_into_the_body(registry: HandlerRegistry) -> None:
    client = engine(registry, "lora_id")

    response = client.post(
        "/invocations",
        json={
            "inputs": "What is the return policy?",
            "parameters": {"max_new_tokens": 100},
        },
        headers=HEADER,
    )

    seen = response.json()
    assert seen["json"] == {
        "inputs": "What is the return policy?",
        "parameters": {"max_new_tokens": 100},
        "lora_id": "support-adapter",
    }
    assert json.loads(seen["bytes"]) == seen["json"]
    assert seen["content_length"] == str(seen["length"])


def test_replace_overwrites_and_keeps_key_order(registry: HandlerRegistry) -> None:
    client = engine(registry, "model")

    response = client.post(
        "/invocations",
        json={"a": 1, "model": "base", "z": [1.5, None, {"k": "v"}]},
        headers=HEADER,
    )

    seen = response.json()
    assert list(seen["json"]) == ["a", "model", "z"]
    assert seen["json"] == {
        "a": 1,
        "model": "support-adapter",
        "z": [1.5, None, {"k": "v"}],
    }
    assert list(json.loads(seen["bytes"])) == ["a", "model", "z"]


@pytest.mark.parametrize(
    ("separator", "expected"),
    [
        (":", "base:support-adapter"),
        ("-", "base-support-adapter"),
        ("", "basesupport-adapter"),
    ],
)
def test_append_joins_with_the_separator(
    registry: HandlerRegistry, separator: str, expected: str
) -> None:
    client = engine(registry, "model", append=True, separator=separator)

    response = client.post("/invocations", json={"model": "base"}, headers=HEADER)

    assert response.json()["json"] == {"model": expected}


def test_append_to_a_missing_field_sets_it(registry: HandlerRegistry) -> None:
    client = engine(registry, "model", append=True, separator=":")

    response = client.post("/invocations", json={"prompt": "hi"}, headers=HEADER)

    assert response.json()["json"] == {"prompt": "hi", "model": "support-adapter"}


def test_nested_path_creates_missing_parents(registry: HandlerRegistry) -> None:
    client = engine(registry, "body.model.lora_name")

    response = client.post(
        "/invocations", json={"body": {"other": 1}, "x": True}, headers=HEADER
    )

    assert response.json()["json"] == {
        "body": {"other": 1, "model": {"lora_name": "support-adapter"}},
        "x": True,
    }


def test_hyphenated_and_quoted_keys(registry: HandlerRegistry) -> None:
    client = engine(registry, 'extra-args."lora.id"', append=True, separator="/")

    response = client.post(
        "/invocations", json={"extra-args": {"lora.id": "base"}}, headers=HEADER
    )

    assert response.json()["json"] == {
        "extra-args": {"lora.id": "base/support-adapter"}
    }


def test_no_header_means_no_change(registry: HandlerRegistry) -> None:
    client = engine(registry, "lora_id")
    sent = b'{ "prompt" : "hi",   "lora_id": "keep" }'

    response = client.post(
        "/invocations", content=sent, headers={"content-type": "application/json"}
    )

    assert response.json()["bytes"] == sent.decode()


def test_no_header_leaves_even_a_non_json_body_alone(registry: HandlerRegistry) -> None:
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", registry=registry)
    async def invocations(raw_request: Request) -> dict[str, str]:
        return {"bytes": (await raw_request.body()).decode()}

    response = TestClient(app).post("/invocations", content=b"plain text")

    assert response.json() == {"bytes": "plain text"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{broken", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
    ],
)
def test_body_that_is_not_an_object_gets_400(
    registry: HandlerRegistry, content: bytes, message: str
) -> None:
    client = engine(registry, "model")

    response = client.post("/invocations", content=content, headers=HEADER)

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_parent_that_is_not_an_object_gets_400(registry: HandlerRegistry) -> None:
    client = engine(registry, "model.name")

    response = client.post("/invocations", json={"model": "base"}, headers=HEADER)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "model"


def test_append_to_a_non_string_gets_400(registry: HandlerRegistry) -> None:
    client = engine(registry, "model", append=True, separator=":")

    response = client.post("/invocations", json={"model": 3}, headers=HEADER)

    assert response.status_code == 400
    assert "holds a number, not a string" in response.json()["detail"]


def test_non_ascii_and_escaped_values_survive(registry: HandlerRegistry) -> None:
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", append=True, separator=":", registry=registry)
    async def invocations(raw_request: Request) -> Response:
        return Response(await raw_request.body(), media_type="application/json")

    sent = '{"model": "bäse", "prompt": "日本語 \\ud83d\\ude00", "lone": "\\udc80"}'
    response = TestClient(app).post(
        "/invocations",
        content=sent.encode(),
        headers={SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER: "adapter"},
    )

    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(sent) | {"model": "bäse:adapter"}


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("",), {}, "adapter_path"),
        ((None,), {}, "adapter_path"),
        ((5,), {}, "adapter_path"),
        (("a..b",), {}, "empty key"),
        (("a.",), {}, "ends with '.'"),
        (("model",), {"append": True}, "needs a separator"),
        (("model",), {"separator": ":"}, "only used with append=True"),
        (("model",), {"separator": ""}, "only used with append=True"),
    ],
)
def test_bad_arguments_raise_value_error_at_decoration(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        inject_adapter_id(*args, **kwargs)


def test_writes_under_one_parent_both_land_and_the_sent_body_stays() -> None:
    transform = InjectToBodyApiTransform(
        {
            "parameters.adapter": 'headers."X-Amzn-SageMaker-Adapter-Identifier"',
            "parameters.tag": 'headers."x-tag"',
        }
    )
    sent = b'{"parameters": {"top_p": 1, "nested": {"k": "v"}}, "inputs": "hi"}'

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": sent, "more_body": False}

    headers = [(b"x-amzn-sagemaker-adapter-identifier", b"fr"), (b"x-tag", b"t")]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    request = Request({**scope, "query_string": b""}, receive)

    transformed = asyncio.run(transform.transform_request(request))

    assert transformed.notes["body_before"] == json.loads(sent)
    assert transformed.notes["body_after"] == {
        "parameters": {
            "top_p": 1,
            "nested": {"k": "v"},
            "adapter": "fr",
            "tag": "t",
        },
        "inputs": "hi",
    }
    handed_on = asyncio.run(transformed.request.json())
    assert handed_on == transformed.notes["body_after"]

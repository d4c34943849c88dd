"""The engine's native endpoints over HTTP: vLLM-style routes and JSON errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, create_engine_app
from tests.conftest import SampleAdapters


@pytest.fixture
def client() -> Iterator[TestClient]:
    engine = LoRAEngine(base_model="toy-base", max_loras=2, max_lora_rank=16)
    with TestClient(create_engine_app(engine)) as client:
        yield client


def load(
    client: TestClient, name: str, path: Path | str, **extra: Any
) -> httpx2.Response:
    body = {"lora_name": name, "lora_path": str(path), **extra}
    return client.post("/v1/load_lora_adapter", json=body)


def error_of(reply: httpx2.Response) -> dict[str, Any]:
    """Return the error object of an error reply, after checking its shape."""
    body = reply.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["code"] == reply.status_code
    return error


def test_models_lists_the_base_model_then_each_adapter(
    client: TestClient, samples: SampleAdapters
) -> None:
    assert [card["id"] for card in client.get("/v1/models").json()["data"]] == [
        "toy-base"
    ]

    load(client, "support", samples.support)
    cards = client.get("/v1/models").json()["data"]

    assert [(card["id"], card["parent"]) for card in cards] == [
        ("toy-base", None),
        ("support", "toy-base"),
    ]
    assert cards[1]["root"] == str(samples.support.resolve())


def test_load_then_unload(client: TestClient, samples: SampleAdapters) -> None:
    loaded = load(client, "support", samples.support)
    unloaded = client.post("/v1/unload_lora_adapter", json={"lora_name": "support"})

    assert (loaded.status_code, loaded.text) == (
        200,
        "Success: LoRA adapter 'support' loaded (rank 8).",
    )
    assert (unloaded.status_code, unloaded.text) == (
        200,
        "Success: LoRA adapter 'support' unloaded.",
    )
    assert len(client.get("/v1/models").json()["data"]) == 1


def test_load_inplace_replaces(client: TestClient, samples: SampleAdapters) -> None:
    load(client, "support", samples.support)

    reply = load(client, "support", samples.support_v2, load_inplace=True)

    assert reply.status_code == 200
    assert "(rank 4)" in reply.text


@pytest.mark.parametrize(
    ("folder", "status", "kind", "expected"),
    [
        ("missing", 404, "NotFoundError", "no adapter found at"),
        (
            "support/adapter_config.json",
            404,
            "NotFoundError",
            "a file; give the folder",
        ),
        ("empty", 400, "BadRequestError", "doesn't contain tensors"),
        ("wide", 400, "BadRequestError", "LoRA rank 32 of adapter 'x' is greater than"),
    ],
)
def test_unusable_adapter_folders_are_refused(
    client: TestClient,
    samples: SampleAdapters,
    folder: str,
    status: int,
    kind: str,
    expected: str,
) -> None:
    reply = load(client, "x", samples.folder / folder)

    error = error_of(reply)
    assert reply.status_code == status
    assert error["type"] == kind
    assert error["param"] == "lora_path"
    assert expected in error["message"]


def test_loading_a_loaded_name_is_refused(
    client: TestClient, samples: SampleAdapters
) -> None:
    load(client, "support", samples.support)

    reply = load(client, "support", samples.support_v2)

    assert reply.status_code == 400
    assert error_of(reply)["param"] == "lora_name"
    assert "already loaded" in error_of(reply)["message"]


def test_no_free_slot_is_refused(client: TestClient, samples: SampleAdapters) -> None:
    load(client, "one", samples.support)
    load(client, "two", samples.support)

    reply = load(client, "three", samples.support)

    assert reply.status_code == 400
    assert "all 2 adapter slots (max_loras) are taken" in error_of(reply)["message"]


def test_unloading_an_unknown_adapter_is_not_found(client: TestClient) -> None:
    reply = client.post("/v1/unload_lora_adapter", json={"lora_name": "billing"})

    error = error_of(reply)
    assert reply.status_code == 404
    assert (error["type"], error["param"]) == ("NotFoundError", "lora_name")
    assert "The adapter 'billing' cannot be found" in error["message"]


@pytest.mark.parametrize(
    ("content", "param", "expected"),
    [
        (b"", None, "The request body is empty; send a JSON object with lora_name"),
        (b"{nope", None, "The request body is not valid JSON"),
        (b"[]", None, "Invalid request body: Input should be an object"),
        (b'{"lora_name": "a"}', "lora_path", "lora_path: required"),
        (
            b'{"lora_name": "a", "lora_path": "/x", "load_inplace": "yes"}',
            "load_inplace",
            "load_inplace: Input should be a valid boolean",
        ),
        (
            b'{"lora_name": 7, "lora_path": "/x"}',
            "lora_name",
            "lora_name: Input should be a valid string",
        ),
        (
            b'{"lora_name": "a", "lora_path": "/x", "pinned": true}',
            "pinned",
            "pinned: unknown field; this endpoint takes lora_name, lora_path, "
            "load_inplace",
        ),
        (b'{"lora_name": "", "lora_path": "/x"}', "lora_name", "non-empty string"),
    ],
)
def test_bad_load_bodies_are_refused_naming_the_field(
    client: TestClient, content: bytes, param: str | None, expected: str
) -> None:
    reply = client.post("/v1/load_lora_adapter", content=content)

    error = error_of(reply)
    assert reply.status_code == 400
    assert error["param"] == param
    assert expected in error["message"]


def test_completion_with_the_base_model_by_default(client: TestClient) -> None:
    reply = client.post("/v1/completions", json={"prompt": "Hi", "max_tokens": 3})

    body = reply.json()
    assert reply.status_code == 200
    assert body["object"] == "text_completion"
    assert body["model"] == "toy-base"
    assert body["choices"][0]["text"].startswith('[toy-base] re: "Hi" -> ')
    assert body["usage"]["completion_tokens"] == 3


@pytest.mark.parametrize("model", ["support", "toy-base:support"])
def test_completion_selects_the_adapter_by_model(
    client: TestClient, samples: SampleAdapters, model: str
) -> None:
    load(client, "support", samples.support)

    reply = client.post("/v1/completions", json={"model": model, "prompt": "Hi"})

    assert reply.json()["model"] == model
    assert reply.json()["choices"][0]["text"].startswith("[toy-base+support r=8]")


@pytest.mark.parametrize(
    ("body", "status", "param", "expected"),
    [
        ({"model": "billing", "prompt": "Hi"}, 404, "model", "'billing' does not"),
        ({"model": "toy-base"}, 400, "prompt", "prompt: required"),
        ({"prompt": "Hi", "max_tokens": 0}, 400, "max_tokens", "from 1 to 1024"),
        ({"prompt": "Hi", "max_tokens": 2.5}, 400, "max_tokens", "valid integer"),
        ({"prompt": "Hi", "temperature": 0.2}, 400, "temperature", "unknown field"),
        ({"prompt": ["Hi"]}, 400, "prompt", "prompt: Input should be a valid string"),
    ],
)
def test_bad_completions_are_refused_naming_the_field(
    client: TestClient,
    body: dict[str, Any],
    status: int,
    param: str,
    expected: str,
) -> None:
    reply = client.post("/v1/completions", json=body)

    error = error_of(reply)
    assert reply.status_code == status
    assert error["param"] == param
    assert expected in error["message"]


@pytest.mark.parametrize(
    "path", ["/v1/load_lora_adapter", "/v1/unload_lora_adapter", "/v1/completions"]
)
@pytest.mark.parametrize(
    "content",
    [b"null", b"42", b'"text"', b"\xff\xfe", b'{"a": NaN}', b"{" * 5000, b"{}"],
)
def test_no_body_makes_a_server_error(
    client: TestClient, path: str, content: bytes
) -> None:
    reply = client.post(path, content=content)

    assert reply.status_code == 400
    assert error_of(reply)["message"]


def test_completions_can_be_left_out_for_your_own_route() -> None:
    app = create_engine_app(LoRAEngine(), completions=False)

    with TestClient(app) as client:
        reply = client.post("/v1/completions", json={"prompt": "Hi"})

    assert reply.status_code == 404


@pytest.mark.anyio
async def test_serves_an_async_client_through_the_asgi_transport(
    samples: SampleAdapters,
) -> None:
    app = create_engine_app(LoRAEngine())
    transport = httpx2.ASGITransport(app=app)

    async with httpx2.AsyncClient(transport=transport, base_url="http://engine") as c:
        body = {"lora_name": "support", "lora_path": str(samples.support)}
        loaded = await c.post("/v1/load_lora_adapter", json=body)
        answer = await c.post(
            "/v1/completions", json={"model": "support", "prompt": "?"}
        )

    assert loaded.status_code == 200
    assert answer.json()["choices"][0]["text"].startswith("[toy-base+support r=8]")

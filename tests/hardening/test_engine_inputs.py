"""The reference engine refuses a hostile lora_path or body with a 4xx, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, create_engine_app, create_vllm_container
from tests.conftest import SampleAdapters


@pytest.fixture
def engine_client() -> Iterator[TestClient]:
    app = create_engine_app(LoRAEngine())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def container() -> Iterator[TestClient]:
    app = create_vllm_container(LoRAEngine())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


UNUSABLE_PATHS = {
    "longer than PATH_MAX": "/" + "x" * 5000,
    "a name longer than NAME_MAX": "/tmp/" + "x" * 300,
    "the home of no such user": "~no-such-user-here/adapter",
    "a NUL character": "/tmp/a\x00b",
}


@pytest.mark.parametrize("path", UNUSABLE_PATHS.values(), ids=list(UNUSABLE_PATHS))
def test_an_unusable_path_is_no_adapter_found(
    engine_client: TestClient, container: TestClient, path: str
) -> None:
    native = engine_client.post(
        "/v1/load_lora_adapter", json={"lora_name": "a", "lora_path": path}
    )
    sagemaker = container.post("/adapters", json={"name": "a", "src": path})

    assert native.status_code in (400, 404)
    error = native.json()["error"]
    assert error["param"] == "lora_path"
    assert "no adapter found" in error["message"]
    assert len(native.content) < 1000  # the 5,000 characters are not echoed
    assert sagemaker.status_code == 400
    detail = sagemaker.json()["detail"]
    assert detail == "The adapter a could not be loaded from its src"


def test_a_repeated_key_is_refused_naming_it(engine_client: TestClient) -> None:
    reply = engine_client.post(
        "/v1/load_lora_adapter",
        content=b'{"lora_name": "a", "lora_path": "/x", "lora_name": "b"}',
    )

    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "lora_name"
    assert "'lora_name' more than once" in reply.json()["error"]["message"]


def test_info_names_the_adapter_and_keeps_its_path_for_debug(
    engine_client: TestClient,
    samples: SampleAdapters,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="lora_lab.engine")

    engine_client.post(
        "/v1/load_lora_adapter",
        json={"lora_name": "support\x1b[2J", "lora_path": str(samples.support)},
    )

    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    debug = [r.getMessage() for r in caplog.records if r.levelno < logging.INFO]
    assert info == ["Loaded adapter support\\x1b[2J (rank 8)"]
    assert any(str(samples.support) in line for line in debug)

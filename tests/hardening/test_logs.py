"""Nothing a client sends reaches the log at INFO or above, over a whole lifecycle.

Every value below holds the word "secret": bodies, header values, the
adapter's folder, bad requests. Adapter names are identities, logged as
the URL carries them, so they hold no secret here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, make_sample_adapter
from tests.hardening.apps import ADAPTER, build_app

SECRET = "secret"


@pytest.fixture
def secret_folder(tmp_path: Path) -> Path:
    return make_sample_adapter(tmp_path / "secret-src-folder" / "support", rank=8)


def full_text(record: logging.LogRecord) -> str:
    """The record as a handler writes it, traceback included."""
    return logging.Formatter("%(name)s %(levelname)s %(message)s").format(record)


def server_log(caplog: pytest.LogCaptureFixture, *, info: bool) -> list[str]:
    """What the app wrote, at INFO and above or below it.

    The test's own HTTP client logs each URL it calls; that is the client's
    log, not the server's, and is left out.
    """
    return [
        full_text(record)
        for record in caplog.records
        if (record.levelno >= logging.INFO) == info
        and record.name.partition(".")[0] not in ("httpx2", "httpcore")
    ]


@pytest.mark.parametrize("kind", ["vllm", "sglang"])
def test_a_container_lifecycle_logs_no_value_a_client_sent(
    kind: str, secret_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    private = {
        "Authorization": "Bearer secret-token",
        "X-Amzn-SageMaker-Adapter-Alias": "secret-alias",
    }
    with TestClient(build_app(kind, LoRAEngine()), headers=private) as client:
        answers = [
            # The lifecycle: register, describe, list, update, invoke, unregister.
            client.post(
                "/adapters",
                json={"name": "support", "src": str(secret_folder), "x": SECRET},
            ),
            client.get("/adapters/support"),
            client.get("/adapters", params={"limit": "1"}),
            client.post("/adapters/support/update", json={"pin": True}),
            client.post(
                "/invocations",
                json={"prompt": "secret-prompt", "max_tokens": 2},
                headers={ADAPTER: "support"},
            ),
            # Bad requests, each refused.
            client.post("/adapters", params={"src": "s3://secret-query-src"}),
            client.post("/adapters", content=b'{"name": "secret-malformed'),
            client.post("/adapters", content=b'{"secret-key": 1, "secret-key": 2}'),
            client.post(
                "/adapters", content=b'{"name": "a", "src": "' + b"secret" * 2**21
            ),
            client.post("/adapters", json={"name": "b", "src": "/secret/nowhere"}),
            client.post("/adapters/support/update", json={"pin": "secret-pin"}),
            client.post(
                "/invocations", content=b"secret-body", headers={ADAPTER: "support"}
            ),
            client.post(
                "/invocations",
                json={"prompt": "secret-prompt"},
                headers={ADAPTER: "secret-unknown-adapter"},
            ),
            client.delete("/adapters/support"),
        ]

    statuses = [answer.status_code for answer in answers]
    assert statuses == [200] * 5 + [400, 400, 400, 413, 400, 400, 400, 404, 200]
    written = server_log(caplog, info=True)
    assert [line for line in written if SECRET in line] == []
    # The log is not empty: what happened is there, without the values.
    assert "lora_lab.engine.engine INFO Loaded adapter support (rank 8)" in written
    assert "lora_lab.transforms.base INFO Answered POST /adapters with 413" in written
    assert "lora_lab.engine.engine INFO Unloaded adapter support" in written
    # Where the weights came from is there for whoever turns on DEBUG.
    debug = server_log(caplog, info=False)
    assert any(str(secret_folder) in line for line in debug)


def test_the_engines_own_routes_log_no_value_a_client_sent(
    secret_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(build_app("engine", LoRAEngine())) as client:
        statuses = [
            client.post(
                "/v1/load_lora_adapter",
                json={"lora_name": "support", "lora_path": str(secret_folder)},
            ).status_code,
            client.post(
                "/v1/completions", json={"model": "support", "prompt": "secret-prompt"}
            ).status_code,
            client.post(
                "/v1/load_lora_adapter", content=b'{"lora_name": "secret'
            ).status_code,
            client.post(
                "/v1/load_lora_adapter",
                json={"lora_name": "x", "lora_path": "/secret/nowhere"},
            ).status_code,
            client.post(
                "/v1/unload_lora_adapter", json={"lora_name": "support"}
            ).status_code,
        ]

    assert statuses == [200, 200, 400, 404, 200]
    written = server_log(caplog, info=True)
    assert [line for line in written if SECRET in line] == []
    assert "lora_lab.engine.engine INFO Loaded adapter support (rank 8)" in written

"""The reference engine behind SageMaker's adapter API, for a ``base:adapter`` engine.

Engines such as SGLang select an adapter with ``"model": "<base>:<adapter>"``.
The container from ``lora_lab.engine.create_sglang_container`` decorates
``/invocations`` with ``inject_adapter_id("model", append=True,
separator=":")``, so the adapter header is appended to the model the client
sent. This script drives it in process and prints what a client sees::

    python examples/sglang_style.py

To serve it instead: ``lora-lab serve --example sglang``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx2
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, create_sglang_container, make_sample_adapter

ADAPTER_HEADER = "X-Amzn-SageMaker-Adapter-Identifier"


def show(label: str, reply: httpx2.Response) -> None:
    """Print which model the engine was asked for and what it answered."""
    body: dict[str, Any] = reply.json()
    if reply.status_code == 200:
        print(f"{label} -> model {body['model']!r}: {body['choices'][0]['text']}")
    else:
        print(f"{label} -> {reply.status_code}: {body['error']['message']}")


def main() -> int:
    """Register an adapter, then ask for it with and without the header."""
    engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
    app = create_sglang_container(engine)
    header = {ADAPTER_HEADER: "support"}

    with tempfile.TemporaryDirectory() as folder, TestClient(app) as client:
        adapter = make_sample_adapter(Path(folder) / "support", rank=8)
        reply = client.post("/adapters", json={"name": "support", "src": str(adapter)})
        print("POST /adapters ->", reply.status_code, reply.text)

        question = {
            "model": "toy-base",
            "prompt": "Where is my order?",
            "max_tokens": 6,
        }
        show(
            "header + model 'toy-base'",
            client.post("/invocations", json=question, headers=header),
        )
        show("no header", client.post("/invocations", json=question))

        # With no "model" to append to, the adapter's name alone is written.
        no_model = {"prompt": "Where is my order?", "max_tokens": 6}
        show(
            "header, no model",
            client.post("/invocations", json=no_model, headers=header),
        )

        # The engine's native route reads the same form without any header.
        direct = {**question, "model": "toy-base:support"}
        show("native /v1/completions", client.post("/v1/completions", json=direct))

        unknown = {ADAPTER_HEADER: "billing"}
        show(
            "header 'billing'",
            client.post("/invocations", json=question, headers=unknown),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The apps the hardening tests send to: the example containers and the engine.

The example containers mount every adapter call (register, unregister,
list, describe and update) over the engine.
"""

from __future__ import annotations

from pathlib import Path

import httpx2
from fastapi import FastAPI

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
    make = create_vllm_container if kind == "vllm" else create_sglang_container
    return make(engine)


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

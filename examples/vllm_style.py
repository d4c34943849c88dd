"""The reference engine behind SageMaker's adapter API, adapted the vLLM way.

The container comes from ``lora_lab.engine.create_vllm_container``; read its
source for the decorators (``register_load_adapter_handler`` mapping
SageMaker's ``name``/``src`` to the engine's ``lora_name``/``lora_path``, and
``inject_adapter_id("model")`` on ``/invocations``). This script drives it in
process and prints what a client sees::

    python examples/vllm_style.py

To serve it instead: ``lora-lab serve --example vllm``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx2
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, create_vllm_container, make_sample_adapter

ADAPTER_HEADER = "X-Amzn-SageMaker-Adapter-Identifier"
QUESTION = {"model": "toy-base", "prompt": "Where is my order?", "max_tokens": 6}


def invoke(client: httpx2.Client, adapter: str) -> httpx2.Response:
    """Ask QUESTION the way SageMaker does: the adapter is named in a header."""
    return client.post("/invocations", json=QUESTION, headers={ADAPTER_HEADER: adapter})


def main() -> int:
    """Register, invoke, replace in place and unregister an adapter; print each."""
    engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
    app = create_vllm_container(engine)

    with tempfile.TemporaryDirectory() as folder, TestClient(app) as client:
        first = make_sample_adapter(Path(folder) / "support-v1", rank=8, seed=1)
        second = make_sample_adapter(Path(folder) / "support-v2", rank=4, seed=2)

        reply = client.post("/adapters", json={"name": "support", "src": str(first)})
        print("POST /adapters ->", reply.status_code, reply.text)

        models = client.get("/v1/models").json()["data"]
        print("GET /v1/models ->", [card["id"] for card in models])

        # The header replaces "model": the engine is asked for "support".
        answer = invoke(client, "support").json()
        print("POST /invocations ->", answer["model"], answer["choices"][0]["text"])

        # vLLM's load_inplace swaps the weights under the same name.
        replacement = {"name": "support", "src": str(second), "load_inplace": True}
        reply = client.post("/adapters", json=replacement)
        print("POST /adapters (load_inplace) ->", reply.status_code, reply.text)
        answer = invoke(client, "support").json()
        print("POST /invocations ->", answer["model"], answer["choices"][0]["text"])

        reply = client.delete("/adapters/support")
        print("DELETE /adapters/support ->", reply.status_code, reply.text)
        reply = invoke(client, "support")
        print(
            "POST /invocations ->", reply.status_code, reply.json()["error"]["message"]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

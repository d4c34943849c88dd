"""The engine handlers every implementation under test calls.

They stand for an inference server's own endpoints: loading and unloading an
adapter, and a generation endpoint that reads the (injected) JSON body either
parsed, with ``await request.json()``, or as bytes, with ``await
request.body()``. They do little work of their own, so that what is measured
is the layer in front of them.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class Recorder:
    """What the handlers received, kept only while a scenario is being checked."""

    def __init__(self) -> None:
        self.enabled = False
        self.seen: list[Any] = []

    def record(self, value: Any) -> None:
        if self.enabled:
            self.seen.append(value)


recorder = Recorder()
adapters: dict[str, str] = {}


async def load_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
    """Load an adapter: remember where its weights are."""
    recorder.record(vars(data))
    adapters[data.lora_name] = data.lora_path
    return Response(status_code=200)


async def unload_adapter(data: SimpleNamespace, raw_request: Request) -> Response:
    """Unload an adapter, known or not."""
    recorder.record(vars(data))
    adapters.pop(data.lora_name, None)
    return Response(status_code=200)


async def generate_from_json(raw_request: Request) -> Response:
    """Serve a generation request from the parsed body."""
    payload = await raw_request.json()
    recorder.record(payload)
    return JSONResponse(summary(payload))


async def generate_from_bytes(raw_request: Request) -> Response:
    """Serve a generation request from the body's bytes, parsed by the engine."""
    payload = json.loads(await raw_request.body())
    recorder.record(payload)
    return JSONResponse(summary(payload))


def summary(payload: dict[str, Any]) -> dict[str, Any]:
    """Say which model serves the request and how long its input is."""
    messages = payload.get("messages")
    length = len(messages) if messages is not None else len(payload.get("prompt", ""))
    return {"model": payload.get("model"), "input_length": length}

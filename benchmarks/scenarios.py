"""The requests each benchmark sends: register, unregister and injection.

Injection bodies come in four sizes (about 200 B, 10 KB, 100 KB and 1 MB) and
two kinds: a chat request whose message list grows, and a completion request
with one long prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ADAPTER_ID = "support-tuned-7"
SIZES = {"200B": 200, "10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}
KINDS = ("chat", "prompt")
OPERATIONS = ("replace", "append")
MODES = ("json", "bytes")

_SENTENCE = (
    "The customer asks how to reset a router that keeps dropping its "
    "connection after a firmware update. "
)


@dataclass(frozen=True)
class Scenario:
    """One request, sent again and again to every implementation."""

    name: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    size: int = 0
    group: str = field(default="", compare=False)

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers as an ASGI scope lists them, content-length included."""
        headers = [(b"host", b"127.0.0.1"), *self.headers]
        if self.body:
            headers.append((b"content-length", str(len(self.body)).encode()))
        return headers


def chat_body(size: int) -> bytes:
    """A chat request of about ``size`` bytes: more messages, not longer ones."""
    roles = ("user", "assistant")

    def encoded(count: int) -> bytes:
        messages = [
            {"role": roles[index % 2], "content": _SENTENCE} for index in range(count)
        ]
        return _encode({"model": "base", "messages": messages, "max_tokens": 64})

    one = len(encoded(1))
    per_message = len(encoded(2)) - one
    return encoded(max(1, 1 + round((size - one) / per_message)))


def prompt_body(size: int) -> bytes:
    """A completion request of about ``size`` bytes with one long prompt."""
    payload = {"model": "base", "prompt": "", "max_tokens": 64}
    overhead = len(_encode(payload))
    repeats = max(1, (size - overhead) // len(_SENTENCE) + 1)
    payload["prompt"] = (_SENTENCE * repeats)[: max(1, size - overhead)]
    return _encode(payload)


def register_scenario() -> Scenario:
    """``POST /adapters`` with SageMaker's register body (about 200 B)."""
    body = _encode(
        {
            "name": ADAPTER_ID,
            "src": (
                "s3://sagemaker-us-east-1-123456789012/lora-adapters/"
                f"llama-3-8b-instruct/{ADAPTER_ID}/v3/artifacts/"
            ),
            "preload": True,
            "pin": False,
        }
    )
    return Scenario(
        name="register",
        method="POST",
        path="/adapters",
        body=body,
        headers=((b"content-type", b"application/json"),),
        size=len(body),
        group="register",
    )


def unregister_scenario() -> Scenario:
    """``DELETE /adapters/{name}``, with no body, as SageMaker sends it."""
    return Scenario(
        name="unregister",
        method="DELETE",
        path=f"/adapters/{ADAPTER_ID}",
        group="unregister",
    )


def inject_scenario(operation: str, mode: str, kind: str, size_label: str) -> Scenario:
    """An inference request carrying the adapter header, of one kind and size."""
    make = chat_body if kind == "chat" else prompt_body
    body = make(SIZES[size_label])
    return Scenario(
        name=f"inject {operation} {mode} {kind} {size_label}",
        method="POST",
        path=f"/{mode}/{operation}",
        body=body,
        headers=(
            (b"content-type", b"application/json"),
            (b"x-amzn-sagemaker-adapter-identifier", ADAPTER_ID.encode()),
        ),
        size=len(body),
        group=f"inject {operation} {mode} {kind}",
    )


def all_scenarios(*, sizes: tuple[str, ...] = tuple(SIZES)) -> list[Scenario]:
    """Every in-process scenario: register, unregister, then each injection."""
    scenarios = [register_scenario(), unregister_scenario()]
    for operation in OPERATIONS:
        for mode in MODES:
            for kind in KINDS:
                for size_label in sizes:
                    scenarios.append(inject_scenario(operation, mode, kind, size_label))
    return scenarios


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()

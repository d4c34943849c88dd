"""A null flag is a flag not given: the handler gets the default, never None."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, Request
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    register_load_adapter_handler,
    register_update_adapter_handler,
)

SHAPE = {"preload": "body.preload", "pin": "body.pin"}


@pytest.mark.parametrize(
    ("sent", "received"),
    [
        ({"preload": None}, {"preload": True, "pin": False}),
        ({"pin": None}, {"preload": True, "pin": False}),
        ({"preload": None, "pin": True}, {"preload": True, "pin": True}),
        ({"preload": False, "pin": None}, {"preload": False, "pin": False}),
    ],
)
def test_register_fills_the_default_for_a_null_flag(
    registry: HandlerRegistry, sent: dict[str, Any], received: dict[str, Any]
) -> None:
    got: list[dict[str, Any]] = []

    @register_load_adapter_handler(SHAPE, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> None:
        got.append(vars(data))

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    reply = client.post("/adapters", json={"name": "a", "src": "s3://b", **sent})

    assert reply.status_code == 200
    assert got == [received]


def test_update_keeps_null_as_not_given(registry: HandlerRegistry) -> None:
    got: list[dict[str, Any]] = []

    @register_update_adapter_handler(SHAPE, registry=registry)
    async def update(data: SimpleNamespace, raw_request: Request) -> None:
        got.append(vars(data))

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    reply = client.post("/adapters/a/update", json={"preload": None, "pin": True})

    assert reply.status_code == 200
    assert got == [{"preload": None, "pin": True}]

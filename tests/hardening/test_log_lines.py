"""A request cannot write a log line of its own, or colour the terminal."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request
from starlette.testclient import TestClient

from lora_lab import HandlerRegistry, bootstrap, register_update_adapter_handler
from lora_lab.terminal import Inert


def test_a_path_with_escape_sequences_is_logged_escaped(
    registry: HandlerRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    @register_update_adapter_handler({"pin": "body.pin"}, registry=registry)
    async def update(data: SimpleNamespace, raw_request: Request) -> None:
        raise AssertionError("not called")

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    caplog.set_level(logging.INFO, logger="lora_lab")

    # ESC[2J clears the screen, U+202E shows the rest of the line reversed.
    # (The URL parser already drops CR, LF and tab from the path.)
    reply = client.post("/adapters/a%1B%5B2J%E2%80%AEdesrever/update", json={"pin": 1})

    assert reply.status_code == 400
    [line] = [record.getMessage() for record in caplog.records]
    assert line == ("Answered POST /adapters/a\\x1b[2J\\u202edesrever/update with 400")


def test_inert_is_lazy_and_plain_text_is_unchanged() -> None:
    assert str(Inert("/adapters/org/tuned")) == "/adapters/org/tuned"
    assert str(Inert("a\nb\u202e")) == "a\\x0ab\\u202e"

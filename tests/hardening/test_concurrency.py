"""Concurrent requests over real HTTP: each sees its own adapter, and races settle.

The servers run with uvicorn on 127.0.0.1 in a thread of the test; the
clients are httpx2.AsyncClient. The counts are bounded (a few hundred
requests) and every wait has a limit, so a hang fails instead of blocking.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI, Request

from lora_lab import HandlerRegistry, inject_adapter_id
from lora_lab.engine import LoRAEngine
from tests.conftest import SampleAdapters
from tests.hardening.apps import ADAPTER, build_app
from tests.hardening.serving import serving

# A guard against a hang, not a speed check.
WAIT_LIMIT = 60.0
CONCURRENT = 300


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, WAIT_LIMIT))


def client(base_url: str) -> httpx2.AsyncClient:
    limits = httpx2.Limits(max_connections=100)
    return httpx2.AsyncClient(
        base_url=base_url, limits=limits, timeout=WAIT_LIMIT, trust_env=False
    )


def echoing_app() -> FastAPI:
    """/invocations hands back what the handler saw, parsed and as bytes."""
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id("model", registry=HandlerRegistry())
    async def invoke(raw_request: Request) -> dict[str, Any]:
        # Let the other requests in before each read, as a handler that
        # awaits an engine does.
        await asyncio.sleep(0.001)
        parsed = await raw_request.json()
        await asyncio.sleep(0.001)
        written = json.loads(await raw_request.body())
        return {"parsed": parsed, "written": written}

    return app


def test_concurrent_invocations_each_see_their_own_adapter() -> None:
    async def invoke_all(base_url: str) -> list[tuple[int, httpx2.Response]]:
        async with client(base_url) as http:

            async def one(index: int) -> tuple[int, httpx2.Response]:
                body = {"model": "base", "request": index}
                headers = {ADAPTER: f"adapter-{index}"}
                return index, await http.post(
                    "/invocations", json=body, headers=headers
                )

            order = list(range(CONCURRENT))
            random.Random(7).shuffle(order)
            return await asyncio.gather(*(one(index) for index in order))

    with serving(echoing_app()) as base_url:
        answers = run(invoke_all(base_url))

    assert len(answers) == CONCURRENT
    for index, reply in answers:
        assert reply.status_code == 200, reply.text
        wanted = {"model": f"adapter-{index}", "request": index}
        assert reply.json() == {"parsed": wanted, "written": wanted}


@pytest.mark.parametrize("kind", ["vllm", "sglang"])
def test_concurrent_invocations_of_the_engine_are_answered_by_their_adapter(
    kind: str, samples: SampleAdapters
) -> None:
    engine = LoRAEngine(max_loras=4)
    names = [f"adapter-{index}" for index in range(4)]

    async def invoke_all(base_url: str) -> list[tuple[str, httpx2.Response]]:
        async with client(base_url) as http:
            for name in names:
                sent = {"name": name, "src": str(samples.support)}
                assert (await http.post("/adapters", json=sent)).status_code == 200

            async def one(index: int) -> tuple[str, httpx2.Response]:
                name = names[index % len(names)]
                body = {"model": "toy-base", "prompt": f"Question {index}"}
                reply = await http.post(
                    "/invocations", json=body, headers={ADAPTER: name}
                )
                return name, reply

            return await asyncio.gather(*(one(index) for index in range(200)))

    with serving(build_app(kind, engine)) as base_url:
        answers = run(invoke_all(base_url))

    for name, reply in answers:
        assert reply.status_code == 200, reply.text
        assert reply.json()["choices"][0]["text"].startswith(f"[toy-base+{name} ")
    assert len(engine._locks) == 0  # no lock outlives the calls that used it


@pytest.mark.parametrize("kind", ["vllm", "sglang"])
def test_racing_register_and_unregister_of_one_name_settles_consistently(
    kind: str, samples: SampleAdapters
) -> None:
    engine = LoRAEngine()
    shuffler = random.Random(11)

    async def race(http: httpx2.AsyncClient) -> Counter[tuple[str, int]]:
        calls = ["register"] * 15 + ["unregister"] * 15 + ["invoke"] * 10
        shuffler.shuffle(calls)

        async def one(call: str) -> tuple[str, int]:
            if call == "register":
                sent = {"name": "support", "src": str(samples.support)}
                reply = await http.post("/adapters", json=sent)
            elif call == "unregister":
                reply = await http.delete("/adapters/support")
            else:
                question = {"model": "toy-base", "prompt": "Hi", "max_tokens": 2}
                headers = {ADAPTER: "support"}
                reply = await http.post("/invocations", json=question, headers=headers)
            return call, reply.status_code

        return Counter(await asyncio.gather(*(one(call) for call in calls)))

    async def rounds(base_url: str) -> None:
        async with client(base_url) as http:
            for _ in range(5):
                was_loaded = "support" in engine.adapters
                outcomes = await race(http)

                # Only these answers are possible for a call on one name.
                assert set(outcomes) <= {
                    ("register", 200),
                    ("register", 409),
                    ("unregister", 200),
                    ("unregister", 404),
                    ("invoke", 200),
                    ("invoke", 404),
                }
                # The calls ran one at a time: registers and unregisters that
                # succeeded alternate, so they differ by at most one, and the
                # end state is the one the last success left.
                loads = outcomes["register", 200] - outcomes["unregister", 200]
                assert loads in ((-1, 0) if was_loaded else (0, 1))
                now_loaded = "support" in engine.adapters
                assert now_loaded == (was_loaded + loads == 1)

                answer = await http.post(
                    "/invocations",
                    json={"prompt": "Hi"},
                    headers={ADAPTER: "support"},
                )
                assert answer.status_code == (200 if now_loaded else 404)
                listed = (await http.get("/v1/models")).json()["data"]
                served = [card["id"] for card in listed]
                assert served == (
                    ["toy-base", "support"] if now_loaded else ["toy-base"]
                )
                assert len(engine._locks) == 0

    with serving(build_app(kind, engine)) as base_url:
        run(rounds(base_url))

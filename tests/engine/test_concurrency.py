"""Concurrent calls leave the engine as some serial order of them would.

Each test starts calls together with ``asyncio.gather`` and compares what
each call returned, and the engine's final state, with every serial order
of the same calls replayed on a plain model of the engine. Reading an
adapter folder runs in a worker thread, so the calls really interleave.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from lora_lab.engine import EngineError, LoRAEngine
from tests.conftest import SampleAdapters

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Call:
    """One engine call on the adapter name "support"."""

    kind: str  # "load", "unload" or "generate"
    path: Path | None = None
    load_inplace: bool = False


async def perform(engine: LoRAEngine, call: Call) -> str:
    """Run ``call`` and describe its outcome: which files answered, or the error."""
    try:
        if call.kind == "load":
            info = await engine.load_adapter(
                "support", str(call.path), call.load_inplace
            )
            return f"loaded {info.path.name}"
        if call.kind == "unload":
            info = await engine.unload_adapter("support")
            return f"unloaded {info.path.name}"
        return await engine.generate("support", "Hi", max_tokens=4)
    except EngineError as error:
        return type(error).__name__


def serial_outcomes(
    calls: Sequence[Call], answers: dict[str, str]
) -> set[tuple[tuple[str, ...], str | None]]:
    """Every (outcomes, final adapter folder) some serial order of ``calls`` gives."""
    possible = set()
    for order in itertools.permutations(range(len(calls))):
        loaded: Path | None = None
        outcomes = [""] * len(calls)
        for index in order:
            call = calls[index]
            if call.kind == "load":
                if loaded is not None and not call.load_inplace:
                    outcomes[index] = "AdapterAlreadyLoaded"
                else:
                    assert call.path is not None
                    loaded = call.path
                    outcomes[index] = f"loaded {call.path.name}"
            elif loaded is None:
                outcomes[index] = "ModelNotFound"
            elif call.kind == "unload":
                outcomes[index] = f"unloaded {loaded.name}"
                loaded = None
            else:
                outcomes[index] = answers[loaded.name]
        possible.add((tuple(outcomes), None if loaded is None else loaded.name))
    return possible


async def answers_by_folder(samples: SampleAdapters) -> dict[str, str]:
    answers = {}
    for path in (samples.support, samples.support_v2):
        engine = LoRAEngine()
        await engine.load_adapter("support", str(path))
        answers[path.name] = await engine.generate("support", "Hi", max_tokens=4)
    return answers


def call_mixes(samples: SampleAdapters) -> list[list[Call]]:
    one, two = samples.support, samples.support_v2
    return [
        [Call("load", one), Call("load", two), Call("load", one)],
        [Call("load", one), Call("unload"), Call("generate"), Call("load", two)],
        [
            Call("load", one),
            Call("load", two, load_inplace=True),
            Call("generate"),
            Call("unload"),
            Call("generate"),
            Call("load", one),
        ],
    ]


@pytest.mark.parametrize("mix", range(3))
async def test_concurrent_calls_for_one_name_match_a_serial_order(
    samples: SampleAdapters, mix: int
) -> None:
    calls = call_mixes(samples)[mix]
    answers = await answers_by_folder(samples)
    possible = serial_outcomes(calls, answers)
    shuffler = random.Random(mix)

    for _ in range(5):
        engine = LoRAEngine()
        # Start the calls in a different order each round.
        order = list(range(len(calls)))
        shuffler.shuffle(order)
        results = await asyncio.gather(*(perform(engine, calls[i]) for i in order))
        outcomes = [""] * len(calls)
        for index, result in zip(order, results, strict=True):
            outcomes[index] = result
        loaded = engine.adapters.get("support")
        final = None if loaded is None else loaded.path.name

        assert (tuple(outcomes), final) in possible
        assert len(engine._locks) == 0  # no lock outlives the calls that used it


async def test_concurrent_loads_of_one_name_load_it_once(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine()

    results = await asyncio.gather(
        *(perform(engine, Call("load", samples.support)) for _ in range(6))
    )

    assert sorted(results) == ["AdapterAlreadyLoaded"] * 5 + ["loaded support"]


async def test_concurrent_loads_of_many_names_never_exceed_max_loras(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine(max_loras=3)

    async def load(name: str) -> str:
        try:
            await engine.load_adapter(name, str(samples.support))
        except EngineError as error:
            return type(error).__name__
        return "loaded"

    results = await asyncio.gather(*(load(f"adapter-{i}") for i in range(8)))

    assert sorted(results) == ["NoFreeSlot"] * 5 + ["loaded"] * 3
    assert len(engine.adapters) == 3

"""Drive each app in process, interleaved round by round, and take medians."""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp

from benchmarks import engine
from benchmarks.asgi import call
from benchmarks.scenarios import Scenario


class MismatchError(AssertionError):
    """The implementations did not answer a scenario alike."""


@dataclass
class Timing:
    """Seconds per request for each implementation, one sample per round."""

    scenario: Scenario
    samples: dict[str, list[float]]

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, name: str, floor: str = "floor") -> float:
        """The median over rounds of ``name``'s time over the floor's.

        Pairing each round's samples cancels the drift that a shared machine
        puts on all implementations of one round alike.
        """
        pairs = zip(self.samples[name], self.samples[floor], strict=True)
        return statistics.median([mine / theirs for mine, theirs in pairs])


def check_same(
    apps: Mapping[str, ASGIApp], scenario: Scenario, loop: asyncio.AbstractEventLoop
) -> None:
    """Raise :class:`MismatchError` unless every app answers and sees the same.

    The status and the body of the response must match, and the engine
    handler must have received equal data (compared parsed, since the
    implementations may lay out the JSON bytes differently).
    """
    answers: dict[str, tuple[int, Any, list[Any]]] = {}
    for name, app in apps.items():
        engine.recorder.enabled = True
        engine.recorder.seen = []
        try:
            status, body = loop.run_until_complete(call(app, scenario))
        finally:
            engine.recorder.enabled = False
        answers[name] = (status, _parsed(body), engine.recorder.seen)
    reference_name, reference = next(iter(answers.items()))
    if reference[0] != 200 or len(reference[2]) != 1:
        raise MismatchError(
            f"{scenario.name}: {reference_name} answered {reference[0]} "
            f"{reference[1]!r} and its handler was called {len(reference[2])} times"
        )
    for name, answer in answers.items():
        if answer != reference:
            raise MismatchError(
                f"{scenario.name}: {name} differs from {reference_name}: "
                f"status {answer[0]} vs {reference[0]}, "
                f"body {str(answer[1])[:200]!r} vs {str(reference[1])[:200]!r}, "
                f"handler saw equal data: {answer[2] == reference[2]}"
            )


def measure(
    apps: Mapping[str, ASGIApp],
    scenario: Scenario,
    loop: asyncio.AbstractEventLoop,
    *,
    rounds: int,
    batch_seconds: float,
) -> Timing:
    """Time ``scenario`` on every app, interleaved, ``rounds`` times.

    Each round runs one batch per app, in an order that rotates from round
    to round, so that drift on a shared machine falls on all of them alike.
    A batch holds as many requests as take the floor about ``batch_seconds``.
    """
    names = list(apps)
    floor = apps[names[0]]
    loop.run_until_complete(_batch(floor, scenario, 3))
    probe = loop.run_until_complete(_batch(floor, scenario, 5)) / 5
    count = max(1, min(2000, round(batch_seconds / max(probe, 1e-7))))
    for app in apps.values():
        loop.run_until_complete(_batch(app, scenario, count))

    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            elapsed = loop.run_until_complete(_batch(apps[name], scenario, count))
            samples[name].append(elapsed / count)
    return Timing(scenario, samples)


def slope(timings: Sequence[Timing], name: str) -> float:
    """Seconds per extra megabyte of body, fitted over ``timings``' sizes."""
    sizes = [timing.scenario.size / 1e6 for timing in timings]
    medians = [timing.median(name) for timing in timings]
    return statistics.linear_regression(sizes, medians).slope


async def _batch(app: ASGIApp, scenario: Scenario, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        await call(app, scenario)
    return time.perf_counter() - start


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")

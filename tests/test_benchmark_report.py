"""The benchmark report holds lora_lab to its HTTP targets the way it says."""

from __future__ import annotations

import pytest

from benchmarks.apps import CONTROL
from benchmarks.overhttp import Load
from benchmarks.report import pooled_ratio, targets
from benchmarks.scenarios import Scenario


def load(name: str, rates: dict[str, list[float]]) -> Load:
    empty = {key: [0.0] * len(values) for key, values in rates.items()}
    return Load(
        Scenario(name, "POST", "/"), rates, empty, empty, dict.fromkeys(rates, 0)
    )


def http_targets(loads: list[Load]) -> dict[str, object]:
    found = targets([], loads, {}, [])
    return {t.name: t for t in found if t.name.startswith("HTTP")}


def test_the_pooled_ratio_is_the_geometric_mean_of_every_round() -> None:
    loads = [
        load("a", {"floor": [100.0, 100.0], "lora_lab": [50.0, 200.0]}),
        load("b", {"floor": [100.0, 100.0], "lora_lab": [100.0, 100.0]}),
    ]

    estimate, low, high = pooled_ratio(loads, "lora_lab")

    assert estimate == pytest.approx(1.0)
    assert low < 0.95 and high > 1.05


def test_identical_rounds_give_a_tight_interval() -> None:
    loads = [load("a", {"floor": [100.0] * 4, "lora_lab": [97.0] * 4})]

    assert pooled_ratio(loads, "lora_lab") == pytest.approx((0.97, 0.97, 0.97))


def test_a_scenario_missed_by_less_than_the_control_is_within_noise() -> None:
    loads = [
        load(
            "calm", {"floor": [100.0] * 3, "lora_lab": [99.0] * 3, CONTROL: [101.0] * 3}
        ),
        load(
            "rough", {"floor": [100.0] * 3, "lora_lab": [93.0] * 3, CONTROL: [88.0] * 3}
        ),
    ]

    found = http_targets(loads)

    assert found["HTTP throughput, worst scenario"].verdict == "within noise"
    assert found["HTTP throughput, pooled"].verdict == "met"


def test_a_scenario_missed_by_more_than_the_control_is_missed() -> None:
    loads = [
        load(
            "rough", {"floor": [100.0] * 3, "lora_lab": [80.0] * 3, CONTROL: [99.0] * 3}
        ),
    ]

    found = http_targets(loads)

    assert found["HTTP throughput, worst scenario"].verdict == "MISSED"
    assert found["HTTP throughput, pooled"].verdict == "MISSED"


def test_without_a_control_a_miss_is_a_miss() -> None:
    loads = [load("rough", {"floor": [100.0] * 3, "lora_lab": [90.0] * 3})]

    assert http_targets(loads)["HTTP throughput, worst scenario"].verdict == "MISSED"

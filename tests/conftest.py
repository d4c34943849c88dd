"""Fixtures shared by every test: registries, the async backend, sample adapters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lora_lab import HandlerRegistry, handler_registry
from tests.live_server import LiveServer, live_server

# Runs pytest inside tests, to check what the lora_lab plugin gives a user.
pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _clean_default_registry() -> Iterator[None]:
    """Tests that use the default registry start and end with it empty."""
    handler_registry.clear()
    yield
    handler_registry.clear()


@pytest.fixture
def registry() -> HandlerRegistry:
    return HandlerRegistry()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class SampleAdapters:
    """Adapter folders written once per test session, never modified."""

    support: Path  # rank 8
    support_v2: Path  # rank 4, other weights
    wide: Path  # rank 32, above the engines' max_lora_rank of 16
    empty: Path  # a weights file without tensors
    folder: Path  # where they live; tests may add files next to them


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> SampleAdapters:
    from lora_lab.engine import make_sample_adapter

    folder = tmp_path_factory.mktemp("adapters")
    return SampleAdapters(
        support=make_sample_adapter(folder / "support", rank=8, seed=1),
        support_v2=make_sample_adapter(folder / "support-v2", rank=4, seed=2),
        wide=make_sample_adapter(folder / "wide", rank=32),
        empty=make_sample_adapter(folder / "empty", with_tensors=False),
        folder=folder,
    )


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One ``lora-lab serve --example sglang`` shared by the tests that only call it."""
    with live_server(
        tmp_path_factory.mktemp("served"), "--example", "sglang"
    ) as server:
        yield server

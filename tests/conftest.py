from __future__ import annotations

from collections.abc import Iterator

import pytest

from lora_lab import HandlerRegistry, handler_registry


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

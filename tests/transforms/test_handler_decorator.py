"""The decorator object a factory returns."""

from __future__ import annotations

from typing import Any

from lora_lab import HandlerRegistry, handler_registry, register_load_adapter_handler
from lora_lab.transforms.factory import HandlerDecorator


async def load(data: Any, raw_request: Any) -> None:
    return None


def test_registration_registers_nothing() -> None:
    registry = HandlerRegistry()
    decorator = register_load_adapter_handler({"id": "body.name"}, registry=registry)
    before = list(handler_registry)

    registration = decorator.registration(load)

    assert isinstance(decorator, HandlerDecorator)
    assert registration.handler is load
    assert registration.transform is decorator.transform
    assert registration.route is not None
    assert registration.route.path == "/adapters"
    assert len(registry) == 0
    assert list(handler_registry) == before


def test_calling_it_registers_and_returns_the_endpoint() -> None:
    registry = HandlerRegistry()
    endpoint = register_load_adapter_handler({"id": "body.name"}, registry=registry)(
        load
    )
    registration = registry.get("register_adapter")
    assert registration is not None
    assert registration.endpoint is endpoint
    assert endpoint is not load
    assert endpoint.__name__ == "load"


def test_without_shapes_the_handler_is_mounted_as_it_is() -> None:
    registry = HandlerRegistry()
    decorator = register_load_adapter_handler(registry=registry)
    assert decorator.transform is None
    assert decorator(load) is load

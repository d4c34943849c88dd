"""My container, called the way SageMaker calls it.

Every fixture here comes from lora_lab's pytest plugin, or is made of them.
"""

from __future__ import annotations

import pytest
from my_container.server import create_app

from lora_lab import HandlerRegistry
from lora_lab.engine import LoRAEngine
from lora_lab.pytest_plugin import ClientFactory, SampleAdapterFactory
from lora_lab.testing import SageMakerCallError, SageMakerClient


@pytest.fixture
def client(
    lora_engine: LoRAEngine,
    lora_registry: HandlerRegistry,
    lora_client: ClientFactory,
) -> SageMakerClient:
    return lora_client(create_app(lora_engine, lora_registry))


def test_register_then_invoke(
    client: SageMakerClient, lora_sample_adapter: SampleAdapterFactory
) -> None:
    folder = lora_sample_adapter("support", rank=8)

    registered = client.register("support", str(folder))
    answer = client.invoke({"prompt": "Where is my order?"}, adapter="support")

    assert registered.text == "Adapter support registered"
    assert "support" in answer.json()["generated_text"]


def test_a_name_with_a_slash(
    client: SageMakerClient, lora_sample_adapter: SampleAdapterFactory
) -> None:
    client.register("org/support", str(lora_sample_adapter("org-support")))

    assert client.describe("org/support").json()["rank"] == 8
    assert client.unregister("org/support").text == "Adapter org/support unregistered"
    client.describe("org/support", expect=404)


def test_list_pages_through_the_adapters(
    client: SageMakerClient, lora_sample_adapter: SampleAdapterFactory
) -> None:
    for name in ("a", "b", "c"):
        client.register(name, str(lora_sample_adapter(name)))

    first = client.list(limit=2).json()
    rest = client.list(limit=2, next_page_token=first["next_page_token"]).json()

    assert [adapter["name"] for adapter in first["adapters"] + rest["adapters"]] == [
        "a",
        "b",
        "c",
    ]
    assert rest["next_page_token"] is None


def test_registering_a_name_twice_is_a_conflict(
    client: SageMakerClient, lora_sample_adapter: SampleAdapterFactory
) -> None:
    folder = str(lora_sample_adapter("support"))
    client.register("support", folder)

    again = client.register("support", folder, expect=409)
    in_place = client.register("support", folder, extra={"load_inplace": True})

    assert "already registered" in again.json()["detail"]
    assert in_place.status_code == 200


def test_an_adapter_above_the_rank_limit_is_refused(
    client: SageMakerClient,
    lora_engine: LoRAEngine,
    lora_sample_adapter: SampleAdapterFactory,
) -> None:
    wide = lora_sample_adapter("wide", rank=lora_engine.max_lora_rank * 2)

    refused = client.register("wide", str(wide), expect=400)

    assert refused.json()["detail"] == (
        "The adapter wide has a rank above the engine's limit"
    )


def test_no_free_slot_is_507(
    client: SageMakerClient,
    lora_engine: LoRAEngine,
    lora_sample_adapter: SampleAdapterFactory,
) -> None:
    for index in range(lora_engine.max_loras):
        client.register(f"a{index}", str(lora_sample_adapter(f"a{index}")))

    client.register("one-more", str(lora_sample_adapter("one-more")), expect=507)


def test_invoking_an_unknown_adapter_fails_with_the_engines_message(
    client: SageMakerClient,
) -> None:
    with pytest.raises(SageMakerCallError) as raised:
        client.invoke({"prompt": "Hi"}, adapter="nope")

    assert raised.value.response.status_code == 404
    assert "X-Amzn-SageMaker-Adapter-Identifier: nope" in str(raised.value)


def test_ping(client: SageMakerClient) -> None:
    client.ping()

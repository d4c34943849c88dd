"""The example containers: SageMaker's adapter API in front of the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from lora_lab import handler_registry
from lora_lab.engine import (
    EXAMPLE_CONTAINERS,
    LoRAEngine,
    create_sglang_container,
    create_vllm_container,
)
from tests.conftest import SampleAdapters

HEADER = "X-Amzn-SageMaker-Adapter-Identifier"
QUESTION = {"model": "toy-base", "prompt": "Where is my order?", "max_tokens": 4}


@pytest.fixture
def vllm() -> Iterator[TestClient]:
    engine = LoRAEngine(base_model="toy-base", max_loras=2, max_lora_rank=16)
    with TestClient(create_vllm_container(engine)) as client:
        yield client


@pytest.fixture
def sglang() -> Iterator[TestClient]:
    engine = LoRAEngine(base_model="toy-base", max_loras=2, max_lora_rank=16)
    with TestClient(create_sglang_container(engine)) as client:
        yield client


def register(
    client: TestClient, name: str, src: object, **extra: Any
) -> httpx2.Response:
    return client.post("/adapters", json={"name": name, "src": str(src), **extra})


def problem_of(reply: httpx2.Response) -> dict[str, str]:
    """Return the engine's failure inside a SageMaker-side error reply."""
    body = reply.json()
    assert set(body) == {"detail", "errors"}
    [problem] = body["errors"]
    assert (problem["field"], problem["location"]) == ("adapter", "engine")
    return dict(problem)


def test_ping_answers_200(vllm: TestClient) -> None:
    assert vllm.get("/ping").status_code == 200


def test_vllm_lifecycle_register_invoke_unregister(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    registered = register(vllm, "support", samples.support)
    invoked = vllm.post("/invocations", json=QUESTION, headers={HEADER: "support"})
    unregistered = vllm.delete("/adapters/support")

    assert (registered.status_code, registered.text) == (
        200,
        "Adapter support registered",
    )
    assert invoked.json()["model"] == "support"
    assert invoked.json()["choices"][0]["text"].startswith("[toy-base+support r=8]")
    assert (unregistered.status_code, unregistered.text) == (
        200,
        "Adapter support unregistered",
    )
    assert [card["id"] for card in vllm.get("/v1/models").json()["data"]] == [
        "toy-base"
    ]


def test_vllm_completions_route_also_reads_the_header(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    register(vllm, "support", samples.support)

    with_header = vllm.post(
        "/v1/completions", json=QUESTION, headers={HEADER: "support"}
    )
    without = vllm.post("/v1/completions", json=QUESTION)

    assert with_header.json()["model"] == "support"
    assert without.json()["model"] == "toy-base"


def test_vllm_register_with_load_inplace_replaces(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    register(vllm, "support", samples.support)

    again = register(vllm, "support", samples.support_v2)
    replaced = register(vllm, "support", samples.support_v2, load_inplace=True)
    invoked = vllm.post("/invocations", json=QUESTION, headers={HEADER: "support"})

    assert again.status_code == 409
    assert again.json()["detail"].startswith(
        "The adapter support is already registered"
    )
    assert "already loaded" in problem_of(again)["message"]
    assert replaced.status_code == 200
    assert invoked.json()["choices"][0]["text"].startswith("[toy-base+support r=4]")


def test_register_from_the_query_string(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    reply = vllm.post(
        "/adapters", params={"name": "support", "src": str(samples.support)}
    )
    missing = vllm.post("/adapters", params={"name": "gone", "src": "/nowhere/gone"})

    assert reply.status_code == 200
    assert missing.status_code == 400
    assert (
        missing.json()["detail"] == "The adapter gone could not be loaded from its src"
    )
    assert "no adapter found at '/nowhere/gone'" in problem_of(missing)["message"]


@pytest.mark.parametrize("container", ["vllm", "sglang"])
@pytest.mark.parametrize(
    ("folder", "detail", "engine_said"),
    [
        (
            "missing",
            "The adapter x could not be loaded from its src",
            "no adapter found at",
        ),
        ("empty", "The adapter x has invalid weights", "doesn't contain tensors"),
        (
            "wide",
            "The adapter x has a rank above the engine's limit",
            "LoRA rank 32 of adapter 'x' is greater than max_lora_rank 16",
        ),
    ],
)
def test_register_failures_become_sagemaker_400s(
    request: pytest.FixtureRequest,
    samples: SampleAdapters,
    container: str,
    folder: str,
    detail: str,
    engine_said: str,
) -> None:
    client: TestClient = request.getfixturevalue(container)

    reply = register(client, "x", samples.folder / folder)

    assert reply.status_code == 400
    assert reply.json()["detail"] == detail
    assert engine_said in problem_of(reply)["message"]


def test_register_with_no_free_slot_is_refused(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    register(vllm, "one", samples.support)
    register(vllm, "two", samples.support)

    reply = register(vllm, "three", samples.support)

    assert reply.status_code == 507
    assert reply.json()["detail"] == (
        "There is no free adapter slot to load the adapter three"
    )
    assert "adapter slots (max_loras) are taken" in problem_of(reply)["message"]


def test_register_with_a_load_inplace_that_is_not_a_boolean(
    vllm: TestClient, samples: SampleAdapters
) -> None:
    reply = register(vllm, "support", samples.support, load_inplace="yes")

    # The engine's own refusal, which no SageMaker rule covers, passes through.
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "load_inplace"
    assert "load_inplace must be true or false, got 'yes'" in reply.text


def test_register_without_src_is_refused_before_the_engine(vllm: TestClient) -> None:
    reply = vllm.post("/adapters", json={"name": "support"})

    assert reply.status_code == 400
    assert reply.json()["errors"][0]["field"] == "src"


def test_unregister_of_an_unknown_adapter_is_not_found(vllm: TestClient) -> None:
    reply = vllm.delete("/adapters/billing")

    assert reply.status_code == 404
    assert reply.json()["detail"] == "The adapter billing was not found"
    assert "The adapter 'billing' cannot be found" in problem_of(reply)["message"]


def test_invoking_an_unknown_adapter_is_not_found(vllm: TestClient) -> None:
    reply = vllm.post("/invocations", json=QUESTION, headers={HEADER: "billing"})

    error = reply.json()["error"]
    assert reply.status_code == 404
    assert (error["type"], error["param"]) == ("NotFoundError", "model")
    assert "The model 'billing' does not exist" in error["message"]


def test_invoking_with_a_bad_body_is_a_400_not_a_500(vllm: TestClient) -> None:
    broken = vllm.post("/invocations", content=b"{oops", headers={HEADER: "support"})
    no_header = vllm.post("/invocations", content=b"{oops")

    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["detail"]
    assert no_header.status_code == 400
    assert "not valid JSON" in no_header.json()["error"]["message"]


def test_sglang_appends_the_adapter_to_the_model(
    sglang: TestClient, samples: SampleAdapters
) -> None:
    register(sglang, "support", samples.support)
    no_model = {"prompt": "Hi"}

    appended = sglang.post("/invocations", json=QUESTION, headers={HEADER: "support"})
    alone = sglang.post("/invocations", json=no_model, headers={HEADER: "support"})
    completions = sglang.post(
        "/v1/completions", json=QUESTION, headers={HEADER: "support"}
    )

    assert appended.json()["model"] == "toy-base:support"
    assert appended.json()["choices"][0]["text"].startswith("[toy-base+support r=8]")
    assert alone.json()["model"] == "support"
    assert completions.json()["model"] == "toy-base:support"


def test_sglang_unknown_adapter_names_the_appended_model(sglang: TestClient) -> None:
    reply = sglang.post("/invocations", json=QUESTION, headers={HEADER: "billing"})

    assert reply.status_code == 404
    assert "'toy-base:billing' does not exist" in reply.json()["error"]["message"]


def test_sglang_register_and_unregister(
    sglang: TestClient, samples: SampleAdapters
) -> None:
    assert register(sglang, "support", samples.support).status_code == 200
    assert sglang.delete("/adapters/support").text == "Adapter support unregistered"


def test_containers_leave_the_default_registry_alone(samples: SampleAdapters) -> None:
    before = list(handler_registry)

    apps: list[FastAPI] = [build(LoRAEngine()) for build in EXAMPLE_CONTAINERS.values()]

    assert list(handler_registry) == before
    for app in apps:
        with TestClient(app) as client:
            assert register(client, "support", samples.support).status_code == 200


def test_two_containers_in_one_process_keep_their_own_adapters(
    samples: SampleAdapters,
) -> None:
    first, second = LoRAEngine(), LoRAEngine()
    with (
        TestClient(create_vllm_container(first)) as one,
        TestClient(create_vllm_container(second)) as two,
    ):
        register(one, "support", samples.support)

        assert (
            two.post(
                "/invocations", json=QUESTION, headers={HEADER: "support"}
            ).status_code
            == 404
        )
    assert list(first.adapters) == ["support"]
    assert not second.adapters


def test_example_containers_are_named_for_the_cli() -> None:
    assert sorted(EXAMPLE_CONTAINERS) == ["sglang", "vllm"]


@pytest.mark.parametrize("container", ["vllm", "sglang"])
def test_list_describe_and_update_the_loaded_adapters(
    request: pytest.FixtureRequest, samples: SampleAdapters, container: str
) -> None:
    client: TestClient = request.getfixturevalue(container)
    register(client, "support", samples.support)
    register(client, "org/v2", samples.support_v2)

    first = client.get("/adapters", params={"limit": 1})
    second = client.get("/adapters", params={"limit": 1, "next_page_token": 1})
    pinned = client.post("/adapters/org%2Fv2/update", json={"pin": True})
    described = client.get("/adapters/org%2Fv2")

    assert [a["name"] for a in first.json()["adapters"]] == ["support"]
    assert first.json()["next_page_token"] == 1
    assert [a["name"] for a in second.json()["adapters"]] == ["org/v2"]
    assert second.json()["next_page_token"] is None
    assert (pinned.status_code, pinned.text) == (200, "Adapter org/v2 updated")
    assert described.json() == {
        "name": "org/v2",
        "src": str(samples.support_v2),
        "rank": 4,
        "target_modules": described.json()["target_modules"],
        "preload": True,
        "pin": True,
    }
    assert described.json()["target_modules"]


def test_describe_and_update_of_an_unknown_adapter_are_not_found(
    vllm: TestClient,
) -> None:
    described = vllm.get("/adapters/billing")
    updated = vllm.post("/adapters/billing/update", json={"pin": True})

    assert (described.status_code, described.json()["detail"]) == (
        404,
        "The adapter billing was not found",
    )
    assert (updated.status_code, updated.json()["detail"]) == (
        404,
        "The adapter billing was not found",
    )

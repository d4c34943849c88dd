"""List, describe and update, names with '/', and the pin/preload rule."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)
from lora_lab.testing import SageMakerClient

ADAPTERS = {
    f"a{i}": {"src": f"s3://bucket/a{i}", "preload": True, "pin": False}
    for i in range(5)
}


def container(registry: HandlerRegistry) -> tuple[TestClient, list[SimpleNamespace]]:
    """A container with all five adapter calls over a dict of adapters."""
    adapters = {name: dict(info) for name, info in ADAPTERS.items()}
    seen: list[SimpleNamespace] = []

    @register_list_adapters_handler(
        {"limit": "query_params.limit", "start": "query_params.next_page_token"},
        registry=registry,
    )
    async def list_adapters(data: SimpleNamespace, raw_request: Request) -> Any:
        seen.append(data)
        start = data.start or 0
        names = sorted(adapters)[start : start + data.limit]
        following = start + data.limit
        return {
            "adapters": [{"name": name, **adapters[name]} for name in names],
            "next_page_token": following if following < len(adapters) else None,
        }

    @register_describe_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Any:
        if data.name not in adapters:
            return Response(f"The lora adapter '{data.name}' cannot be found.", 404)
        return {"name": data.name, **adapters[data.name]}

    @register_update_adapter_handler(
        {
            "name": "path_params.adapter_name",
            "preload": "body.preload",
            "pin": "body.pin",
        },
        registry=registry,
    )
    async def update(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append(data)
        if data.name not in adapters:
            return Response("not here", status_code=404)
        for flag in ("preload", "pin"):
            if getattr(data, flag) is not None:
                adapters[data.name][flag] = getattr(data, flag)
        return Response(status_code=200)

    @register_load_adapter_handler(
        {"name": "body.name", "src": "body.src"}, registry=registry
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        adapters[data.name] = {"src": data.src, "preload": True, "pin": False}
        return Response(status_code=200)

    @register_unload_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append(data)
        adapters.pop(data.name)
        return Response(status_code=200)

    return TestClient(bootstrap(FastAPI(), registry=registry)), seen


def sagemaker(
    registry: HandlerRegistry,
) -> tuple[SageMakerClient, list[SimpleNamespace]]:
    """The same container, called the way SageMaker calls it."""
    client, seen = container(registry)
    return SageMakerClient(client.app), seen


def test_list_pages_through_the_adapters(registry: HandlerRegistry) -> None:
    client, seen = sagemaker(registry)

    first = client.list(limit=2)
    second = client.list(limit=2, next_page_token=first.json()["next_page_token"])
    everything = client.list()

    assert [a["name"] for a in first.json()["adapters"]] == ["a0", "a1"]
    assert first.json()["next_page_token"] == 2
    assert [a["name"] for a in second.json()["adapters"]] == ["a2", "a3"]
    assert len(everything.json()["adapters"]) == 5
    assert everything.json()["next_page_token"] is None
    assert [vars(data) for data in seen] == [
        {"limit": 2, "start": None},
        {"limit": 2, "start": 2},
        {"limit": 100, "start": None},
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=-3", "limit"),
        ("limit=ten", "limit"),
        ("next_page_token=-1", "next_page_token"),
        ("next_page_token=abc", "next_page_token"),
        ("limit=1&limit=2", "limit"),
    ],
)
def test_list_rejects_bad_paging(
    registry: HandlerRegistry, query: str, field: str
) -> None:
    client, seen = container(registry)

    response = client.get(f"/adapters?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert seen == []


def test_describe_returns_the_handlers_answer(registry: HandlerRegistry) -> None:
    client, _ = container(registry)

    response = client.get("/adapters/a1")

    assert response.status_code == 200
    assert response.json() == {
        "name": "a1",
        "src": "s3://bucket/a1",
        "preload": True,
        "pin": False,
    }


def test_describe_unknown_adapter_is_sagemakers_404_with_the_alias(
    registry: HandlerRegistry,
) -> None:
    client, _ = sagemaker(registry)

    response = client.describe("nope", alias="friendly", expect=404)

    assert response.json()["detail"] == "The adapter friendly was not found"
    assert response.json()["errors"][0]["message"] == (
        "The lora adapter 'nope' cannot be found."
    )


def test_update_changes_only_what_is_given(registry: HandlerRegistry) -> None:
    client, seen = sagemaker(registry)

    pinned = client.update("a1", pin=True, as_query=False)
    client.update("a2", preload=False)

    assert pinned.text == "Adapter a1 updated"
    assert [vars(data) for data in seen] == [
        {"name": "a1", "preload": None, "pin": True},
        {"name": "a2", "preload": False, "pin": None},
    ]
    assert client.describe("a1").json()["pin"] is True
    assert client.describe("a2").json()["preload"] is False


def test_update_answers_with_the_alias(registry: HandlerRegistry) -> None:
    client, _ = sagemaker(registry)

    response = client.update("a1", pin=True, alias="friendly")

    assert response.text == "Adapter friendly updated"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"src": "s3://other"}, "src", "src cannot be changed"),
        ({"preload": False, "pin": True}, "pin", "cannot be pinned with preload=false"),
        ({"pin": "yes"}, "pin", "pin must be true or false"),
    ],
)
def test_update_rejects(
    registry: HandlerRegistry, body: dict[str, Any], field: str, message: str
) -> None:
    client, seen = container(registry)

    response = client.post("/adapters/a1/update", json=body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert message in response.json()["errors"][0]["message"]
    assert seen == []


def test_update_of_unknown_adapter_is_404(registry: HandlerRegistry) -> None:
    client, _ = sagemaker(registry)

    response = client.update("zz", pin=False, expect=404)

    assert response.json()["detail"] == "The adapter zz was not found"


def test_register_rejects_pin_without_preload(registry: HandlerRegistry) -> None:
    client, _ = container(registry)

    response = client.post(
        "/adapters", json={"name": "n", "src": "/a", "preload": False, "pin": True}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "pin",
            "location": "body",
            "message": "a pinned adapter is kept loaded, so it cannot be pinned with "
            "preload=false; set preload to true or pin to false",
        }
    ]


@pytest.mark.parametrize("path", ["org/tuned", "org%2Ftuned"])
def test_names_with_a_slash_work_everywhere(
    registry: HandlerRegistry, path: str
) -> None:
    client, seen = container(registry)
    client.post("/adapters", json={"name": "org/tuned", "src": "s3://b/t"})

    described = client.get(f"/adapters/{path}")
    updated = client.post(f"/adapters/{path}/update", json={"pin": True})
    removed = client.delete(f"/adapters/{path}")

    assert described.json()["name"] == "org/tuned"
    assert updated.text == "Adapter org/tuned updated"
    assert removed.text == "Adapter org/tuned unregistered"
    assert vars(seen[-1]) == {"name": "org/tuned"}


def test_bootstrap_mounts_only_what_is_registered(registry: HandlerRegistry) -> None:
    @register_describe_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> dict[str, str]:
        return {"name": data.name}

    app = bootstrap(FastAPI(), registry=registry)

    assert [
        (route.path, sorted(route.methods))
        for route in app.router.routes
        if isinstance(route, APIRoute)
    ] == [("/adapters/{adapter_name:path}", ["GET"])]


def test_openapi_documents_the_adapter_routes(registry: HandlerRegistry) -> None:
    client, _ = container(registry)

    spec = client.get("/openapi.json").json()

    register = spec["paths"]["/adapters"]["post"]
    body = register["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["name", "src"]
    assert set(body["properties"]) == {"name", "src", "preload", "pin"}
    assert {"400", "409", "424", "507"} <= set(register["responses"])
    listing = spec["paths"]["/adapters"]["get"]
    assert [p["name"] for p in listing["parameters"]] == ["limit", "next_page_token"]
    named = spec["paths"]["/adapters/{adapter_name}"]
    assert set(named) == {"get", "delete"}
    assert named["delete"]["parameters"][0]["name"] == "adapter_name"
    update = spec["paths"]["/adapters/{adapter_name}/update"]["post"]
    assert set(
        update["requestBody"]["content"]["application/json"]["schema"]["properties"]
    ) == {
        "preload",
        "pin",
    }

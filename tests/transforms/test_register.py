from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.testclient import TestClient

from lora_lab import HandlerRegistry, bootstrap, register_load_adapter_handler
from lora_lab.testing import SageMakerClient

VLLM_SHAPE = {
    "lora_name": "body.name",
    "lora_path": "body.src",
    "load_inplace": "body.load_inplace",
    "preload": "body.preload",
    "pin": "body.pin",
}


def serve(
    registry: HandlerRegistry, shape: dict[str, Any] | None = VLLM_SHAPE, **kw: Any
):
    """Bootstrap an app whose register handler records what it received."""
    seen: list[tuple[SimpleNamespace, Request]] = []

    @register_load_adapter_handler(request_shape=shape, registry=registry, **kw)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append((data, raw_request))
        return Response(status_code=200)

    app = bootstrap(FastAPI(), registry=registry)
    return TestClient(app), seen


def test_body_fields_reach_the_handler_including_extra_ones(
    registry: HandlerRegistry,
) -> None:
    client, seen = serve(registry)

    response = client.post(
        "/adapters",
        json={"name": "tuned", "src": "/adapters/tuned", "load_inplace": True},
    )

    assert response.status_code == 200
    assert response.text == "Adapter tuned registered"
    data, _ = seen[0]
    assert vars(data) == {
        "lora_name": "tuned",
        "lora_path": "/adapters/tuned",
        "load_inplace": True,
        "preload": True,
        "pin": False,
    }


def test_query_string_is_used_when_there_is_no_body(registry: HandlerRegistry) -> None:
    client, seen = serve(registry)

    response = client.post(
        "/adapters",
        params={"name": "q", "src": "s3://bucket/q", "preload": "False", "pin": "0"},
    )

    assert response.status_code == 200, response.text
    assert response.text == "Adapter q registered"
    assert vars(seen[0][0]) == {
        "lora_name": "q",
        "lora_path": "s3://bucket/q",
        "load_inplace": None,
        "preload": False,
        "pin": False,
    }


def test_query_params_stay_visible_to_the_shape(registry: HandlerRegistry) -> None:
    client, seen = serve(registry, {"from_query": "query_params.src"})

    client.post("/adapters?name=q&src=s3://b/q")

    assert seen[0][0].from_query == "s3://b/q"


def test_handler_reads_the_body_as_sent(registry: HandlerRegistry) -> None:
    bodies: list[Any] = []

    @register_load_adapter_handler(request_shape={"n": "body.name"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        bodies.append((await raw_request.json(), await raw_request.body()))
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    sent = b'{"src": "/a", "name": "n", "extra": [1, 2]}'
    client.post("/adapters", content=sent, headers={"content-type": "application/json"})

    assert bodies == [({"src": "/a", "name": "n", "extra": [1, 2]}, sent)]


def test_alias_header_names_the_adapter_in_the_message(
    registry: HandlerRegistry,
) -> None:
    client, _ = serve(registry)

    response = SageMakerClient(client.app).register(
        "tuned", "/a", alias="friendly-name"
    )

    assert response.text == "Adapter friendly-name registered"


def test_header_names_match_in_any_letter_case(registry: HandlerRegistry) -> None:
    client, seen = serve(
        registry,
        {
            "exact": 'headers."X-Amzn-SageMaker-Adapter-Alias"',
            "lower": 'headers."x-amzn-sagemaker-adapter-alias"',
        },
    )

    client.post(
        "/adapters",
        json={"name": "a", "src": "/a"},
        headers={"x-AMZN-sagemaker-adapter-ALIAS": "al"},
    )

    assert vars(seen[0][0]) == {"exact": "al", "lower": "al"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"src": "/a"}, "name", "name is required"),
        ({"name": "", "src": "/a"}, "name", "must not be empty"),
        ({"name": "   ", "src": "/a"}, "name", "must not be empty or only whitespace"),
        ({"name": 7, "src": "/a"}, "name", "name must be a string, got a number"),
        ({"name": None, "src": "/a"}, "name", "name is required"),
        ({"name": "a"}, "src", "src is required"),
        ({"name": "a", "src": ["/a"]}, "src", "src must be a string, got an array"),
        ({"name": "a", "src": "/a", "preload": "yes"}, "preload", "true or false"),
        ({"name": "a", "src": "/a", "pin": 1}, "pin", "pin must be true or false"),
    ],
)
def test_invalid_fields_get_400_naming_the_field(
    registry: HandlerRegistry, body: dict[str, Any], field: str, message: str
) -> None:
    client, seen = serve(registry)

    response = client.post("/adapters", json=body)

    assert response.status_code == 400
    error = response.json()
    assert field in error["detail"]
    assert [problem["field"] for problem in error["errors"]] == [field]
    assert message in error["errors"][0]["message"]
    assert seen == []


def test_every_problem_is_reported_at_once(registry: HandlerRegistry) -> None:
    client, _ = serve(registry)

    response = client.post("/adapters", json={"name": "", "pin": "no"})

    assert response.status_code == 400
    assert [p["field"] for p in response.json()["errors"]] == ["name", "src", "pin"]


def test_missing_query_fields_say_where_they_were_looked_for(
    registry: HandlerRegistry,
) -> None:
    client, _ = serve(registry)

    response = client.post("/adapters?name=a")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "src",
            "location": "query",
            "message": "src is required: where the adapter's weights are, such as "
            "an S3 URI or a local path, a non-empty string",
        }
    ]


def test_a_field_repeated_in_the_query_string_is_rejected(
    registry: HandlerRegistry,
) -> None:
    client, _ = serve(registry)

    response = client.post("/adapters?name=a&name=b&src=/x")

    assert response.status_code == 400
    assert "name is given 2 times" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'["name", "src"]', "must be a JSON object"),
        (b"null", "must be a JSON object"),
        (b'"name"', "must be a JSON object"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b'{"name": NaN, "src": "/a"}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_bodies_that_are_not_json_objects_get_400(
    registry: HandlerRegistry, content: bytes, message: str
) -> None:
    client, seen = serve(registry)

    response = client.post(
        "/adapters", content=content, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert "Traceback" not in response.text
    assert seen == []


def test_unknown_failure_from_the_handler_passes_through(
    registry: HandlerRegistry,
) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response("slow down", status_code=429)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert (response.status_code, response.text) == (429, "slow down")


def test_http_exception_from_the_handler_reaches_the_client(
    registry: HandlerRegistry,
) -> None:
    @register_load_adapter_handler({"src": "body.src"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        raise HTTPException(status_code=400, detail="Adapter source must be S3")

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "ftp://x"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Adapter source must be S3"}


class Loaded(BaseModel):
    name: str


@pytest.mark.parametrize(
    "result", [{"loaded": "a"}, Loaded(name="a"), None, "done"], ids=repr
)
def test_handler_may_return_plain_data(registry: HandlerRegistry, result: Any) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Any:
        return result

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert (response.status_code, response.text) == (200, "Adapter a registered")


def test_sync_handler_works(registry: HandlerRegistry) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=registry)
    def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))

    assert client.post("/adapters", json={"name": "a", "src": "/a"}).status_code == 200


def test_response_shape_turns_a_200_into_shaped_json(registry: HandlerRegistry) -> None:
    @register_load_adapter_handler(
        {"name": "body.name"},
        response_shape={"adapter": "body.loaded", "status": "status_code"},
        registry=registry,
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> dict[str, Any]:
        return {"loaded": data.name, "internal": "hidden"}

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert response.status_code == 200
    assert response.json() == {"adapter": "a", "status": 200}


def test_response_shape_passes_on_nan_and_lone_surrogates_as_the_handler_sent_them(
    registry: HandlerRegistry,
) -> None:
    @register_load_adapter_handler(
        {"name": "body.name"},
        response_shape={"score": "body.score", "tag": "body.tag"},
        registry=registry,
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        body = '{"score": NaN, "tag": "\\ud800"}'
        return Response(body, media_type="application/json")

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert (response.status_code, response.text) == (
        200,
        '{"score":NaN,"tag":"\\ud800"}',
    )


def test_response_shape_leaves_errors_alone(registry: HandlerRegistry) -> None:
    @register_load_adapter_handler(
        {"name": "body.name"}, response_shape={"x": "body.x"}, registry=registry
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response("busy", status_code=429)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert (response.status_code, response.text) == (429, "busy")


def test_expression_failing_on_the_request_is_a_400_naming_it(
    registry: HandlerRegistry,
) -> None:
    client, seen = serve(registry, {"size": "length(body.missing)"})

    response = client.post("/adapters", json={"name": "a", "src": "/a"})

    assert response.status_code == 400
    problem = response.json()["errors"][0]
    assert problem["field"] == "size"
    assert "length(body.missing)" in problem["message"]
    assert seen == []

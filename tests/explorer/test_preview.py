"""The preview API: fidelity to the server, isolation, and the result object."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from lora_lab import (
    BaseApiTransform,
    HandlerRegistry,
    RouteConfig,
    TransformedRequest,
    bootstrap,
    create_transform_decorator,
    handler_registry,
    inject_adapter_id,
    register_load_adapter_handler,
)
from lora_lab.explorer import DecoratorSettings, preview, preview_async
from lora_lab.explorer.cases import load_cases

REGISTER = 'POST /adapters HTTP/1.1\n\n{"name": "a", "src": "s3://b/a"}'


def test_preview_changes_no_registry_and_no_transform() -> None:
    registry = HandlerRegistry()
    decorator = register_load_adapter_handler(
        {"adapter_id": "body.name"}, registry=registry
    )
    default_before = list(handler_registry)
    transform_state = dict(vars(decorator.transform))

    result = preview(REGISTER, decorator)

    assert result.values == {"adapter_id": "a"}
    assert len(registry) == 0
    assert list(handler_registry) == default_before
    assert vars(decorator.transform) == transform_state

    async def load(data: Any, raw_request: Request) -> Response:
        return Response(status_code=200)

    decorator(load)
    assert registry.get_handler("register_adapter") is not None


def test_the_handler_receives_what_the_transform_hands_on() -> None:
    result = preview(
        'curl localhost/adapters?ignored=1 -H "X-Amzn-SageMaker-Adapter-Alias: nick" '
        '--json \'{"name": "a", "src": "s3://b/a", "rank": 8}\'',
        register_load_adapter_handler({"id": "body.name", "rank": "body.rank"}),
    )
    assert result.accepted
    assert result.handler_input is not None
    assert result.handler_input.data == {"id": "a", "rank": 8}
    received = result.handler_input.request
    assert (received.method, received.path) == ("POST", "/adapters")
    assert received.query == (("ignored", "1"),)
    assert received.header("x-amzn-sagemaker-adapter-alias") == "nick"
    assert received.json == {"name": "a", "src": "s3://b/a", "rank": 8}
    assert result.response is not None
    assert result.response.text == "Adapter nick registered"
    assert result.document is not None
    assert result.document["body"] == {
        "name": "a",
        "src": "s3://b/a",
        "rank": 8,
        "preload": True,
        "pin": False,
    }


def test_a_rejected_request_never_reaches_the_handler() -> None:
    result = preview(
        {"method": "POST", "path": "/adapters", "body": {"name": ""}},
        register_load_adapter_handler({"id": "body.name"}),
    )
    assert result.outcome == "rejected"
    assert result.handler_input is None
    assert result.rejection is not None
    assert result.rejection.status == 400
    assert [e["field"] for e in result.rejection.errors] == ["name", "src"]
    assert result.response is not None
    assert result.response.json == result.rejection.body
    assert [r.evaluated for r in result.expressions] == [False]


def test_handler_response_is_rewritten_as_the_server_would() -> None:
    decorator = register_load_adapter_handler(
        {"id": "body.name"}, response_shape={"loaded": "body.id"}
    )
    shaped = preview(REGISTER, decorator, handler_response=JSONResponse({"id": 7}))
    assert shaped.response is not None
    assert shaped.response.json == {"loaded": 7}

    failed = preview(REGISTER, decorator, handler_response=Response(status_code=503))
    assert failed.accepted
    assert failed.status == 424
    assert failed.response is not None
    assert failed.response.json["detail"] == (
        "The engine failed while handling the adapter a"
    )


def test_a_handler_without_shapes_gets_the_request_unchanged() -> None:
    result = preview(REGISTER, register_load_adapter_handler())
    assert result.decorator == "@register_load_adapter_handler(request_shape=None)"
    assert result.expressions == ()
    assert result.handler_input is not None
    assert result.handler_input.data is None
    assert result.handler_input.request.json == {"name": "a", "src": "s3://b/a"}
    assert result.response is not None
    assert result.response.body == b""


def test_settings_as_data_and_bad_settings() -> None:
    as_dict = preview(
        REGISTER, {"handler": "register", "request_shape": {"i": "body.name"}}
    )
    as_object = preview(REGISTER, DecoratorSettings("register", {"i": "body.name"}))
    assert as_dict.values == as_object.values == {"i": "a"}

    no_separator = preview(
        REGISTER, DecoratorSettings("inject", adapter_path="m", append=True)
    )
    assert no_separator.outcome == "invalid_decorator"
    assert no_separator.input_error is not None
    assert "separator" in no_separator.input_error.message

    unknown = preview(REGISTER, {"handler": "register", "shape": {}})
    assert unknown.outcome == "invalid_decorator"
    assert unknown.input_error is not None
    assert "'shape' is not a setting" in unknown.input_error.message


def test_a_shape_that_does_not_compile_gives_each_key_its_error_and_position() -> None:
    result = preview(
        REGISTER,
        DecoratorSettings(
            "register",
            {"ok": "body.name", "bad": "headers.X-Trace", "cut": "body.a["},
        ),
    )
    assert result.outcome == "invalid_decorator"
    assert result.status is None
    errors = {r.key: r.error for r in result.expressions}
    assert errors["ok"] is None
    assert errors["bad"] is not None
    assert errors["bad"].position == 9
    assert errors["bad"].fix == 'write headers."X-Trace"'
    assert errors["cut"] is not None
    assert errors["cut"].position == 7


def test_a_runtime_error_in_an_expression_has_the_function_position() -> None:
    result = preview(
        REGISTER,
        register_load_adapter_handler({"n": "body.name", "l": "abs(body.src)"}),
    )
    assert result.outcome == "rejected"
    assert result.rejection is not None
    assert result.rejection.stage == "shape"
    by_key = {r.key: r for r in result.expressions}
    assert by_key["n"].value == "a"
    assert by_key["l"].error is not None
    assert by_key["l"].error.position == 0
    assert "abs()" in by_key["l"].error.message


def test_inject_reports_before_after_and_patch() -> None:
    result = preview(
        {
            "method": "POST",
            "path": "/v1/chat",
            "headers": {"X-Amzn-SageMaker-Adapter-Identifier": "fr"},
            "body": {"model": "base", "messages": []},
        },
        inject_adapter_id("model", append=True, separator=":"),
    )
    assert result.route is None
    assert result.injection is not None
    assert result.injection.applied
    assert result.injection.body_before == {"model": "base", "messages": []}
    assert result.injection.body_after == {"model": "base:fr", "messages": []}
    assert result.injection.patch == [
        {"op": "replace", "path": "/model", "value": "base:fr"}
    ]
    assert result.handler_input is not None
    received = result.handler_input.request
    assert received.json == result.injection.body_after
    assert received.header("content-length") == str(len(received.body))


def test_the_document_shows_every_header_though_the_shape_reads_one() -> None:
    result = preview(
        {
            "method": "POST",
            "path": "/v1/chat",
            "headers": {
                "X-Amzn-SageMaker-Adapter-Identifier": "fr",
                "X-Request-Id": "r-1",
            },
            "body": {"model": "base"},
        },
        inject_adapter_id("model"),
    )

    assert result.document is not None
    assert result.document["headers"]["x-request-id"] == "r-1"
    assert result.document["headers"]["x-amzn-sagemaker-adapter-identifier"] == "fr"
    assert result.values == {"model": "fr"}


class Slow(BaseApiTransform):
    """A transform of a user's own that awaits real I/O."""

    route = RouteConfig("/summaries", "POST")

    async def transform_request(self, request: Request) -> TransformedRequest:
        await asyncio.sleep(0.001)
        return await super().transform_request(request)


def resolve(name: str) -> type[BaseApiTransform]:
    return Slow


def test_a_custom_transform_that_awaits_io_runs_in_and_out_of_an_event_loop() -> None:
    decorator = create_transform_decorator("summarize", resolve)(
        request_shape={"text": "body.text"}
    )
    request = {"method": "POST", "path": "/summaries", "body": {"text": "hi"}}

    outside = preview(request, decorator)

    async def inside_a_loop() -> tuple[Any, Any]:
        return preview(request, decorator), await preview_async(request, decorator)

    inside, awaited = asyncio.run(inside_a_loop())
    for result in (outside, inside, awaited):
        assert result.values == {"text": "hi"}
        assert result.route == "POST /summaries"
        assert result.decorator == "a summarize decorator"
        assert result.handler_input is not None
        assert result.response is not None
        assert result.response.json is None


def serve_status(
    decorator_settings: DecoratorSettings, request: Mapping[str, Any]
) -> int:
    registry = HandlerRegistry()
    decorator = decorator_settings.decorator(registry=registry)

    async def handler(data: Any, raw_request: Request) -> Response:
        return Response(status_code=200)

    decorator(handler)
    app = bootstrap(FastAPI(), registry=registry)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.request(
        request["method"], request["path"], content=request["content"]
    )
    return response.status_code


def test_a_name_that_is_not_unicode_text_is_a_400_in_both() -> None:
    settings = DecoratorSettings("register", {"n": "body.name"})
    content = b'{"name": "\\ud800", "src": "s3://b/a"}'
    request = {"method": "POST", "path": "/adapters", "content": content}

    result = preview({"method": "POST", "path": "/adapters", "body": content}, settings)

    assert result.status == serve_status(settings, request) == 400
    assert result.rejection is not None
    assert result.rejection.errors[0]["field"] == "name"


def test_a_response_shape_that_fails_is_a_500_naming_it_in_both() -> None:
    settings = DecoratorSettings("register", {"n": "body.name"}, {"x": "abs(body)"})
    content = b'{"name": "a", "src": "s3://b/a"}'
    request = {"method": "POST", "path": "/adapters", "content": content}

    result = preview({"method": "POST", "path": "/adapters", "body": content}, settings)

    assert result.status == serve_status(settings, request) == 500
    assert result.response is not None
    assert result.response.json["errors"][0]["field"] == "x"
    assert "abs(body)" in result.response.json["errors"][0]["message"]


def test_a_large_request_is_previewed_whole() -> None:
    big = "x" * 1_000_000
    result = preview(
        {"method": "POST", "path": "/adapters", "body": {"name": "a", "src": big}},
        register_load_adapter_handler({"src": "body.src"}),
    )
    assert result.values == {"src": big}
    text = str(result)
    assert "more characters)" in text
    assert len(text) < 30_000


def test_every_result_is_json_ready() -> None:
    for case in load_cases():
        data = case.preview().to_dict()
        assert json.loads(json.dumps(data, allow_nan=False)) == data
        assert data["outcome"] == case.expected["outcome"]


def test_a_preview_from_settings_reports_findings_without_logging_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="lora_lab"):
        result = preview(
            REGISTER, {"handler": "register", "request_shape": {"i": "body.nmae"}}
        )
    assert [finding.code for finding in result.findings] == ["unknown-field"]
    assert caplog.records == []


def test_a_large_preview_has_a_short_repr() -> None:
    result = preview(
        {
            "method": "POST",
            "path": "/adapters",
            "body": {"name": "a", "src": "x" * 100_000},
        },
        register_load_adapter_handler({"src": "body.src"}),
    )
    assert repr(result).startswith("<Preview accepted 200 register_adapter @register")
    assert len(repr(result)) < 200


def test_a_handler_without_shapes_may_get_any_body() -> None:
    deep = "[" * 5000 + "]" * 5000
    result = preview(
        {"method": "POST", "path": "/adapters", "body": deep},
        register_load_adapter_handler(),
    )
    assert result.accepted
    assert result.handler_input is not None
    assert result.handler_input.request.body == deep.encode()
    assert not result.handler_input.request.is_json

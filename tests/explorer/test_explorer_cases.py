"""Every case file, through the preview and through a real app over HTTP.

The preview must give the case's expected result, the app must give the
same, and the two must agree on everything the handler and the client see.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.testclient import TestClient

from lora_lab import HandlerRegistry, bootstrap
from lora_lab.explorer import parse_request
from lora_lab.explorer.cases import EXPECTATIONS, Case, load_case, load_cases
from tests.explorer.expectations import check_expected

CASES = load_cases()


@dataclass
class Served:
    """What the app answered, and what its handler was given."""

    status: int
    body: bytes
    content_type: str | None
    data: dict[str, Any] | None = None
    handler_body: bytes | None = None
    handler_path: str | None = None
    handler_path_params: dict[str, Any] | None = None
    handler_headers: dict[str, str] | None = None


def serve(case: Case) -> Served:
    """Send the case's request to an app bootstrapped with the case's decorator."""
    parsed = parse_request(case.request)
    registry = HandlerRegistry()
    decorator = case.decorator.decorator(registry=registry)
    seen: dict[str, Any] = {}

    async def record(data: SimpleNamespace | None, raw_request: Request) -> None:
        seen["data"] = None if data is None else dict(vars(data))
        seen["body"] = await raw_request.body()
        seen["path"] = raw_request.url.path
        seen["path_params"] = dict(raw_request.path_params)
        seen["headers"] = dict(raw_request.headers.items())

    app = FastAPI()
    if case.decorator.handler == "inject":

        async def inference(raw_request: Request) -> Response:
            await record(None, raw_request)
            return Response(status_code=200)

        endpoint = decorator(inference)
        path = unquote(parsed.raw_path)
        app.add_api_route(path, endpoint, methods=[parsed.method])
    else:

        async def adapter(data: SimpleNamespace, raw_request: Request) -> Response:
            await record(data, raw_request)
            return Response(status_code=200)

        decorator(adapter)
        bootstrap(app, registry=registry)

    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    response = client.request(
        parsed.method,
        f"http://testserver{parsed.target}",
        headers=list(parsed.headers),
        content=parsed.body,
    )
    return Served(
        status=response.status_code,
        body=response.content,
        content_type=response.headers.get("content-type"),
        data=seen.get("data"),
        handler_body=seen.get("body"),
        handler_path=seen.get("path"),
        handler_path_params=seen.get("path_params"),
        handler_headers=seen.get("headers"),
    )


def test_there_are_enough_cases_of_each_kind() -> None:
    groups = [case.name.split("-", 1)[0] for case in CASES]
    assert len(CASES) >= 30
    for group in ("register", "unregister", "inject", "hostile", "invalid"):
        assert group in groups
    for group in ("list", "describe", "update"):
        outcomes = [c.expected["outcome"] for c in CASES if c.name.startswith(group)]
        assert len(outcomes) >= 2 and "rejected" in outcomes, group
    prepends = [c for c in CASES if c.decorator.prepend]
    assert {c.expected["outcome"] for c in prepends} == {"accepted", "rejected"}
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_preview_gives_the_expected_result(case: Case) -> None:
    assert set(case.expected) <= set(EXPECTATIONS)
    assert "outcome" in case.expected
    check_expected(case.preview(), case.expected)


SENDABLE = [
    case for case in CASES if case.expected["outcome"] in ("accepted", "rejected")
]


@pytest.mark.parametrize("case", SENDABLE, ids=[case.name for case in SENDABLE])
def test_server_agrees_with_preview(case: Case) -> None:
    result = case.preview()
    served = serve(case)

    assert result.response is not None
    assert served.status == result.response.status
    assert served.body == result.response.body
    assert served.content_type == result.response.header("content-type")
    if "status" in case.expected:
        assert served.status == case.expected["status"]

    if result.handler_input is None:
        assert served.handler_body is None, "the app called the handler"
        return
    received = result.handler_input.request
    assert served.data == result.handler_input.data
    assert served.handler_body == received.body
    assert served.handler_path == received.path
    assert served.handler_path_params == dict(received.path_params)
    assert served.handler_headers is not None
    for name, value in received.headers:
        assert served.handler_headers.get(name) == value, name


def test_a_case_is_found_by_name() -> None:
    assert load_case("inject-append").decorator.separator == ":"
    with pytest.raises(KeyError, match="inject-append"):
        load_case("no-such-case")

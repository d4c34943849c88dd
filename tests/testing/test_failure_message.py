"""A failed call's message shows the request sent and the response received."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request, Response

from lora_lab import HandlerRegistry
from lora_lab.testing import SageMakerCallError, SageMakerClient
from lora_lab.testing.failure import BODY_LIMIT
from tests.testing.recording import recording_container


def failure(call: object) -> str:
    """Return the message of the SageMakerCallError ``call()`` raises."""
    with pytest.raises(SageMakerCallError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value)


def test_a_refused_register_shows_both_sides(registry: HandlerRegistry) -> None:
    app, _ = recording_container(registry)
    client = SageMakerClient(app)

    message = failure(lambda: client.register("org/tuned", " ", alias="friendly"))

    assert message == (
        "register 'org/tuned' failed: expected a 2xx status, got 400 Bad Request\n"
        "\n"
        "request:\n"
        "  POST http://testserver/adapters?name=org%2Ftuned&src=+\n"
        "  X-Amzn-SageMaker-Adapter-Alias: friendly\n"
        "\n"
        "  (no body)\n"
        "\n"
        "response:\n"
        "  400 Bad Request\n"
        "  content-type: application/json\n"
        "\n"
        "  {\n"
        '    "detail": "Invalid register request: check src.",\n'
        '    "errors": [\n'
        "      {\n"
        '        "field": "src",\n'
        '        "location": "query",\n'
        '        "message": "src must not be empty or only whitespace"\n'
        "      }\n"
        "    ]\n"
        "  }"
    )


def test_the_request_body_and_the_headers_set_are_shown(
    registry: HandlerRegistry,
) -> None:
    app, _ = recording_container(registry)
    client = SageMakerClient(app)

    message = failure(lambda: client.update("org/tuned", pin=True, as_query=False))

    assert "POST http://testserver/adapters/org%2Ftuned/update\n" in message
    assert "Content-Type: application/json\n" in message
    assert '{\n    "pin": true\n  }' in message
    assert "404 Not Found" in message
    assert "The lora adapter 'org/tuned' cannot be found." in message


def test_an_invocation_shows_the_adapter_header(registry: HandlerRegistry) -> None:
    app, _ = recording_container(registry)
    client = SageMakerClient(app)

    message = failure(lambda: client.invoke([1, 2], adapter="org/tuned"))

    assert message.startswith(
        "invoke with adapter 'org/tuned' failed: expected a 2xx status, got 400"
    )
    assert "X-Amzn-SageMaker-Adapter-Identifier: org/tuned\n" in message
    assert "  [\n    1,\n    2\n  ]\n" in message


def test_routine_headers_are_left_out_and_credentials_hidden() -> None:
    client = SageMakerClient(FastAPI(), headers={"Authorization": "Bearer s3cr3t"})

    message = failure(lambda: client.describe("support", headers={"X-Trace": "t-1"}))

    assert "Authorization: [hidden]" in message
    assert "s3cr3t" not in message
    assert "X-Trace: t-1" in message
    for routine in ("host:", "user-agent:", "accept-encoding:", "connection:"):
        assert routine not in message.lower()


def test_long_and_binary_bodies_are_cut_short() -> None:
    app = FastAPI()

    @app.post("/invocations")
    async def echo(raw_request: Request) -> Response:
        return Response(b"\xff\xfe" * 10, status_code=500)

    client = SageMakerClient(app)
    long_text = "x" * (BODY_LIMIT + 500)

    message = failure(lambda: client.invoke(long_text))

    assert f"{'x' * BODY_LIMIT}... (500 more characters)" in message
    assert "x" * (BODY_LIMIT + 1) not in message
    assert "500 Internal Server Error" in message
    assert "(20 bytes that are not UTF-8 text)" in message

"""Engine failures become SageMaker's statuses and messages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.testclient import TestClient

from lora_lab import ErrorMapping, ErrorRule, HandlerRegistry, bootstrap
from lora_lab import register_load_adapter_handler as register
from lora_lab.transforms.lora import PASS_THROUGH

ALIAS = {"X-Amzn-SageMaker-Adapter-Alias": "friendly"}
REQUEST = {"name": "tuned", "src": "/adapters/tuned"}


def register_failing_with(
    registry: HandlerRegistry, outcome: Any, **options: Any
) -> TestClient:
    @register({"name": "body.name"}, registry=registry, **options)
    async def load(data: SimpleNamespace, raw_request: Request) -> Any:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return TestClient(
        bootstrap(FastAPI(), registry=registry), raise_server_exceptions=False
    )


@pytest.mark.parametrize(
    ("engine_response", "status", "detail"),
    [
        # The reference engine and vLLM.
        (
            Response("LoRA rank 64 is greater than max_lora_rank 16.", 400),
            400,
            "The adapter tuned has a rank above the engine's limit",
        ),
        (
            JSONResponse(
                {"detail": "adapter_model.safetensors doesn't contain tensors"}, 400
            ),
            400,
            "The adapter tuned has invalid weights",
        ),
        (
            JSONResponse({"message": "No free lora slots", "code": 503}, 503),
            507,
            "There is no free adapter slot to load the adapter tuned",
        ),
        (
            JSONResponse(
                {
                    "object": "error",
                    "message": "The lora adapter 'tuned' has already been loaded.",
                    "type": "InvalidUserInput",
                    "code": 400,
                },
                400,
            ),
            409,
            "The adapter tuned is already registered; unregister it before "
            "registering an adapter of the same name",
        ),
        (
            JSONResponse(
                {"error": {"message": "The lora adapter 'tuned' cannot be found."}}, 404
            ),
            404,
            "The adapter tuned was not found",
        ),
        (
            Response("Loading lora tuned failed: No adapter found for /x", 404),
            400,
            "The adapter tuned could not be loaded from its src",
        ),
        # SGLang.
        (
            Response("LoRA adapter tuned is already loaded", 400),
            409,
            "The adapter tuned is already registered; unregister it before "
            "registering an adapter of the same name",
        ),
        # Anything else that fails inside the engine.
        (
            Response("CUDA out of memory", 500),
            424,
            "The engine failed while handling the adapter tuned",
        ),
    ],
)
def test_engine_messages_map_to_sagemaker_errors(
    registry: HandlerRegistry, engine_response: Response, status: int, detail: str
) -> None:
    original = bytes(engine_response.body)
    client = register_failing_with(registry, engine_response)

    response = client.post("/adapters", json=REQUEST)

    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert response.json()["errors"][0]["location"] == "engine"
    assert response.json()["errors"][0]["message"] in original.decode()


def test_alias_header_names_the_adapter(registry: HandlerRegistry) -> None:
    client = register_failing_with(registry, Response("No free lora slots", 503))

    response = client.post("/adapters", json=REQUEST, headers=ALIAS)

    assert response.json()["detail"] == (
        "There is no free adapter slot to load the adapter friendly"
    )


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValueError("LoRA rank 64 is greater than max_lora_rank 16"), 400),
        (RuntimeError("No free lora slots"), 507),
        (RuntimeError("segfault in kernel"), 424),
        (HTTPException(404, "The lora adapter 'tuned' cannot be found."), 404),
    ],
)
def test_raised_engine_errors_are_mapped_too(
    registry: HandlerRegistry, error: Exception, status: int
) -> None:
    client = register_failing_with(registry, error)

    response = client.post("/adapters", json=REQUEST)

    assert response.status_code == status
    assert "Traceback" not in response.text


def test_unmatched_http_exception_keeps_its_status(registry: HandlerRegistry) -> None:
    client = register_failing_with(registry, HTTPException(403, "forbidden source"))

    response = client.post("/adapters", json=REQUEST)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "forbidden source"},
    )


def test_users_add_rules_in_front(registry: HandlerRegistry) -> None:
    mapping = ErrorMapping().extend(
        ErrorRule(r"quota exceeded", 507, "No room for the adapter {alias}")
    )
    client = register_failing_with(
        registry, Response("GPU quota exceeded", 400), error_mapping=mapping
    )

    response = client.post("/adapters", json=REQUEST)

    assert (response.status_code, response.json()["detail"]) == (
        507,
        "No room for the adapter tuned",
    )


def test_a_rule_whose_pattern_is_not_a_regular_expression_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match=r"pattern 'quota \(exceeded' is not a"):
        ErrorMapping().extend(ErrorRule(r"quota (exceeded", 507, "No room"))


def test_a_mapping_takes_rules_only() -> None:
    with pytest.raises(TypeError, match="takes ErrorRule values"):
        ErrorMapping([("quota", 507, "No room")])  # type: ignore[list-item]


def test_rule_can_be_narrowed_to_an_engine_status(registry: HandlerRegistry) -> None:
    mapping = ErrorMapping(
        [ErrorRule(r"busy", 507, "Busy with {alias}", engine_status=(503,))]
    )
    client = register_failing_with(
        registry, Response("busy", 429), error_mapping=mapping
    )

    assert client.post("/adapters", json=REQUEST).status_code == 429


def test_pass_through_leaves_every_error_alone(registry: HandlerRegistry) -> None:
    client = register_failing_with(
        registry, Response("No free lora slots", 503), error_mapping=PASS_THROUGH
    )

    response = client.post("/adapters", json=REQUEST)

    assert (response.status_code, response.text) == (503, "No free lora slots")


def test_a_crashing_handler_logs_no_request_value(
    registry: HandlerRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lora_lab")
    client = register_failing_with(registry, RuntimeError("cannot open /secret/path"))

    response = client.post("/adapters", json=REQUEST)

    assert response.status_code == 424
    assert "/secret/path" in response.json()["errors"][0]["message"]
    assert "RuntimeError" in caplog.text
    assert "/secret/path" not in caplog.text

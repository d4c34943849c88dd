"""assert_request_shape checks a decorator against a case file's request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lora_lab import (
    inject_adapter_id,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)
from lora_lab.explorer.cases import Case, load_cases
from lora_lab.testing import assert_request_shape

CASES = load_cases()
MY_SHAPE = {"lora_name": "body.name", "lora_path": "body.src"}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_case_holds_for_its_own_decorator(case: Case) -> None:
    result = assert_request_shape(None, case)

    assert result.outcome == case.expected["outcome"]


def test_your_shape_against_sagemakers_query_string_call() -> None:
    result = assert_request_shape(
        register_load_adapter_handler(request_shape=MY_SHAPE),
        "register-query-string",
        values={"lora_name": "fr-translator", "lora_path": "s3://bucket/fr"},
        response_text="Adapter fr-translator registered",
    )

    assert result.handler_input is not None
    assert result.handler_input.data == {
        "lora_name": "fr-translator",
        "lora_path": "s3://bucket/fr",
    }


def test_your_shape_inherits_whether_the_request_is_served() -> None:
    mine = register_load_adapter_handler(request_shape=MY_SHAPE)

    refused = assert_request_shape(mine, "register-missing-src")

    assert (refused.outcome, refused.status) == ("rejected", 400)
    with pytest.raises(AssertionError, match="outcome: expected 'accepted'"):
        assert_request_shape(mine, "register-missing-src", outcome="accepted")


def test_a_shape_that_fails_on_a_served_request_is_reported() -> None:
    fragile = register_load_adapter_handler(
        request_shape={"name": "body.name", "size": "length(body.rank)"}
    )

    with pytest.raises(AssertionError) as raised:
        assert_request_shape(fragile, "register-defaults")

    message = str(raised.value)
    assert message.startswith("the case 'register-defaults' through ")
    assert "  outcome: expected 'accepted', got 'rejected'\n" in message
    assert "  status: expected 200, got 400\n" in message
    assert "\n\nwhat happened:\n" in message
    assert "size" in message.split("what happened:")[1]


def test_a_case_about_its_own_failing_shape_expects_nothing_of_yours() -> None:
    mine = register_load_adapter_handler(request_shape=MY_SHAPE)

    with pytest.raises(ValueError, match="nothing to check"):
        assert_request_shape(mine, "register-shape-fails")
    assert_request_shape(mine, "register-shape-fails", outcome="accepted")


def test_a_case_file_of_your_own(tmp_path: Path) -> None:
    path = tmp_path / "unregister-org-name.json"
    path.write_text(
        json.dumps(
            {
                "request": "DELETE /adapters/org%2Ftuned HTTP/1.1\nHost: x\n\n",
                "expected": {
                    "status": 200,
                    "values": {"lora_name": "org/tuned"},
                    "response_text": "Adapter org/tuned unregistered",
                },
            }
        )
    )
    mine = register_unload_adapter_handler(
        request_shape={"lora_name": "path_params.adapter_name"}
    )

    assert_request_shape(mine, path)
    with pytest.raises(AssertionError, match="the case 'unregister-org-name'"):
        assert_request_shape(mine, str(path), values={"lora_name": "org"})
    with pytest.raises(ValueError, match="has no decorator; pass the one"):
        assert_request_shape(None, path)


def test_inject_cases_check_the_body_your_handler_reads() -> None:
    assert_request_shape(
        inject_adapter_id("model"),
        "inject-replace",
        handler_body_json={"model": "customer-support", "prompt": "Hello"},
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"colour": "red"}, "'colour' is not an expectation"),
        ({"case": "register-nope"}, "no case named 'register-nope'"),
    ],
)
def test_mistakes_are_named(arguments: dict[str, str], message: str) -> None:
    case = arguments.pop("case", "register-defaults")
    mine = register_load_adapter_handler(request_shape=MY_SHAPE)

    with pytest.raises((ValueError, KeyError), match=message):
        assert_request_shape(mine, case, **arguments)


def test_a_decorator_for_another_handler_type_is_refused() -> None:
    with pytest.raises(ValueError, match="is for the inject handler"):
        assert_request_shape(
            register_load_adapter_handler(request_shape=MY_SHAPE), "inject-replace"
        )

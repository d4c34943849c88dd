"""Check a preview against a case's ``expected``, for the case and widget tests."""

from __future__ import annotations

from typing import Any

from lora_lab.explorer import Preview


def check_expected(result: Preview, expected: dict[str, Any]) -> None:
    """Assert each expectation the case names."""
    for key, value in expected.items():
        if key == "outcome":
            assert result.outcome == value
        elif key == "status":
            assert result.status == value
        elif key == "response_text":
            assert result.response is not None
            assert result.response.text == value
        elif key == "response_json":
            assert result.response is not None
            assert result.response.json == value
        elif key == "values":
            assert result.values == value
        elif key == "handler_data":
            assert result.handler_input is not None
            assert result.handler_input.data == value
        elif key == "handler_body_json":
            assert result.handler_input is not None
            assert result.handler_input.request.json == value
        elif key == "handler_path_params":
            assert result.handler_input is not None
            assert dict(result.handler_input.request.path_params) == value
        elif key == "rejection_stage":
            assert result.rejection is not None
            assert result.rejection.stage == value
        elif key == "error_fields":
            assert result.rejection is not None
            assert [error["field"] for error in result.rejection.errors] == value
        elif key == "patch":
            assert result.injection is not None
            assert result.injection.patch == value
        elif key == "finding_codes":
            assert [finding.code for finding in result.findings] == value
        elif key == "input_error_line":
            assert result.input_error is not None
            assert result.input_error.line == value
        else:  # pragma: no cover - load_cases refuses unknown keys
            raise AssertionError(f"unknown expectation {key}")

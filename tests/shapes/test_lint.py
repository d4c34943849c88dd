"""The shape lint: each rule, the contracts, and the warnings decorators log."""

from __future__ import annotations

import logging

import pytest

from lora_lab import (
    AppendOperation,
    LoRAHandlerType,
    SageMakerLoRAApiHeader,
    inject_adapter_id,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)
from lora_lab.explorer import preview
from lora_lab.shapes import SAGEMAKER_CONTRACTS, RequestContract, contract_for, lint
from lora_lab.shapes.contracts import ADAPTER_ALIAS_HEADER, ADAPTER_IDENTIFIER_HEADER

REGISTER = "register_adapter"
UNREGISTER = "unregister_adapter"
INJECT = "inject_adapter_id"


def codes(shape: dict[str, object], handler_type: object = REGISTER) -> list[str]:
    return [finding.code for finding in lint(shape, handler_type)]  # type: ignore[arg-type]


def test_a_good_shape_has_no_findings() -> None:
    assert (
        lint({"id": "body.name", "src": "body.src", "a": "headers.x"}, REGISTER) == []
    )
    assert lint({"id": "path_params.adapter_name"}, UNREGISTER) == []
    assert lint({"model": f'headers."{ADAPTER_IDENTIFIER_HEADER}"'}, INJECT) == []
    assert lint(None, REGISTER) == []


@pytest.mark.parametrize(
    ("expression", "replacement", "position"),
    [
        ("body.nmae", "body.name", 5),
        ('body."srcc"', "body.src", 5),
        ("length(body.nmae)", "length(body.name)", 12),
        ("query_params.preloda", "query_params.preload", 13),
    ],
)
def test_a_field_the_request_cannot_carry_gets_the_close_match(
    expression: str, replacement: str, position: int
) -> None:
    [finding] = lint({"key": expression}, REGISTER)
    assert finding.code == "unknown-field"
    assert finding.severity == "warning"
    assert finding.replacement == replacement
    assert finding.position == position
    assert finding.fix == f"write {replacement}"
    assert "null unless the client sends" in finding.message


def test_a_field_of_the_clients_own_is_not_a_finding() -> None:
    # Engines read options of their own, such as vLLM's load_inplace.
    assert lint({"inplace": "body.load_inplace", "q": "query_params.x"}, REGISTER) == []


def test_a_field_with_no_close_match_lists_what_there_is() -> None:
    [finding] = lint({"key": "path_params.weights"}, UNREGISTER)
    assert finding.replacement is None
    assert finding.fix == "read one of: path_params.adapter_name"
    assert "always null" in finding.message


def test_unquoted_hyphenated_name_is_an_error_with_the_quoted_fix() -> None:
    [finding] = lint({"trace": "headers.X-Amzn-Trace-Id"}, REGISTER)
    assert finding.code == "hyphenated-name"
    assert finding.severity == "error"
    assert finding.replacement == 'headers."X-Amzn-Trace-Id"'
    assert finding.position == 9


def test_an_expression_that_does_not_parse_is_an_error_with_its_position() -> None:
    [finding] = lint({"key": "body.name["}, None)
    assert (finding.code, finding.severity, finding.position) == (
        "invalid-expression",
        "error",
        10,
    )
    [not_text] = lint({"key": 5}, None)
    assert not_text.code == "invalid-expression"
    assert lint([1], None)[0].code == "invalid-shape"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expression", "replacement"),
    [
        ("bdy.name", "body.name"),
        ("name", "body.name"),
        ("path_param.x", "path_params.x"),
    ],
)
def test_unknown_roots(expression: str, replacement: str) -> None:
    [finding] = lint({"key": expression}, REGISTER)
    assert finding.code == "unknown-root"
    assert finding.replacement == replacement


def test_unregister_has_no_body_and_no_query() -> None:
    [body] = lint({"id": "body.name"}, UNREGISTER)
    assert body.code == "no-body"
    assert body.replacement == "path_params.adapter_name"
    assert codes({"id": "query_params.name"}, UNREGISTER) == ["unknown-field"]
    assert codes({"id": "adapter_name"}, UNREGISTER) == ["unknown-root"]
    assert lint({"id": "adapter_name"}, UNREGISTER)[0].replacement == (
        "path_params.adapter_name"
    )


def test_register_has_no_path_params() -> None:
    assert codes({"id": "path_params.adapter_name"}, REGISTER) == ["unknown-field"]


def test_always_null_and_failing_expressions_are_found_on_sagemaker_requests() -> None:
    assert codes({"id": "body.name.first"}) == ["always-null"]
    [fails] = lint({"n": "length(body.pin)"}, REGISTER)
    assert (fails.code, fails.severity) == ("evaluation-error", "error")
    [sometimes] = lint({"n": "length(query_params.name)"}, REGISTER)
    assert (sometimes.code, sometimes.severity) == ("evaluation-error", "warning")
    # Headers can be anything: no guess about them.
    assert codes({"n": "length(headers.whatever)"}) == []


def test_near_misses_of_sagemaker_headers() -> None:
    [finding] = lint({"a": 'headers."X-Amzn-SageMaker-Adapter-Alais"'}, REGISTER)
    assert finding.replacement == f'headers."{ADAPTER_ALIAS_HEADER}"'
    assert codes({"a": 'headers."x-amzn-sagemaker-adapter-alias"'}) == []


def test_unknown_functions_and_wrong_argument_counts() -> None:
    [unknown] = lint({"n": "lenght(body.name)"}, REGISTER)
    assert (unknown.code, unknown.replacement) == (
        "unknown-function",
        "length(body.name)",
    )
    [arity] = lint({"n": "length(body.name, body.src)"}, REGISTER)
    assert arity.code == "wrong-arguments"
    assert "takes 1 argument, not 2" in arity.message
    assert codes({"n": "not_null(body.nam, body.name, body.src)"}) == ["unknown-field"]


def test_inject_path_starting_with_body() -> None:
    [finding] = lint({"body.model": f'headers."{ADAPTER_IDENTIFIER_HEADER}"'}, INJECT)
    assert finding.code == "body-prefix"
    assert finding.replacement == "model"
    [nested] = lint(
        {"body.model.lora_name": f'headers."{ADAPTER_IDENTIFIER_HEADER}"'}, INJECT
    )
    assert '{"body": {"model": {"lora_name": "..."}}}' in nested.message
    appended = {"body.model": AppendOperation(":", 'headers."x"')}
    assert codes(appended, INJECT) == ["body-prefix"]  # type: ignore[arg-type]


def test_nested_shapes_name_the_dotted_key() -> None:
    [finding] = lint({"adapter": {"id": "body.nmae"}}, REGISTER)
    assert finding.key == "adapter.id"


def test_a_type_of_ones_own_gets_the_checks_that_need_no_contract() -> None:
    assert codes({"x": "body.anything"}, "summarize") == []
    assert codes({"x": "bdy.anything"}, "summarize") == ["unknown-root"]
    contract = RequestContract("mine", fields={"body": frozenset({"text"})})
    assert codes({"x": "body.txt"}, contract) == ["unknown-field"]


def test_contracts_match_the_transforms() -> None:
    assert set(SAGEMAKER_CONTRACTS) == {member.value for member in LoRAHandlerType}
    assert contract_for(LoRAHandlerType.REGISTER_ADAPTER).handler_type == REGISTER
    assert ADAPTER_IDENTIFIER_HEADER == SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER
    assert ADAPTER_ALIAS_HEADER == SageMakerLoRAApiHeader.ADAPTER_ALIAS
    # What the register transform hands the shape is what the contract lists.
    result = preview(
        {"method": "POST", "path": "/adapters", "body": {"name": "a", "src": "b"}},
        {"handler": "register", "request_shape": {"all": "body"}},
    )
    assert set(result.values["all"]) == SAGEMAKER_CONTRACTS[REGISTER].fields["body"]


def test_decorators_log_findings_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    from lora_lab import HandlerRegistry

    registry = HandlerRegistry()
    with caplog.at_level(logging.WARNING, logger="lora_lab"):
        register_load_adapter_handler({"id": "body.nmae"}, registry=registry)
        register_unload_adapter_handler({"id": "body.name"}, registry=registry)
        inject_adapter_id("body.model", registry=registry)
        register_load_adapter_handler({"id": "body.name"}, registry=registry)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3
    assert "request_shape['id'] = 'body.nmae'" in messages[0]
    assert "Fix: write body.name" in messages[0]
    assert "no body" in messages[1]
    assert "Fix: use adapter_path 'model'" in messages[2]
    assert all(record.levelno == logging.WARNING for record in caplog.records)


def test_decorators_still_raise_for_shapes_that_do_not_compile() -> None:
    from lora_lab import ShapeError

    with pytest.raises(ShapeError, match="quote the name"):
        register_load_adapter_handler({"t": "headers.X-Trace"})

import pytest

from lora_lab.errors import ShapeError
from lora_lab.shapes import compile_expression, compile_shape, quote_hyphenated_names

DOCUMENT = {
    "body": {"name": "tuned", "src": "s3://bucket/a", "nested": {"rank": 8}},
    "headers": {"x-amzn-sagemaker-adapter-alias": "friendly"},
    "query_params": {"limit": "5"},
    "path_params": {"adapter_name": "tuned"},
}


def test_nested_shape_gives_nested_result() -> None:
    shape = compile_shape(
        {"adapter": {"id": "body.name", "rank": "body.nested.rank"}, "src": "body.src"}
    )

    assert shape.evaluate(DOCUMENT) == {
        "adapter": {"id": "tuned", "rank": 8},
        "src": "s3://bucket/a",
    }
    assert [entry.key for entry in shape] == ["adapter.id", "adapter.rank", "src"]


def test_missing_field_evaluates_to_none() -> None:
    assert compile_shape({"x": "body.absent.deeper"}).evaluate(DOCUMENT) == {"x": None}


def test_roots_list_only_what_the_shape_reads() -> None:
    assert compile_shape({"a": "body.name", "b": "path_params.adapter_name"}).roots == {
        "body",
        "path_params",
    }
    assert compile_shape({"a": "join(':', [body.name, headers.x])"}).roots == {
        "body",
        "headers",
    }
    # '@' reads the whole document, so every root is needed.
    assert compile_shape({"a": "@.body"}).roots == {
        "body",
        "headers",
        "query_params",
        "path_params",
    }


@pytest.mark.parametrize("value", [5, None, ["body.name"], True])
def test_value_that_is_not_an_expression_names_the_key(value: object) -> None:
    with pytest.raises(ShapeError) as caught:
        compile_shape({"adapter": {"id": value}})

    assert "request_shape['adapter']['id']" in str(caught.value)
    assert type(value).__name__ in str(caught.value)


def test_syntax_error_names_key_expression_and_position() -> None:
    with pytest.raises(ValueError) as caught:
        compile_shape({"adapter_id": "body."})

    error = caught.value
    assert isinstance(error, ShapeError)
    assert error.key == "request_shape['adapter_id']"
    assert error.expression == "body."
    assert error.position == 5
    assert "'body.'" in str(error)
    assert "position 5" in str(error)


def test_unquoted_hyphenated_header_suggests_the_quoted_form() -> None:
    with pytest.raises(ShapeError) as caught:
        compile_shape({"adapter_id": "headers.X-Amzn-SageMaker-Adapter-Identifier"})

    assert caught.value.suggestion == 'headers."X-Amzn-SageMaker-Adapter-Identifier"'
    assert 'headers."X-Amzn-SageMaker-Adapter-Identifier"' in str(caught.value)
    assert caught.value.position == 9


def test_quoting_leaves_literals_and_quoted_names_alone() -> None:
    assert quote_hyphenated_names("headers.\"a-b\" || 'x-y'") is None
    assert (
        quote_hyphenated_names("join('-', [headers.x-id, body.name])")
        == "join('-', [headers.\"x-id\", body.name])"
    )


@pytest.mark.parametrize("shape", [["body.name"], "body.name", 3])
def test_shape_that_is_not_a_dict_is_rejected(shape: object) -> None:
    with pytest.raises(ShapeError, match="must be a dict"):
        compile_shape(shape)  # type: ignore[arg-type]


def test_empty_expression_is_rejected() -> None:
    with pytest.raises(ShapeError, match="empty"):
        compile_expression("  ", key="request_shape['x']")


def test_non_string_key_is_rejected() -> None:
    with pytest.raises(ShapeError, match="keys must be non-empty strings"):
        compile_shape({1: "body.name"})  # type: ignore[dict-item]

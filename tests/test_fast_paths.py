"""The request path's shortcuts give exactly what the general code gives."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import jmespath
import pytest
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse

from lora_lab.errors import RequestError
from lora_lab.shapes import CompiledShape, compile_shape
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.document import (
    _LAST_VALUE_WINS,
    HeaderMap,
    _loads,
    build_document,
)
from lora_lab.transforms.lora.base import _alias, _confirmation
from lora_lab.transforms.lora.constants import SageMakerLoRAApiHeader
from lora_lab.transforms.lora.inject import AppendOperation, InjectToBodyApiTransform
from lora_lab.transforms.lora.register import check_register_fields

DOCUMENT = {
    "body": {
        "name": "tuned",
        "nested": {"deeper": {"leaf": 1}},
        "items": [{"name": "first"}],
        "text": "a string",
        "count": 3,
        "flag": False,
        "nothing": None,
    },
    "headers": HeaderMap(
        {"x-amzn-sagemaker-adapter-identifier": "adapter-7", "content-type": "json"}
    ),
    "path_params": {"adapter_name": "tuned"},
}

EXPRESSIONS = [
    "body",
    "body.name",
    "body.nested.deeper.leaf",
    "body.nested.deeper",
    "body.items.name",
    "body.text.length",
    "body.count.value",
    "body.flag.value",
    "body.nothing.value",
    "body.missing.value",
    "query_params.name",
    'headers."X-Amzn-SageMaker-Adapter-Identifier"',
    'headers."x-amzn-sagemaker-adapter-identifier"',
    "path_params.adapter_name",
    "body.items[0].name",
    "length(body.text)",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_shape_evaluation_matches_jmespath(expression: str) -> None:
    shape = compile_shape({"value": expression})

    assert shape.evaluate(DOCUMENT) == {"value": jmespath.search(expression, DOCUMENT)}


@pytest.mark.parametrize(
    "keys",
    [
        ("body.name", "body.nested.deeper.leaf", "body.text.length", "query_params.x"),
        ("body.name", "body.items[0].name"),
    ],
)
def test_a_shape_of_several_expressions_matches_jmespath(
    keys: tuple[str, ...],
) -> None:
    shape = compile_shape({f"k{index}": key for index, key in enumerate(keys)})

    expected = {
        f"k{index}": jmespath.search(key, DOCUMENT) for index, key in enumerate(keys)
    }
    assert shape.evaluate(DOCUMENT) == expected


def test_plain_field_chains_take_the_shortcut_and_others_do_not() -> None:
    shape = compile_shape({"a": "body.nested.deeper", "b": "body.items[0].name"})

    fields = {entry.key: entry.fields for entry in shape}

    assert fields == {"a": ("body", "nested", "deeper"), "b": None}


RAW_HEADERS = [
    (b"host", b"localhost"),
    (b"X-Amzn-SageMaker-Adapter-Identifier", b"adapter-7"),
    (b"x-repeated", b"one"),
    (b"X-Repeated", b"two"),
    (b"content-type", b"application/json"),
    (b"X-Caf\xc9", b"latin"),
]

HEADER_EXPRESSIONS = [
    'headers."X-Amzn-SageMaker-Adapter-Identifier"',
    'headers."x-amzn-sagemaker-adapter-identifier"',
    'headers."X-REPEATED"',
    "headers.host || headers.missing",
    'headers."x-amzn-sagemaker-adapter-identifier".inner',
    "[headers.host, body.name]",
    "length(headers.host)",
    'headers."x-caf\u00e9"',
    'headers."X-CAF\u00c9"',
    "headers",
    "keys(headers)",
    "headers.*",
    "headers.host[0]",
    "@",
    "body.name | headers.host",
]


def outcome(shape: CompiledShape, document: dict[str, object]) -> object:
    try:
        return ("ok", shape.evaluate(document))
    except Exception as error:
        return ("error", type(error), str(error))


@pytest.mark.parametrize("expression", HEADER_EXPRESSIONS)
def test_a_document_with_only_the_named_headers_gives_the_same_values(
    expression: str,
) -> None:
    shape = compile_shape({"value": expression})
    scope = {"type": "http", "headers": RAW_HEADERS, "query_string": b"a=1"}
    request = Request({**scope, "path_params": {}})
    everything = build_document(request, {"name": "tuned"}, shape.roots)

    named = build_document(request, {"name": "tuned"}, shape.roots, shape.header_names)

    assert outcome(shape, named) == outcome(shape, everything)


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        (
            'headers."X-Amzn-SageMaker-Adapter-Identifier"',
            {b"x-amzn-sagemaker-adapter-identifier"},
        ),
        ("headers.host || headers.Accept", {b"host", b"accept"}),
        ("[headers.host, body.name]", {b"host"}),
        ("body.name | headers.host", set()),
        ("keys(headers)", None),
        ("headers.*", None),
        ("@", None),
        ('headers."x-caf\u00e9"', None),
    ],
)
def test_a_shape_names_the_headers_it_reads(
    expression: str, names: set[bytes] | None
) -> None:
    shape = compile_shape({"value": expression, "other": "body.name"})

    assert shape.header_names == (None if names is None else frozenset(names))


def test_a_header_map_of_named_headers_joins_repeats_like_the_full_one() -> None:
    named = HeaderMap.from_raw(RAW_HEADERS, frozenset([b"x-repeated"]))

    assert named == {"x-repeated": "one, two"}
    assert named["x-repeated"] == HeaderMap.from_raw(RAW_HEADERS)["x-repeated"]


BODIES = [
    b'{"name": "tuned", "src": "s3://bucket/a"}',
    '{"text": "caf\u00e9 \u2603"}'.encode(),
    '{"text": "caf\u00e9"}'.encode("utf-16"),
    '{"text": "caf\u00e9"}'.encode("utf-16-le"),
    '{"text": "caf\u00e9"}'.encode("utf-32"),
    b"\xef\xbb\xbf" + b'{"bom": true}',
    b'{"lone": "\\ud800"}',
    b"[1, 2.5, -3e2, true, null]",
    b'"just a string"',
    b'{"value": NaN}',
    b'{"value": -Infinity}',
    b'{"broken": ',
    b"\xff\xfe\x00",
    b'{"a": 1} trailing',
    b"",
    b"{",
    b"{\x00",
    b'{"bad": "\xff"}',
]


def reference_parse(raw: bytes) -> object:
    def reject(name: str) -> object:
        raise ValueError(f"{name} is not a JSON value")

    try:
        return ("ok", json.loads(raw, parse_constant=reject))
    except ValueError as error:
        return ("error", type(error), str(error))


def shortcut_parse(raw: bytes) -> object:
    try:
        return ("ok", _loads(raw, _LAST_VALUE_WINS))
    except ValueError as error:
        return ("error", type(error), str(error))


@pytest.mark.parametrize("raw", BODIES)
def test_body_parsing_matches_json_loads(raw: bytes) -> None:
    assert shortcut_parse(raw) == reference_parse(raw)


class Name(str):
    """A string subclass, which the register fields accept like a string."""


REGISTER_CASES = [
    (
        {"name": "tuned", "src": "s3://b/a"},
        {"name": "tuned", "src": "s3://b/a", "preload": True, "pin": False},
    ),
    (
        {"name": "tuned", "src": "/a", "preload": True, "pin": True, "extra": 1},
        {"name": "tuned", "src": "/a", "preload": True, "pin": True},
    ),
    ({"name": "tuned", "src": "/a", "preload": False, "pin": True}, ["pin"]),
    ({"name": "\ud800", "src": "/a"}, ["name"]),
    (
        {"name": Name("tuned"), "src": "/a"},
        {"name": "tuned", "src": "/a", "preload": True, "pin": False},
    ),
    ({"name": " ", "src": "/a"}, ["name"]),
    ({"name": "tuned", "src": 3}, ["src"]),
    ({"src": "/a"}, ["name"]),
    ({"name": None, "src": None}, ["name", "src"]),
    ({"name": "tuned", "src": "/a", "preload": "true"}, ["preload"]),
    ({"name": "tuned", "src": "/a", "pin": 1}, ["pin"]),
]


@pytest.mark.parametrize(("sent", "expected"), REGISTER_CASES)
def test_register_fields_from_the_body(
    sent: dict[str, object], expected: object
) -> None:
    if isinstance(expected, dict):
        assert check_register_fields(sent, "body") == expected
        return
    with pytest.raises(RequestError) as raised:
        check_register_fields(sent, "body")
    assert [problem.field for problem in raised.value.problems] == expected
    assert {problem.location for problem in raised.value.problems} == {"body"}


def test_register_fields_from_the_query_convert_flags() -> None:
    query = QueryParams("name=tuned&src=/a&preload=true&pin=1")

    fields = check_register_fields(dict(query), "query", query)

    assert fields == {"name": "tuned", "src": "/a", "preload": True, "pin": True}


ADAPTER = 'headers."X-Amzn-SageMaker-Adapter-Identifier"'
# The same expressions, written so that they are not plain field chains: the
# transform evaluates the shape for them instead of reading headers by name.
INJECT_SHAPES = [
    ({"model": ADAPTER}, {"model": f"{ADAPTER} | @"}),
    (
        {"model": AppendOperation(":", ADAPTER)},
        {"model": AppendOperation(":", f"{ADAPTER} | @")},
    ),
    (
        {"parameters.adapter": ADAPTER, "tag": 'headers."x-tag"'},
        {"parameters.adapter": f"{ADAPTER} | @", "tag": 'headers."x-tag" | @'},
    ),
]
INJECT_HEADERS = [
    [],
    [(b"x-amzn-sagemaker-adapter-identifier", b"fr")],
    [(b"X-Amzn-SageMaker-Adapter-Identifier", b"fr"), (b"x-tag", b"t")],
    [
        (b"x-amzn-sagemaker-adapter-identifier", b"one"),
        (b"X-AMZN-SAGEMAKER-ADAPTER-IDENTIFIER", b"two"),
    ],
]
INJECT_BODIES = [
    b'{"model": "base", "parameters": {"top_p": 1}}',
    b'{"model": 7, "parameters": []}',
    b"[1, 2]",
    b"{not json",
    b"",
]


def inject_outcome(transform: InjectToBodyApiTransform, request: Request) -> object:
    async def run() -> object:
        try:
            transformed = await transform.transform_request(request)
        except RequestError as error:
            return ("error", error.status_code, error.to_dict())
        handed_on = transformed.request
        body = await handed_on.body()
        return ("ok", transformed.document, transformed.notes, body, handed_on.headers)

    return asyncio.run(run())


@pytest.mark.parametrize(("named", "evaluated"), INJECT_SHAPES)
@pytest.mark.parametrize("headers", INJECT_HEADERS)
@pytest.mark.parametrize("body", INJECT_BODIES)
def test_inject_reading_headers_by_name_matches_evaluating_the_shape(
    named: dict[str, object],
    evaluated: dict[str, object],
    headers: list[tuple[bytes, bytes]],
    body: bytes,
) -> None:
    shortcut = InjectToBodyApiTransform(named)
    general = InjectToBodyApiTransform(evaluated)
    assert shortcut._named_headers is not None
    assert general._named_headers is None

    outcomes = [
        inject_outcome(transform, make_request(headers, body))
        for transform in (shortcut, general)
    ]

    assert outcomes[0] == outcomes[1]


def make_request(headers: list[tuple[bytes, bytes]], body: bytes) -> Request:
    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "headers": headers, "path": "/"}
    return Request({**scope, "query_string": b"", "path_params": {}}, receive)


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"x-amzn-sagemaker-adapter-alias", b"nick")],
        [
            (b"x-amzn-sagemaker-adapter-alias", b"first"),
            (b"x-amzn-sagemaker-adapter-alias", b"second"),
        ],
        [(b"x-amzn-sagemaker-adapter-alias", b"")],
        [(b"x-amzn-sagemaker-adapter-alias", b"caf\xe9")],
        [(b"x-other", b"x")],
    ],
)
def test_the_alias_is_what_request_headers_get_finds(
    headers: list[tuple[bytes, bytes]],
) -> None:
    request = make_request(headers, b"")
    transformed = TransformedRequest(request, {}, None, adapter_name="tuned")

    expected = request.headers.get(SageMakerLoRAApiHeader.ADAPTER_ALIAS) or "tuned"
    assert _alias(transformed) == expected


def formatted(format_message: Callable[[], str]) -> object:
    try:
        return ("ok", format_message())
    except (TypeError, ValueError, KeyError, IndexError) as error:
        return ("error", type(error))


@pytest.mark.parametrize(
    "message",
    [
        "Adapter {alias} registered",
        "{alias}",
        "{{literal}} {alias} }}",
        "{alias!r} and {alias:>12}",
        "{alias:>12}",
        "{alias} twice {alias}",
        "no alias",
        "{0} {other}",
    ],
)
@pytest.mark.parametrize("alias", ["tuned", None, "caf\u00e9 {x}"])
def test_the_confirmation_is_what_str_format_gives(
    message: str, alias: str | None
) -> None:
    assert formatted(lambda: _confirmation(message, alias)) == formatted(
        lambda: message.format(alias=alias)
    )


async def echo_handler(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {
            "body": body.decode("utf-8", "replace"),
            "content-length": request.headers.get("content-length"),
        }
    )


def dict_handler(request: Request) -> dict[str, object]:
    return {"handed": type(request).__name__ != "Request"}


async def refusing_handler(request: Request) -> None:
    raise RequestError("the engine refuses", [], status_code=409)


def served(endpoint: Callable[[Request], object], request: Request) -> object:
    response = asyncio.run(endpoint(request))  # type: ignore[arg-type]
    return (response.status_code, bytes(response.body), response.headers.items())


@pytest.mark.parametrize(("named", "evaluated"), INJECT_SHAPES)
@pytest.mark.parametrize("headers", INJECT_HEADERS)
@pytest.mark.parametrize("body", INJECT_BODIES)
@pytest.mark.parametrize("handler", [echo_handler, dict_handler, refusing_handler])
@pytest.mark.parametrize("response_shape", [None, {"seen": "body"}])
def test_the_inject_endpoint_serves_what_handle_serves(
    named: dict[str, object],
    evaluated: dict[str, object],
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    handler: Callable[[Request], object],
    response_shape: dict[str, str] | None,
) -> None:
    shortcut = InjectToBodyApiTransform(named, response_shape)
    general = InjectToBodyApiTransform(evaluated, response_shape)

    sent = [*headers, (b"content-length", str(len(body)).encode())]

    responses = [
        served(transform.bind(handler), make_request(sent, body))
        for transform in (shortcut, general)
    ]

    assert responses[0] == responses[1]


def test_an_inject_subclass_with_its_own_step_is_served_through_it() -> None:
    class Counting(InjectToBodyApiTransform):
        calls = 0

        async def transform_request(self, request: Request) -> TransformedRequest:
            Counting.calls += 1
            return await super().transform_request(request)

    transform = Counting({"model": ADAPTER})
    request = make_request(INJECT_HEADERS[1], INJECT_BODIES[0])

    status, body, _ = served(transform.bind(echo_handler), request)  # type: ignore[misc]

    assert status == 200
    assert Counting.calls == 1
    assert json.loads(json.loads(body)["body"])["model"] == "fr"

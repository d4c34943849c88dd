"""Properties over generated requests: inject, register, and preview against a server.

Example counts are kept small so the suite stays fast; each property still
meets bodies of every JSON type, nesting, key order and formatting, and
header values of every byte a server hands on.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
from types import SimpleNamespace
from typing import Any

import httpx2
from fastapi import FastAPI, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.responses import Response
from starlette.testclient import TestClient

from lora_lab import (
    HandlerRegistry,
    bootstrap,
    inject_adapter_id,
    register_load_adapter_handler,
)
from lora_lab.explorer import DecoratorSettings, preview

ADAPTER = "X-Amzn-SageMaker-Adapter-Identifier"
# Derandomised: every run tries the same examples, so a failure reproduces.
PROPERTY = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
# Keys meet the names inject writes to as often as any others.
keys = st.text(max_size=8) | st.sampled_from(["model", "parameters", "adapter", "a"])
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(keys, json_values, max_size=6)
# What a server hands on as a header value: visible ASCII, obs-text bytes
# (read as latin-1), and spaces and tabs inside.
header_values = st.text(
    st.characters(codec="latin-1", exclude_categories=("Cc",)) | st.sampled_from(" \t"),
    max_size=40,
).map(lambda value: value.strip(" \t"))


def formatted(body: dict[str, Any], style: int) -> bytes:
    """``body`` as a client might lay it out: compact, indented, ASCII-escaped."""
    layouts = [
        {"separators": (",", ":"), "ensure_ascii": False},
        {"indent": 2, "ensure_ascii": True},
        {"indent": "\t", "ensure_ascii": False},
        {},
    ]
    return json.dumps(body, **layouts[style % len(layouts)]).encode()


def same(sent: Any, got: Any) -> bool:
    """Equal, with the same types and the same key order all the way down."""
    if type(sent) is not type(got):
        return False
    if isinstance(sent, dict):
        return list(sent) == list(got) and all(same(sent[k], got[k]) for k in sent)
    if isinstance(sent, list):
        return len(sent) == len(got) and all(map(same, sent, got))
    if isinstance(sent, float):
        return sent == got and math.copysign(1, sent) == math.copysign(1, got)
    return bool(sent == got)


INJECTIONS = [
    ("model", {}),
    ("model", {"append": True, "separator": ":"}),
    ("model", {"prepend": True, "separator": "-"}),
    ("parameters.adapter", {}),
]


def expected_injection(
    body: dict[str, Any], path: str, options: dict[str, Any], value: str
) -> dict[str, Any] | None:
    """What inject must hand on; None where it must answer 400."""
    result = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = result
    for key in parents:
        child = node.get(key)
        if child is None:
            child = node[key] = {}
        if not isinstance(child, dict):
            return None
        node = child
    current = node.get(last)
    if not options or current is None:
        node[last] = value
    elif not isinstance(current, str):
        return None
    elif options.get("append"):
        node[last] = f"{current}{options['separator']}{value}"
    else:
        node[last] = f"{value}{options['separator']}{current}"
    return result


@st.composite
def injections(draw: st.DrawFn) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A body, and the injection it meets, with something already at the target."""
    path, options = draw(st.sampled_from(INJECTIONS))
    body = draw(json_objects)
    # What is at the target now: most often a string to join the adapter to.
    current = draw(st.sampled_from(["string", "string", "absent", "any"]))
    value = draw(st.text(max_size=8)) if current == "string" else draw(json_values)
    *parents, last = path.split(".")
    node = body
    for key in parents:
        if not isinstance(node.get(key), dict) and draw(st.integers(0, 3)):
            node[key] = {}
        node = node.get(key)
        if not isinstance(node, dict):
            return body, path, options
    if current == "absent":
        node.pop(last, None)
    else:
        node[last] = value
    return body, path, options


@PROPERTY
@given(case=injections(), header=header_values, style=st.integers(0, 3))
def test_inject_changes_the_target_and_nothing_else(
    case: tuple[dict[str, Any], str, dict[str, Any]], header: str, style: int
) -> None:
    body, path, options = case
    seen: dict[str, Any] = {}
    app = FastAPI()

    @app.post("/invocations")
    @inject_adapter_id(path, registry=HandlerRegistry(), **options)
    async def invoke(raw_request: Request) -> Response:
        seen["json"] = await raw_request.json()
        seen["bytes"] = await raw_request.body()
        return Response(status_code=204)

    raw = formatted(body, style)
    with_header = send(app, raw, {ADAPTER.encode(): header.encode("latin-1")})

    wanted = expected_injection(body, path, options, header)
    if wanted is None:
        assert with_header == 400
        assert seen == {}
        return
    assert with_header == 204
    assert same(wanted, seen["json"])
    assert same(wanted, json.loads(seen["bytes"].decode("utf-8")))

    # Without the header the body is handed on as it came, byte for byte.
    seen.clear()
    assert send(app, raw, {}) == 204
    assert seen["bytes"] == raw


def send(app: FastAPI, body: bytes, headers: dict[bytes, bytes]) -> int:
    """POST ``body`` to /invocations with ``headers`` as raw bytes; the status.

    TestClient re-encodes header values as UTF-8; the ASGI transport hands
    them on as bytes, as a server does.
    """

    async def post() -> int:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            reply = await http.post("/invocations", content=body, headers=headers)
        return reply.status_code

    return asyncio.run(post())


valid_texts = st.text(min_size=1, max_size=10).filter(str.strip) | st.sampled_from(
    ["org/tuned", "..", "模型-🚀", "s3://b/a"]
)
invalid_texts = st.sampled_from(
    ["", "   ", "\t\n", "\u3000", "a\ud800", None, 7, True, ["a"], {"a": 1}]
)
invalid_flags = st.sampled_from([0, 1, "true", "", [], {}])
_ABSENT = object()


@st.composite
def register_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A valid register body with none, one or two fields made wrong or left out."""
    sent: dict[str, Any] = {"name": draw(valid_texts), "src": draw(valid_texts)}
    for flag in ("preload", "pin"):
        value = draw(st.sampled_from([_ABSENT, True, False, None]))
        if value is not _ABSENT:
            sent[flag] = value
    spoiled = st.sampled_from(["name", "src", "preload", "pin"])
    for field in draw(st.lists(spoiled, max_size=2, unique=True)):
        pool = invalid_texts if field in ("name", "src") else invalid_flags
        value = draw(pool | st.just(_ABSENT))
        if value is _ABSENT:
            sent.pop(field, None)
        else:
            sent[field] = value
    if draw(st.booleans()):
        sent["extra"] = draw(json_values)
    return sent


def register_faults(sent: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """The fields register must name, and the body the handler must get."""
    faults = set()
    for name in ("name", "src"):
        value = sent.get(name)
        if not isinstance(value, str) or not value.strip() or "\ud800" in value:
            faults.add(name)
    flags = {}
    for name, default in (("preload", True), ("pin", False)):
        value = sent.get(name)
        if value is None:
            value = default
        if not isinstance(value, bool):
            faults.add(name)
        flags[name] = value
    if not faults & {"preload", "pin"} and flags["pin"] and not flags["preload"]:
        faults.add("pin")
    return faults, {**sent, **flags}


@PROPERTY
@given(sent=register_fields())
def test_register_accepts_exactly_the_valid_requests(sent: dict[str, Any]) -> None:
    registry = HandlerRegistry()
    received: list[Any] = []

    @register_load_adapter_handler({"body": "body"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        received.append(data.body)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    reply = client.post("/adapters", content=json.dumps(sent).encode())

    faults, handed_on = register_faults(sent)
    if faults:
        assert reply.status_code == 400
        assert {error["field"] for error in reply.json()["errors"]} == faults
        assert received == []
    else:
        assert reply.status_code == 200
        assert reply.text == f"Adapter {sent['name']} registered"
        assert len(received) == 1
        assert same(handed_on, received[0])


JSON_TYPE = {"Content-Type": "application/json"}
ascii_header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30
).map(str.strip)


@st.composite
def previewable(draw: st.DrawFn) -> tuple[dict[str, Any], DecoratorSettings]:
    """A request and the decorator it meets: register or inject."""
    if draw(st.booleans()):
        decorator_settings = DecoratorSettings(
            "register", request_shape={"name": "body.name", "all": "body"}
        )
        body = json.dumps(draw(register_fields()))
        request = {"method": "POST", "path": "/adapters", "headers": JSON_TYPE}
        return {**request, "body": body}, decorator_settings
    # The explorer's settings know replace and append (prepend is code only).
    path, options = draw(st.sampled_from([INJECTIONS[0], *INJECTIONS[1::2]]))
    decorator_settings = DecoratorSettings(
        "inject",
        adapter_path=path,
        append=bool(options.get("append")),
        separator=options.get("separator") if options.get("append") else None,
    )
    headers = dict(JSON_TYPE)
    if draw(st.booleans()):
        headers[ADAPTER] = draw(ascii_header_values)
    body = formatted(draw(json_objects), draw(st.integers(0, 3))).decode()
    if draw(st.integers(0, 5)) == 0:
        body = draw(st.sampled_from(["", "null", "[1]", '{"a": ', '"text"']))
    body = (
        draw(st.sampled_from(["", " ", "\n", "\t "]))
        + body
        + draw(st.sampled_from(["", " ", "\r\n"]))
    )
    request = {"method": "POST", "path": "/v1/completions", "headers": headers}
    return {**request, "body": body}, decorator_settings


@PROPERTY
@given(case=previewable())
def test_preview_and_a_live_app_agree(
    case: tuple[dict[str, Any], DecoratorSettings],
) -> None:
    request, decorator_settings = case
    result = preview(request, decorator_settings)
    registry = HandlerRegistry()
    seen: dict[str, Any] = {}
    app = FastAPI()

    if decorator_settings.handler == "inject":

        async def infer(raw_request: Request) -> Response:
            seen["body"] = await raw_request.body()
            return Response(status_code=200)

        app.add_api_route(
            request["path"],
            decorator_settings.decorator(registry=registry)(infer),
            methods=["POST"],
        )
    else:

        async def load(data: SimpleNamespace, raw_request: Request) -> Response:
            seen["data"] = dict(vars(data))
            seen["body"] = await raw_request.body()
            return Response(status_code=200)

        decorator_settings.decorator(registry=registry)(load)
        bootstrap(app, registry=registry)

    client = TestClient(app, raise_server_exceptions=False)
    reply = client.post(
        request["path"],
        content=request["body"].encode(),
        headers=request["headers"],
    )

    assert result.response is not None
    assert reply.status_code == result.response.status
    assert reply.content == result.response.body
    if result.handler_input is None:
        assert seen == {}
        return
    assert seen["body"] == result.handler_input.request.body
    if "data" in seen:
        assert seen["data"] == result.handler_input.data

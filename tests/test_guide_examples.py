"""Every Python example of the LoRA usage guide, run against lora_lab.

The examples are read from the guide itself, with one change: the import of
``model_hosting_container_standards`` becomes ``lora_lab``. Where the guide
calls a backend it leaves to the reader (``my_backend``,
``my_inference_engine``, ``is_valid_s3_path``) a small recording stand-in
takes its place, and a ``{...}`` placeholder shape is filled with the
fields its handler reads. Each example is then driven over HTTP.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException, Request, Response
from starlette.testclient import TestClient

from lora_lab import bootstrap, handler_registry
from lora_lab.shapes import compile_shape
from lora_lab.transforms.document import HeaderMap

HEADER = "X-Amzn-SageMaker-Adapter-Identifier"


def _find_guide() -> Path | None:
    configured = os.environ.get("LORA_LAB_GUIDE")
    if configured:
        return Path(configured)
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    found = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    return found[0] if found else None


GUIDE = _find_guide()
pytestmark = pytest.mark.skipif(
    GUIDE is None,
    reason="the usage guide is not beside the checkout; set LORA_LAB_GUIDE to its path",
)


def guide_blocks(language: str) -> list[str]:
    """Return the guide's fenced blocks of ``language`` ('' for plain fences)."""
    assert GUIDE is not None
    blocks: list[str] = []
    fence_language: str | None = None  # the language of the open fence, if any
    lines: list[str] = []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        marker = line.strip()
        if not marker.startswith("```"):
            lines.append(line)
        elif fence_language is None:
            fence_language, lines = marker[3:], []
        else:
            if fence_language == language:
                blocks.append(textwrap.dedent("\n".join(lines)) + "\n")
            fence_language = None
    return [
        block.replace("model_hosting_container_standards", "lora_lab")
        for block in blocks
    ]


def python_block(index: int) -> str:
    return guide_blocks("python")[index]


class Backend:
    """Stands in for the guide's ``my_backend``: records what it is asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    async def load_adapter(self, *args: Any) -> None:
        self.calls.append(("load", args))

    async def unload_adapter(self, *args: Any) -> None:
        self.calls.append(("unload", args))


class InferenceEngine:
    """Stands in for ``my_inference_engine``; fails for adapters named 'broken'."""

    def __init__(self) -> None:
        self.loaded: dict[str, str] = {}

    async def register_adapter(
        self, adapter_id: str, source: str, preload: bool
    ) -> SimpleNamespace:
        if adapter_id == "broken":
            return SimpleNamespace(success=False, error="no tensors")
        self.loaded[adapter_id] = source
        return SimpleNamespace(success=True, error=None)

    async def unregister_adapter(self, adapter_id: str) -> SimpleNamespace:
        return SimpleNamespace(success=self.loaded.pop(adapter_id, None) is not None)


def run(code: str, shape: dict[str, str] | None = None) -> dict[str, Any]:
    """Execute a guide example with the stand-ins it needs in scope."""
    namespace: dict[str, Any] = {
        "my_backend": Backend(),
        "my_inference_engine": InferenceEngine(),
        "is_valid_s3_path": lambda path: re.fullmatch(r"s3://[a-z0-9.-]+/.+", path),
        "os": os,
        "datetime": datetime,
        "HTTPException": HTTPException,
        "Request": Request,
        "Response": Response,
        "SimpleNamespace": SimpleNamespace,
        "SHAPE": shape,
    }
    # The guide's shorter fragments assume the imports of its full examples.
    exec("from lora_lab.sagemaker import *", namespace)
    code = code.replace("response_shape={...}", "response_shape=None")
    exec(compile(code.replace("{...}", "SHAPE"), "<guide>", "exec"), namespace)
    return namespace


def client() -> TestClient:
    return TestClient(bootstrap(FastAPI()))


async def injected_body(body: dict[str, Any], headers: dict[str, str]) -> Any:
    """Run the registered inject transform on a request, as a route would."""
    (registration,) = list(handler_registry)
    assert registration.transform is not None
    raw = json.dumps(body).encode()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/invocations",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        },
        receive,
    )
    transformed = await registration.transform.transform_request(request)
    return await transformed.request.json()


def test_quick_start() -> None:
    namespace = run(python_block(0))

    response = TestClient(namespace["app"]).post(
        "/adapters", json={"name": "support", "src": "s3://bucket/support"}
    )

    assert (response.status_code, response.text) == (200, "Adapter support registered")
    assert namespace["my_backend"].calls == [
        ("load", ("support", "s3://bucket/support"))
    ]


def test_factory_with_the_handler_type() -> None:
    run(python_block(1), {"adapter_id": "body.name"})

    response = client().post("/adapters", json={"name": "a", "src": "/a"})

    assert (response.status_code, response.text) == (200, "Adapter a registered")


def test_convenience_imports() -> None:
    namespace = run(python_block(2))

    assert callable(namespace["inject_adapter_id"])


def test_register_and_unregister_convenience_functions() -> None:
    run(python_block(3))
    run(python_block(4))
    http = client()

    assert http.post("/adapters", json={"name": "a", "src": "/a"}).status_code == 200
    assert http.delete("/adapters/a").text == "Adapter a unregistered"


@pytest.mark.parametrize("index", [5, 11])
def test_inject_replace_and_append_examples(index: int) -> None:
    namespace = run(python_block(index))
    replace, append = (
        namespace["inject_adapter_replace"],
        namespace["inject_adapter_append"],
    )

    app = FastAPI()
    app.post("/replace")(replace)
    app.post("/append")(append)
    http = TestClient(app)

    assert http.post("/replace", json={}, headers={HEADER: "a"}).status_code == 200
    assert (
        http.post("/append", json={"model": "m"}, headers={HEADER: "a"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ('inject_adapter_id("model")', "support"),
        ('inject_adapter_id("model", append=True, separator=":")', "base:support"),
        ('inject_adapter_id("model", append=True, separator="-")', "base-support"),
        ('inject_adapter_id("model", append=True, separator="")', "basesupport"),
    ],
)
@pytest.mark.anyio
async def test_injection_modes(decorator: str, expected: str) -> None:
    modes = re.findall(r"^@(inject_adapter_id\(.*?\))", python_block(6), re.M)
    assert decorator in modes
    namespace = run("from lora_lab.sagemaker import inject_adapter_id")

    @eval(decorator, namespace)  # type: ignore[misc]
    async def handler(raw_request: Request) -> None: ...

    body = await injected_body({"model": "base"}, {HEADER: "support"})
    assert body == {"model": expected}


def test_register_handler_receives_what_the_guide_says() -> None:
    namespace = run(python_block(7))
    engine = namespace["my_inference_engine"]
    sagemaker_request = guide_blocks("json")[0]
    body = json.loads(sagemaker_request[sagemaker_request.index("{") :])
    received: list[SimpleNamespace] = []
    register_adapter = engine.register_adapter

    async def spy(adapter_id: str, source: str, preload: bool) -> SimpleNamespace:
        received.append(
            SimpleNamespace(
                adapter_id=adapter_id, adapter_source=source, preload=preload
            )
        )
        return await register_adapter(adapter_id, source, preload)

    engine.register_adapter = spy
    response = client().post("/adapters", json=body)

    assert (response.status_code, response.text) == (
        200,
        f"Adapter {body['name']} registered",
    )
    promised = SimpleNamespace()
    exec(python_block(8), {"data": promised})
    assert received == [promised]


def test_register_example_error_paths() -> None:
    run(python_block(7))
    http = client()

    failed = http.post("/adapters", json={"name": "broken", "src": "s3://b/x"})
    # The guide's handler wraps its own HTTPException in 'except Exception',
    # so a bad source comes back as the 500 the example writes, which
    # SageMaker's error mapping turns into 424 (the engine failed).
    bad_source = http.post("/adapters", json={"name": "a", "src": "ftp://x"})

    assert failed.status_code == 424
    assert failed.json() == {
        "detail": "The engine failed while handling the adapter broken",
        "errors": [
            {
                "field": "adapter",
                "location": "engine",
                "message": "Failed to load adapter: no tensors",
            }
        ],
    }
    assert bad_source.status_code == 424
    assert "Adapter source must be S3 path or local file path" in bad_source.text


def test_unregister_example_and_what_its_handler_receives() -> None:
    namespace = run(python_block(9))
    namespace["my_inference_engine"].loaded["customer-support-adapter"] = "/a"
    registration = handler_registry.get("unregister_adapter")
    assert registration is not None and registration.transform is not None
    path_params: list[dict[str, str]] = []

    async def spy(data: SimpleNamespace, raw_request: Request) -> Any:
        path_params.append(dict(raw_request.path_params))
        return await registration.handler(data, raw_request)

    handler_registry.register(
        registration._replace(handler=spy, endpoint=registration.transform.bind(spy))
    )
    http = client()
    ok = http.delete("/adapters/customer-support-adapter")
    missing = http.delete("/adapters/customer-support-adapter")

    assert (ok.status_code, ok.text) == (
        200,
        "Adapter customer-support-adapter unregistered",
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "The adapter customer-support-adapter was not found"
    )
    assert missing.json()["errors"][0]["message"] == (
        "Adapter customer-support-adapter not found"
    )
    promised = SimpleNamespace()
    exec(python_block(10), {"raw_request": promised})
    assert path_params[0] == promised.path_params


@pytest.mark.anyio
async def test_inject_transforms_the_guides_request_as_shown() -> None:
    run(python_block(11))
    (sagemaker_request,) = [b for b in guide_blocks("") if "POST /invocations" in b]
    headers = dict(re.findall(r"^\s+([\w-]+): (.+)$", sagemaker_request, re.M))
    body = json.loads(sagemaker_request[sagemaker_request.index("{") :])
    handler_registry.remove("inject_adapter_id")
    run(python_block(11).split("# Append mode example")[0])

    transformed = await injected_body(body, headers)

    assert transformed == json.loads(guide_blocks("json")[1])


def test_quoted_header_expression_from_troubleshooting() -> None:
    expression = eval(python_block(12))

    shape = compile_shape({"adapter": expression})

    assert shape.evaluate(
        {"headers": HeaderMap({"x-amzn-sagemaker-adapter-identifier": "a1"})}
    ) == {"adapter": "a1"}


def test_source_validation_example() -> None:
    run(python_block(13), {"adapter_source": "body.src"})
    http = client()

    good = http.post(
        "/adapters", json={"name": "a", "src": "s3://bucket/a.safetensors"}
    )
    bad_s3 = http.post("/adapters", json={"name": "a", "src": "s3://Bad Bucket"})
    missing = http.post("/adapters", json={"name": "a", "src": "/no/such/adapter"})
    other = http.post("/adapters", json={"name": "a", "src": "ftp://x"})

    assert (good.status_code, good.text) == (200, "Adapter a registered")
    assert (bad_s3.status_code, bad_s3.json()) == (
        400,
        {"detail": "Invalid S3 path format"},
    )
    assert (missing.status_code, missing.json()) == (
        400,
        {"detail": "Adapter file not found"},
    )
    assert other.json() == {"detail": "Adapter source must be S3 or local path"}


def test_debugging_example(capsys: pytest.CaptureFixture[str]) -> None:
    run(python_block(14), {"model": "body.name", "source": "body.src"})

    response = client().post("/adapters", json={"name": "a", "src": "/a"})

    assert response.status_code == 200
    assert "Transformed data: {'model': 'a', 'source': '/a'}" in capsys.readouterr().out


def test_bootstrap_example() -> None:
    namespace = run(python_block(15))
    http = TestClient(namespace["app"])

    loaded = http.post("/adapters", json={"name": "a", "src": "/a"})
    unloaded = http.delete("/adapters/a")

    assert (loaded.text, unloaded.text) == (
        "Adapter a registered",
        "Adapter a unregistered",
    )
    assert namespace["my_backend"].calls == [("load", ("a", "/a")), ("unload", ("a",))]


def test_tracking_loaded_adapters_example() -> None:
    namespace = run(python_block(16), {"model": "body.name", "source": "body.src"})

    response = client().post("/adapters", json={"name": "a", "src": "/a"})

    assert response.status_code == 200
    assert namespace["loaded_adapters"]["a"]["source"] == "/a"
    assert isinstance(namespace["loaded_adapters"]["a"]["loaded_at"], datetime)


def test_logging_example(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    run(python_block(17), {"model": "body.name", "source": "body.src"})

    response = client().post("/adapters", json={"name": "a", "src": "/a"})

    assert response.status_code == 200
    assert "Successfully loaded adapter a" in caplog.text

"""The fixtures installing lora_lab gives pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute

from lora_lab import (
    HandlerRegistry,
    handler_registry,
    register_describe_adapter_handler,
    register_load_adapter_handler,
)
from lora_lab.engine import LoRAEngine, read_adapter
from lora_lab.pytest_plugin import (
    AppFactory,
    ClientFactory,
    SampleAdapterFactory,
    _require,
)
from lora_lab.testing import SageMakerCallError, SageMakerClient


def routes(app: FastAPI) -> list[str]:
    return [
        f"{sorted(route.methods)[0]} {route.path}"
        for route in app.router.routes
        if isinstance(route, APIRoute)
    ]


def test_lora_registry_is_the_tests_own(
    lora_registry: HandlerRegistry, registry: HandlerRegistry
) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=lora_registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    assert isinstance(lora_registry, HandlerRegistry)
    assert lora_registry is not handler_registry
    assert lora_registry is not registry
    assert len(lora_registry) == 1
    assert len(handler_registry) == 0


def test_lora_app_mounts_what_is_registered_at_each_call(
    lora_registry: HandlerRegistry, lora_app: AppFactory
) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=lora_registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    first = lora_app()
    mounted_first = routes(first)

    @register_describe_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=lora_registry
    )
    async def describe(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    second = lora_app()

    assert second is first
    assert mounted_first == ["POST /adapters"]
    assert routes(second) == ["POST /adapters", "GET /adapters/{adapter_name:path}"]


def test_lora_app_bootstraps_an_app_of_your_own(
    lora_registry: HandlerRegistry, lora_app: AppFactory
) -> None:
    own = FastAPI()

    @own.get("/ping")
    async def ping() -> Response:
        return Response(status_code=200)

    @register_load_adapter_handler({"name": "body.name"}, registry=lora_registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    assert lora_app(own) is own
    assert routes(own) == ["GET /ping", "POST /adapters"]


def test_lora_client_calls_the_tests_app(
    lora_registry: HandlerRegistry, lora_client: ClientFactory
) -> None:
    @register_load_adapter_handler(
        {"name": "body.name", "src": "body.src"}, registry=lora_registry
    )
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    client = lora_client()

    assert isinstance(client, SageMakerClient)
    assert client.register("org/tuned", "s3://b/t").text == (
        "Adapter org/tuned registered"
    )
    with pytest.raises(SageMakerCallError):
        client.describe("org/tuned")
    assert lora_client(check=False).describe("org/tuned").status_code == 404


USER_TESTS = """
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from lora_lab import handler_registry, register_load_adapter_handler

EVENTS = []


@asynccontextmanager
async def lifespan(app):
    EVENTS.append("startup")
    yield
    EVENTS.append("shutdown")


def test_one(lora_registry, lora_client):
    @register_load_adapter_handler({"name": "body.name"}, registry=lora_registry)
    async def load(data, raw_request):
        return Response(status_code=200)

    lora_client(FastAPI(lifespan=lifespan))
    assert EVENTS == ["startup"]
    assert len(lora_registry) == 1


def test_two(lora_registry):
    assert EVENTS == ["startup", "shutdown"]
    assert len(lora_registry) == 0
    assert len(handler_registry) == 0
"""


def test_each_test_gets_fresh_fixtures_and_clients_are_closed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


def test_the_plugin_is_loaded_by_installing_lora_lab(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user="def test_it(lora_client): pass")

    with_plugin = pytester.runpytest("-p", "no:cacheprovider")
    without = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:lora_lab")

    with_plugin.assert_outcomes(passed=1)
    without.assert_outcomes(errors=1)
    without.stdout.fnmatch_lines(["*fixture 'lora_client' not found*"])


def test_lora_engine_is_a_fresh_reference_engine(lora_engine: LoRAEngine) -> None:
    assert isinstance(lora_engine, LoRAEngine)
    assert dict(lora_engine.adapters) == {}
    assert (lora_engine.max_loras, lora_engine.max_lora_rank) == (4, 16)


def test_lora_sample_adapter_writes_folders_in_tmp_path(
    lora_sample_adapter: SampleAdapterFactory, tmp_path: Path
) -> None:
    default = lora_sample_adapter()
    wide = lora_sample_adapter("org/wide", rank=32, target_modules=["q_proj"])

    assert default == tmp_path / "adapters" / "adapter"
    assert wide == tmp_path / "adapters" / "org" / "wide"
    assert read_adapter("default", str(default)).rank == 8
    assert read_adapter("wide", str(wide)).target_modules == ("q_proj",)


def test_the_engine_fixtures_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [name for name in sys.modules if name.startswith("lora_lab.engine")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "numpy", None)  # type: ignore[arg-type]

    with pytest.raises(pytest.fail.Exception) as failed:
        _require("lora_lab.engine", "engine")

    assert "pip install 'lora_lab[engine]'" in str(failed.value)
    assert "numpy" in str(failed.value)


def test_the_plugin_loads_without_the_testing_and_engine_extras() -> None:
    # pytest loads the plugin in every project where lora_lab is installed,
    # so importing it must not need what only some fixtures use.
    code = (
        "import sys, lora_lab.pytest_plugin\n"
        "loaded = {'httpx2', 'h11', 'numpy', 'safetensors'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr

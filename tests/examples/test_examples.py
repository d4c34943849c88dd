"""Every script in examples/ runs and shows what its docstring promises."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine, create_vllm_container
from tests.conftest import SampleAdapters
from tests.live_server import LiveServer, free_port

EXAMPLES = Path(__file__).parents[2] / "examples"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", EXAMPLES / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run_main(name: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    status = load_example(name).main()
    assert status == 0
    return capsys.readouterr().out.splitlines()


def test_vllm_style(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_main("vllm_style", capsys)

    assert lines[0] == "POST /adapters -> 200 Adapter support registered"
    assert lines[1] == "GET /v1/models -> ['toy-base', 'support']"
    assert lines[2].startswith("POST /invocations -> support [toy-base+support r=8]")
    assert lines[3] == "POST /adapters (load_inplace) -> 200 Adapter support registered"
    assert lines[4].startswith("POST /invocations -> support [toy-base+support r=4]")
    assert lines[5] == "DELETE /adapters/support -> 200 Adapter support unregistered"
    assert lines[6].startswith("POST /invocations -> 404 The model 'support' does not")


def test_sglang_style(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_main("sglang_style", capsys)

    assert lines[0] == "POST /adapters -> 200 Adapter support registered"
    assert lines[1].startswith("header + model 'toy-base' -> model 'toy-base:support'")
    assert lines[2].startswith("no header -> model 'toy-base': [toy-base] re:")
    assert lines[3].startswith("header, no model -> model 'support'")
    assert lines[4].startswith("native /v1/completions -> model 'toy-base:support'")
    assert lines[5].startswith("header 'billing' -> 404: The model 'toy-base:billing'")


def test_custom_handler_type_prints_its_walk(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run_main("custom_handler_type", capsys)

    assert lines[1] == "GET /adapters/support -> 200 rank 8, 8 tensors"
    assert lines[2] == (
        "GET /adapters/support?fields=rank,target_modules -> 200 "
        '{"rank":8,"target_modules":["q_proj","v_proj"]}'
    )
    assert lines[3].startswith("GET /adapters/support?fields=colour -> 400 ")
    assert lines[4].startswith("GET /adapters/billing -> 404 ")


def test_custom_handler_type_is_mounted_by_bootstrap(samples: SampleAdapters) -> None:
    example = load_example("custom_handler_type")

    with TestClient(example.app) as client:
        client.post("/adapters", json={"name": "support", "src": str(samples.support)})
        described = client.get("/adapters/support", params={"fields": "name,rank"})
        empty = client.get("/adapters/support", params={"fields": ""})
        unknown = client.get("/adapters/support", params={"fields": "rank,colour"})

    assert described.json() == {"name": "support", "rank": 8}
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["message"].endswith("it is empty")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0] == {
        "field": "fields",
        "location": "query",
        "message": "fields takes a comma-separated list of name, path, rank, "
        "target_modules, tensors; unknown: colour",
    }
    assert example.registry.has_handler("describe_adapter")


def test_client_walkthrough_in_process(tmp_path: Path) -> None:
    walkthrough = load_example("client_walkthrough")
    app = create_vllm_container(LoRAEngine(max_lora_rank=16))

    with TestClient(app) as client:
        steps = walkthrough.walkthrough(client, tmp_path)

    assert [step.title for step in steps if not step.ok] == []
    assert len(steps) == 13


def test_client_walkthrough_against_a_served_container(served: LiveServer) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "client_walkthrough.py"), "--url", served.url],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "13 of 13 steps as expected."


def test_client_walkthrough_without_a_server_says_how_to_start_one() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    walkthrough = load_example("client_walkthrough")
    status = walkthrough.main(["--url", url])

    assert status == 2

"""``lora-lab serve``: the banner, the arguments, and a real server process."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from lora_lab.cli import main
from lora_lab.cli.serve import base_url, render_banner
from tests.conftest import SampleAdapters
from tests.live_server import LiveServer, live_server

HEADER = "X-Amzn-SageMaker-Adapter-Identifier"


def banner(example: str = "vllm") -> str:
    return render_banner(
        example=example,
        url="http://127.0.0.1:8080",
        routes=[("POST", "/adapters"), ("DELETE", "/adapters/{adapter_name}")],
        sample=Path("/tmp/demo/sample"),
        broken=Path("/tmp/demo/broken"),
    )


def test_banner_lists_routes_and_curl_commands() -> None:
    text = banner()

    assert "the vllm example container on http://127.0.0.1:8080" in text
    assert "  POST    /adapters" in text
    assert "  DELETE  /adapters/{adapter_name}" in text
    assert (
        "  curl -i -X POST http://127.0.0.1:8080/adapters -H 'Content-Type: "
        'application/json\' -d \'{"name": "sample", "src": "/tmp/demo/sample"}\''
    ) in text
    assert f"-H '{HEADER}: sample'" in text
    assert "curl -i -X DELETE http://127.0.0.1:8080/adapters/sample" in text


def test_banner_says_what_model_the_header_makes() -> None:
    assert "turns 'model' into 'sample'" in banner("vllm")
    assert "turns 'model' into 'toy-base:sample'" in banner("sglang")


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:8080"),
        ("::", "http://[::1]:8080"),
        ("localhost", "http://localhost:8080"),
    ],
)
def test_base_url_is_one_a_local_client_can_reach(host: str, url: str) -> None:
    assert base_url(host, 8080) == url


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--example", "tgi"], "invalid choice: 'tgi'"),
        (["--port", "0"], "port must be 1 to 65535, got 0"),
        (["--port", "http"], "not a port number: 'http'"),
    ],
)
def test_bad_arguments_are_refused(
    arguments: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", *arguments])

    assert caught.value.code == 2
    assert expected in capsys.readouterr().err


def test_without_the_engine_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)

    status = main(["serve"])

    assert status == 1
    assert "pip install 'lora_lab[engine]'" in capsys.readouterr().err


def test_a_served_container_runs_the_adapter_lifecycle_and_stops_cleanly(
    tmp_path: Path, samples: SampleAdapters
) -> None:
    question = {"model": "toy-base", "prompt": "Where is my order?", "max_tokens": 4}

    with live_server(tmp_path / "logs") as server:
        assert (server.sample_folder / "sample" / "adapter_config.json").is_file()
        with httpx2.Client(base_url=server.url, timeout=10) as client:
            registered = client.post(
                "/adapters", json={"name": "support", "src": str(samples.support)}
            )
            invoked = client.post(
                "/invocations", json=question, headers={HEADER: "support"}
            )
            models = client.get("/v1/models").json()["data"]
            again = client.post(
                "/adapters", json={"name": "support", "src": str(samples.support)}
            )
            broken = client.post(
                "/adapters", json={"name": "empty", "src": str(samples.empty)}
            )
            wide = client.post(
                "/adapters", json={"name": "wide", "src": str(samples.wide)}
            )
            unregistered = client.delete("/adapters/support")
            unknown = client.post(
                "/invocations", json=question, headers={HEADER: "support"}
            )
            gone = client.delete("/adapters/support")
        status = server.stop()

    assert (registered.status_code, registered.text) == (
        200,
        "Adapter support registered",
    )
    assert invoked.json()["model"] == "support"
    assert invoked.json()["choices"][0]["text"].startswith("[toy-base+support r=8]")
    assert [card["id"] for card in models] == ["toy-base", "support"]
    assert (again.status_code, again.json()["errors"][0]["location"]) == (
        409,
        "engine",
    )
    assert broken.status_code == 400
    assert "doesn't contain tensors" in broken.json()["errors"][0]["message"]
    assert wide.status_code == 400
    assert "greater than max_lora_rank 16" in wide.json()["errors"][0]["message"]
    assert (unregistered.status_code, unregistered.text) == (
        200,
        "Adapter support unregistered",
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["param"] == "model"
    assert gone.status_code == 404
    assert status == 0
    assert not server.sample_folder.exists()
    assert "Loaded adapter support (rank 8)" in server.stderr.read_text()


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl command")
def test_the_printed_curl_commands_work_as_pasted(served: LiveServer) -> None:
    commands = [
        line.strip() for line in served.banner.splitlines() if line.startswith("  curl")
    ]
    outputs = [
        subprocess.run(
            command, shell=True, capture_output=True, text=True, check=True
        ).stdout
        for command in commands
    ]

    statuses = [
        output.split(" ", 2)[1] if "-i" in command else "-"
        for command, output in zip(commands, outputs, strict=True)
    ]
    assert statuses == ["200", "200", "-", "400", "404", "200"]
    invocation = json.loads(outputs[1].split("\n\n", 1)[1])
    assert invocation["model"] == "toy-base:sample"
    assert [card["id"] for card in json.loads(outputs[2])["data"]] == [
        "toy-base",
        "sample",
    ]


def test_every_example_container_can_be_chosen() -> None:
    from lora_lab.cli.serve import EXAMPLES
    from lora_lab.engine import EXAMPLE_CONTAINERS

    assert sorted(EXAMPLES) == sorted(EXAMPLE_CONTAINERS)


def test_access_log_lines_leave_the_query_string_out() -> None:
    from lora_lab.cli.serve import HideQueryStrings

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/adapters?name=secret&src=/s", "1.1", 200),
        None,
    )

    assert HideQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "POST /adapters?... HTTP/1.1" 200'

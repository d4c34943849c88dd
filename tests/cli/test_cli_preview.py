"""``lora-lab preview``: reports, JSON, exit statuses, and no tracebacks."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from lora_lab.cli import main

REGISTER_CURL = """curl -X POST http://localhost:8080/adapters \\
  -H 'Content-Type: application/json' \\
  -d '{"name": "support", "src": "s3://b/support"}'
"""
SHAPE = '{"adapter_id": "body.name"}'


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "request.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_accepted_request_prints_the_report_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "preview",
            "--handler",
            "register",
            "--shape",
            SHAPE,
            write(tmp_path, REGISTER_CURL),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("Preview: accepted, 200")
    assert 'adapter_id = body.name  -> "support"' in out
    assert "Adapter support registered" in out


def test_rejected_request_exits_1_and_json_has_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'POST /adapters HTTP/1.1\n\n{"name": "a"}')
    status = main(
        ["preview", "--handler", "register", "--shape", SHAPE, "--json", path]
    )
    data = json.loads(capsys.readouterr().out)
    assert status == 1
    assert data["outcome"] == "rejected"
    assert data["rejection"]["errors"][0]["field"] == "src"


def test_stdin_unregister(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(
        io.BytesIO(b"curl -X DELETE localhost:8080/adapters/a%20b")
    )
    monkeypatch.setattr(sys, "stdin", stdin)
    status = main(
        [
            "preview",
            "--handler",
            "unregister",
            "--shape",
            '{"id": "path_params.adapter_name"}',
            "-",
        ]
    )
    assert status == 0
    assert "Adapter a b unregistered" in capsys.readouterr().out


def test_inject_append(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "curl localhost/v1/completions -H 'X-Amzn-SageMaker-Adapter-Identifier: fr' "
        '--json \'{"model": "base"}\'',
    )
    status = main(
        ["preview", "--inject", "model", "--append", "--separator", ":", "--json", path]
    )
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["injection"]["body_after"] == {"model": "base:fr"}
    assert data["injection"]["patch"] == [
        {"op": "replace", "path": "/model", "value": "base:fr"}
    ]


def test_inject_prepend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "curl localhost/v1/completions -H 'X-Amzn-SageMaker-Adapter-Identifier: fr' "
        '--json \'{"model": "base"}\'',
    )
    status = main(
        ["preview", "--inject", "model", "--prepend", "--separator", ":", path]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "inject_adapter_id('model', prepend=True, separator=':')" in out
    assert '"model": "fr:base"' in out


def test_append_and_prepend_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, REGISTER_CURL)
    with pytest.raises(SystemExit) as exit_info:
        main(["preview", "--inject", "m", "--append", "--prepend", path])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("handler", "request_text", "shape", "status", "shown"),
    [
        (
            "list",
            "curl 'localhost:8080/adapters?limit=5&next_page_token=10'",
            '{"limit": "query_params.limit", "start": "query_params.next_page_token"}',
            0,
            "limit = query_params.limit  -> 5",
        ),
        (
            "describe",
            "curl localhost:8080/adapters/team/fr",
            '{"name": "path_params.adapter_name"}',
            0,
            'name = path_params.adapter_name  -> "team/fr"',
        ),
        (
            "update",
            'curl localhost:8080/adapters/fr/update --json \'{"src": "s3://x"}\'',
            '{"pin": "body.pin"}',
            1,
            "src cannot be changed by an update",
        ),
    ],
)
def test_list_describe_and_update(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    handler: str,
    request_text: str,
    shape: str,
    status: int,
    shown: str,
) -> None:
    path = write(tmp_path, request_text)
    assert main(["preview", "--handler", handler, "--shape", shape, path]) == status
    assert shown in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--handler", "register", "--shape", "{adapter_id: 1}"],
            "--shape is not valid JSON",
        ),
        (["--handler", "register", "--shape", "[1]"], "--shape must be a JSON object"),
        (
            ["--handler", "register", "--append"],
            "--append, --prepend and --separator go with --inject",
        ),
        (
            ["--handler", "list", "--prepend"],
            "--append, --prepend and --separator go with --inject",
        ),
        (
            ["--inject", "model", "--shape", SHAPE],
            "--shape and --response-shape go with",
        ),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    status = main(["preview", *arguments, write(tmp_path, REGISTER_CURL)])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_unparseable_input_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "--handler", "register", str(tmp_path / "nope")]) == 2
    assert "cannot read" in capsys.readouterr().err

    path = write(tmp_path, "POST /adapters HTTP/1.1\nHost: h\nnot a header\n\n")
    assert main(["preview", "--handler", "register", path]) == 2
    out = capsys.readouterr().out
    assert "line 3: illegal header line: expected a header line" in out


def test_a_shape_that_does_not_compile_exits_2_with_the_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shape = '{"trace": "headers.X-Trace"}'
    assert (
        main(
            [
                "preview",
                "--handler",
                "register",
                "--shape",
                shape,
                write(tmp_path, REGISTER_CURL),
            ]
        )
        == 2
    )
    out = capsys.readouterr().out
    assert 'fix: write headers."X-Trace"' in out
    assert "^" in out


def test_argparse_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["preview", "request.txt"])
    assert caught.value.code == 2


def test_escape_sequences_in_the_request_are_printed_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "POST /adapters HTTP/1.1\nX-Amzn-SageMaker-Adapter-Alias: \x1b]0;owned\x07\n\n"
        '{"name": "a", "src": "s3://b/a"}',
    )
    assert main(["preview", "--handler", "register", "--shape", SHAPE, path]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Adapter \\x1b]0;owned\\x07 registered" in out

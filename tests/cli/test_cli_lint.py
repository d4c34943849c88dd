"""``lora-lab lint``: import a handlers module and report its shapes' findings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lora_lab import handler_registry
from lora_lab.cli import main

WITH_FINDINGS = """
from lora_lab import HandlerRegistry, inject_adapter_id
from lora_lab import register_load_adapter_handler, register_unload_adapter_handler

own = HandlerRegistry()


@register_load_adapter_handler(request_shape={"adapter_id": "body.nmae"})
async def load(data, raw_request): ...


@register_unload_adapter_handler(request_shape={"adapter_id": "body.name"})
async def unload(data, raw_request): ...


@inject_adapter_id("body.model", registry=own)
async def completions(raw_request): ...
"""
CLEAN = """
from lora_lab import register_load_adapter_handler


@register_load_adapter_handler(request_shape={"adapter_id": "body.name"})
async def load(data, raw_request): ...
"""
BROKEN_SHAPE = """
from lora_lab import register_load_adapter_handler


@register_load_adapter_handler(request_shape={"trace": "headers.X-Trace"})
async def load(data, raw_request): ...
"""


def module(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_findings_are_reported_with_file_and_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = list(handler_registry)
    path = module(tmp_path, "handlers_with_findings", WITH_FINDINGS)

    status = main(["lint", str(path)])

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert status == 1
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}:8: warning unknown-field: load")
    assert "Fix: write body.name" in lines[0]
    assert lines[1].startswith(f"{path}:12: warning no-body: unload")
    assert lines[2].startswith(f"{path}:16: warning body-prefix: completions")
    assert "3 handler(s) checked, 3 finding(s)" in err
    assert list(handler_registry) == before


def test_a_clean_module_by_dotted_name_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module(tmp_path, "clean_handlers_for_lint", CLEAN)
    monkeypatch.chdir(tmp_path)
    status = main(["lint", "clean_handlers_for_lint"])
    out, err = capsys.readouterr()
    assert status == 0
    assert out == ""
    assert "1 handler(s) checked, no findings" in err
    assert str(tmp_path) not in sys.path


def test_a_shape_that_does_not_compile_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(tmp_path, "handlers_broken_shape", BROKEN_SHAPE)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:5: error: request_shape['trace']")
    assert 'quote the name: headers."X-Trace"' in out


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_module_for_lint", "no module named 'no_such_module_for_lint'"),
        ("missing_file.py", "missing_file.py is not a file"),
    ],
)
def test_modules_that_cannot_be_imported_exit_2(
    target: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["lint", target]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_import_that_fails_names_the_error_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(
        tmp_path, "handlers_that_raise", "x = 1\nraise RuntimeError('boom')\n"
    )
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"RuntimeError: boom ({path}:2)" in err

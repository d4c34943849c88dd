"""``lora-lab explore``: the Voila command it runs, and its usage errors.

The page itself is served and used in a browser in
``tests/explorer/test_explorer_page.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from lora_lab.cli import explore, main


def test_voila_serves_the_shipped_notebook_on_loopback_only() -> None:
    notebook = Path(explore.__file__).parents[1] / "explorer" / explore.NOTEBOOK
    command = explore.voila_command(notebook, 9999, open_browser=False)

    assert command[:4] == [sys.executable, "-m", "voila", str(notebook)]
    assert "--port=9999" in command
    assert "--Voila.ip=127.0.0.1" in command
    assert "--Voila.port_retries=0" in command
    assert "--show_tracebacks=False" in command
    assert "--no-browser" in command
    assert "--no-browser" not in explore.voila_command(notebook, 1, open_browser=True)


def test_the_shipped_notebook_has_no_outputs_and_shows_the_explorer() -> None:
    path = Path(explore.__file__).parents[1] / "explorer" / explore.NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.outputs for cell in code] == [[]]
    assert code[0].execution_count is None
    assert "ShapeExplorer()" in code[0].source


def test_the_kernel_is_this_python() -> None:
    with explore._this_python_as_kernel() as jupyter_path:
        folder = jupyter_path.split(os.pathsep)[0]
        spec = json.loads(Path(folder, "kernels", "python3", "kernel.json").read_text())
        assert spec["argv"][0] == sys.executable
    assert not Path(folder).exists()


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_out_of_range_is_refused(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", "--port", port, "--no-browser"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err


def test_without_the_ui_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = explore.importlib.util.find_spec

    def find_spec(name: str) -> object:
        return None if name == "voila" else real(name)

    monkeypatch.setattr(explore.importlib.util, "find_spec", find_spec)
    assert main(["explore", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "needs voila" in err
    assert "pip install 'lora_lab[ui]'" in err

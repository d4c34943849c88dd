"""Every notebook runs top to bottom, twice in one kernel, and is committed clean.

The notebooks are lessons: their cells assert what they teach, so running
them is a test of the lessons and of the library they describe. Running each
one twice in the same kernel checks what a notebook user does all day, which
is re-running cells.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL_NAME = "lora-lab-tests"

# A guard against a hanging cell, not a speed check: each notebook runs in
# well under ten seconds.
CELL_TIMEOUT = 60


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """Offer one kernel: IPython on this very interpreter, without colours.

    The kernel spec lives in a folder of its own, so a ``python3`` kernel
    installed elsewhere on the machine can never be picked instead.
    """
    folder = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(
        folder / KERNEL_NAME,
        overrides={"display_name": "lora_lab tests"},
        extra_arguments=["--InteractiveShell.colors=nocolor"],
        python_arguments=["-Xfrozen_modules=off"],
    )
    return KernelSpecManager(kernel_dirs=[str(folder)])


def test_there_are_numbered_notebooks() -> None:
    names = [path.name for path in NOTEBOOKS]
    assert names, "no notebooks found in notebooks/"
    numbers = [int(name.split("_", 1)[0]) for name in names]
    assert numbers == list(range(1, len(names) + 1)), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_twice_in_one_kernel(
    path: Path, kernel_specs: KernelSpecManager, tmp_path: Path
) -> None:
    notebook = nbformat.read(path, as_version=4)
    # IPC sockets in a temporary folder: no TCP port, nothing left behind.
    manager = KernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=kernel_specs,
        transport="ipc",
        ip=str(tmp_path / "kernel"),
    )
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # Warnings are errors in this process (pyproject.toml), and this module
    # makes no exception. nbclient leaves a kernel it was handed running,
    # with its client's zmq sockets open, which zmq reports as a
    # ResourceWarning when they are collected; cleanup_kc=True has it shut
    # the kernel down and close the sockets instead.
    with client.setup_kernel(cleanup_kc=True):
        failure = _run_cells_twice(client, notebook, path.name)
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def _run_cells_twice(
    client: NotebookClient, notebook: nbformat.NotebookNode, name: str
) -> str | None:
    """Run every cell twice over; return the first failure, with its cell."""
    for run in ("first run", "second run in the same kernel"):
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                # The error's text holds the cell's source and the traceback.
                return f"{name}, {run}, cell {index}: {error}"
            stderr = "".join(
                output.get("text", "")
                for output in cell.get("outputs", [])
                if output.get("name") == "stderr"
            )
            if stderr:
                # A lesson that prints warnings teaches the reader to ignore them.
                return f"{name}, {run}, cell {index} wrote to stderr:\n{stderr}"
    return None


def test_notebooks_are_committed_without_outputs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        "these notebooks carry outputs or execution counts; strip them with "
        f"`nbstripout notebooks/*.ipynb`:\n{result.stdout}{result.stderr}"
    )

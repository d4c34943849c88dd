"""The how-to page on testing handlers runs, as the reader is told to run it.

Its blocks up to "In a notebook" become a test module, the notebook block
becomes a notebook, and the CI block becomes the test that runs that
notebook; then pytest runs the lot in a project of its own, with lora_lab's
plugin loaded by its entry point as a user's pytest would load it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "how-to" / "testing-your-handlers.md"
NOTEBOOK_SECTION = "In a notebook"
CI_SECTION = "Run your notebooks in CI"
FENCE = re.compile(r"^```(?P<info>\S*)\s*$")
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)

# A guard against a hung run, not a speed check.
RUN_TIMEOUT = 300


@dataclass(frozen=True)
class Block:
    """A fenced code block: the page line its code starts on, and its section."""

    line: int
    language: str
    section: str
    source: str


def code_blocks(page: Path) -> list[Block]:
    """Return the page's fenced code blocks, in order."""
    blocks = []
    section = ""
    opened: tuple[int, str] | None = None
    lines: list[str] = []
    for number, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(text)
        if opened is None and text.startswith("## "):
            section = text[3:].strip()
        elif opened is None and fence:
            opened, lines = (number + 1, fence["info"]), []
        elif opened is not None and text == "```":
            blocks.append(Block(opened[0], opened[1], section, "\n".join(lines)))
            opened = None
        elif opened is not None:
            lines.append(text)
    assert opened is None, f"{page.name}: the block opened on line {opened[0]} ends"
    return blocks


def as_file(blocks: list[Block]) -> str:
    """Join ``blocks`` into one file whose line numbers are the page's."""
    text = ""
    for block in blocks:
        text += "\n" * (block.line - 1 - text.count("\n")) + block.source + "\n"
    return text


def as_notebook(block: Block) -> str:
    """Return a notebook whose one code cell is ``block``."""
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "try-the-client",
        "metadata": {},
        "outputs": [],
        "source": block.source,
    }
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return json.dumps(
        {
            "cells": [cell],
            "metadata": {"kernelspec": kernel},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_the_page_has_the_sections_the_test_splits_on() -> None:
    python = [block for block in code_blocks(PAGE) if block.language == "python"]
    sections = [block.section for block in python]

    assert sections.count(NOTEBOOK_SECTION) == 1
    assert sections.count(CI_SECTION) == 1
    assert sections.index(NOTEBOOK_SECTION) < sections.index(CI_SECTION)
    assert sections[-1] == CI_SECTION


def test_the_pages_tests_and_notebook_pass(tmp_path: Path) -> None:
    python = [block for block in code_blocks(PAGE) if block.language == "python"]
    module = [b for b in python if b.section not in (NOTEBOOK_SECTION, CI_SECTION)]
    (cell,) = [b for b in python if b.section == NOTEBOOK_SECTION]
    (runner,) = [b for b in python if b.section == CI_SECTION]
    (tmp_path / "tests").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "tests" / "test_my_container.py").write_text(as_file(module))
    (tmp_path / "tests" / "test_notebooks.py").write_text(as_file([runner]))
    (tmp_path / "notebooks" / "01_try_the_client.ipynb").write_text(as_notebook(cell))
    tests = len(TEST_FUNCTION.findall(as_file(module)))

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    report = f"(line numbers are the page's)\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, report
    assert tests >= 8
    summary = result.stdout.strip().splitlines()[-1]
    passed = re.fullmatch(r"(\d+) passed in .*", summary)
    assert passed is not None, report  # nothing skipped, nothing deselected
    assert int(passed[1]) >= tests + 1, report

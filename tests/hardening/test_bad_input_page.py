"""docs/concepts/bad-input.md: its examples are true, its table is the catalogue's."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from tests.hardening.catalogue import load_catalogue

PAGE = Path(__file__).resolve().parents[2] / "docs" / "concepts" / "bad-input.md"
FENCE = re.compile(r"^```(\S*)\s*$")
STATUS = re.compile(r"\b[1-5]\d\d\b")
# The page's columns, and the catalogue's routes each stands for.
COLUMNS = {
    "register": ("register",),
    "update": ("update",),
    "unregister, describe": ("unregister", "describe"),
    "list": ("list",),
    "inference (inject)": ("invocations",),
    "engine's routes": ("engine",),
}


def blocks(language: str) -> list[str]:
    """The page's fenced blocks in ``language``, in order."""
    found, lines, current = [], [], None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line)
        if current is None and fence:
            current, lines = fence[1], []
        elif current is not None and line == "```":
            if current == language:
                found.append("\n".join(lines))
            current = None
        elif current is not None:
            lines.append(line)
    return found


def table() -> dict[tuple[str, str], set[int]]:
    """Each (input, route) cell of the page's table: the statuses it names."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ")
    ]
    header, *body = rows
    assert header[1:] == list(COLUMNS)
    cells: dict[tuple[str, str], set[int]] = {}
    for input_, *texts in body:
        for column, text in zip(COLUMNS, texts, strict=True):
            for route in COLUMNS[column]:
                cells[input_, route] = {int(code) for code in STATUS.findall(text)}
    return cells


def test_the_python_examples_run() -> None:
    # The first asserts the error body a bad register request gets.
    sources = blocks("python")
    assert len(sources) == 2
    for source in sources:
        exec(compile(source, str(PAGE), "exec"), {"__name__": "bad_input_page"})


def test_the_table_says_what_the_catalogue_checks() -> None:
    checked: dict[tuple[str, str], set[int]] = defaultdict(set)
    for case in load_catalogue():
        checked[case.input, case.route].add(case.expect["status"])
    written = table()

    for cell, statuses in checked.items():
        assert cell in written, f"the page has no row or column for {cell}"
        assert statuses <= written[cell], f"{cell}: the page says {written[cell]}"
    for cell, statuses in written.items():
        assert statuses <= checked.get(cell, set()), f"{cell}: no case gets {statuses}"

"""The code in the documentation runs, and says so when it does not.

Each page's Python blocks run in order, in one namespace per page, the way
a reader would paste them into a fresh interpreter. A block that cannot run
here (a shell command, an import of the production package) starts with a
``# not run: <reason>`` line, which the reader sees too. Any other kind of
code block must carry that line as well.
"""

from __future__ import annotations

import doctest
import importlib
import linecache
import pkgutil
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from markdown_it import MarkdownIt

import lora_lab

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKIPPED_FOLDERS = {"_build", "notebooks"}  # built output; copies of notebooks/
PAGES = sorted(
    path
    for path in DOCS.rglob("*.md")
    if not SKIPPED_FOLDERS & set(path.relative_to(DOCS).parts)
)
NOT_RUN = re.compile(r"^#\s*not run:\s*(?P<reason>\S.*)$")
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "code-cell"}


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block of a page: its language, first line and text."""

    page: Path
    line: int
    language: str
    source: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def not_run_reason(self) -> str | None:
        first = self.source.lstrip("\n").split("\n", 1)[0]
        match = NOT_RUN.match(first.strip())
        return None if match is None else match["reason"]


def code_blocks(page: Path) -> list[CodeBlock]:
    """Return the page's code blocks; directives such as toctree are not code."""
    blocks = []
    for token in MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8")):
        if token.type != "fence" or token.map is None:
            continue
        info = token.info.strip()
        if info.startswith("{"):
            directive, _, argument = info[1:].partition("}")
            if directive not in CODE_DIRECTIVES:
                continue
            info = argument.strip()
        language = info.split()[0].lower() if info else ""
        # token.map[0] is the fence line, counted from 0; code starts below it.
        blocks.append(CodeBlock(page, token.map[0] + 2, language, token.content))
    return blocks


def page_id(page: Path) -> str:
    return str(page.relative_to(DOCS))


def test_there_are_pages_with_code() -> None:
    assert PAGES
    assert any(code_blocks(page) for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_code_block_runs_or_says_why_not(page: Path) -> None:
    unmarked = [
        block.where
        for block in code_blocks(page)
        if block.language not in ("python", "py") and block.not_run_reason is None
    ]
    assert not unmarked, (
        "these code blocks are not Python, so the tests cannot run them; start "
        "each with a '# not run: <reason>' line, or make it Python: "
        + ", ".join(unmarked)
    )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_python_blocks_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever a page writes to a temporary or relative path lands here.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    for block in code_blocks(page):
        if block.language not in ("python", "py") or block.not_run_reason:
            continue
        # Pad with blank lines so that a traceback names the page's own line,
        # and register the page with linecache so that it shows the source.
        filename = block.where.rsplit(":", 1)[0]
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        linecache.cache[filename] = (len(lines), None, lines, filename)
        source = "\n" * (block.line - 1) + block.source
        exec(compile(source, filename, "exec"), namespace)


def _package_modules() -> list[ModuleType]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(lora_lab.__path__, "lora_lab.")
        if not info.name.endswith("__main__")
    ]


@pytest.mark.parametrize("module", _package_modules(), ids=lambda m: m.__name__)
def test_docstring_examples_run(module: ModuleType) -> None:
    """The ``>>>`` examples the API reference shows give what they say."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring examples failed"

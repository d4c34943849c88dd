"""Rendering a preview: nothing a user sent can act on a terminal or a page."""

from __future__ import annotations

import re
import unicodedata

import pytest

from lora_lab.explorer import preview
from lora_lab.explorer.cases import Case, load_cases
from lora_lab.explorer.render import MAX_CHARS, shorten
from lora_lab.terminal import inert

CASES = load_cases()
ALLOWED_TAGS = {"div", "h4", "h5", "p", "code", "pre", "ul", "li", "table", "tr"} | {
    "th",
    "td",
    "em",
    "strong",
    "mark",
}


def unsafe_characters(text: str) -> list[str]:
    return [
        char
        for char in text
        if char != "\n" and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_text_report_has_no_control_characters(case: Case) -> None:
    text = str(case.preview())
    assert unsafe_characters(text) == []
    assert text.startswith("Preview: ")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_html_report_escapes_every_user_string(case: Case) -> None:
    page = case.preview()._repr_html_()
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", page))
    assert tags <= ALLOWED_TAGS
    assert "<script" not in page
    assert unsafe_characters(page) == []


def test_hostile_values_are_shown_escaped_not_dropped() -> None:
    result = preview(
        {
            "method": "POST",
            "path": "/adapters",
            "body": {"name": "<b>\u001b[31m\u202eevil", "src": "s3://b/a"},
        },
        {"handler": "register", "request_shape": {"id": "body.name"}},
    )
    text = str(result)
    assert "\\u001b[31m" in text  # JSON-escaped in values
    assert "Adapter <b>\\x1b[31m\\u202eevil registered" in text
    page = result._repr_html_()
    assert "&lt;b&gt;\\x1b[31m\\u202eevil registered" in page


def test_caret_points_at_the_error_position() -> None:
    result = preview(
        "POST /adapters\n\n{}",
        {"handler": "register", "request_shape": {"key": "body.x-y"}},
    )
    lines = str(result).splitlines()
    expression_line = next(line for line in lines if "key = body.x-y" in line)
    caret_line = lines[lines.index(expression_line) + 1]
    assert expression_line[caret_line.index("^")] == "-"
    assert "<mark>-</mark>" in result._repr_html_()


def test_inert_and_shorten() -> None:
    assert inert("plain text, ünïcödé 模型") == "plain text, ünïcödé 模型"
    assert (
        inert("a\x1b[2Jb\x07\x9b\u2028\u202e") == "a\\x1b[2Jb\\x07\\x9b\\u2028\\u202e"
    )
    assert inert("\ud800") == "\\ud800"
    assert shorten("x" * 10) == "x" * 10
    cut = shorten("x" * (MAX_CHARS + 5))
    assert cut.endswith("… (5 more characters)")

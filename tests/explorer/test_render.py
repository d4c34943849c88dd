"""Rendering a preview: nothing a user sent can act on a terminal or a page."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lora_lab.explorer import Preview, preview
from lora_lab.explorer.cases import Case, load_cases
from lora_lab.explorer.render import MAX_CHARS, shorten
from lora_lab.terminal import display_width, inert

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


def character_over_caret(key: str, expression: str) -> tuple[str, Preview]:
    """Preview a register shape; return the character its caret points at."""
    result = preview(
        "POST /adapters\n\n{}",
        {"handler": "register", "request_shape": {key: expression}},
    )
    lines = str(result).splitlines()
    shown = next(line for line in lines if f"{key} = {expression}" in line)
    column = lines[lines.index(shown) + 1].index("^")
    left = ""
    for char in shown:
        if display_width(left + char) > column:
            break
        left += char
    return shown[len(left)], result


def test_caret_points_at_the_error_position() -> None:
    character, result = character_over_caret("key", "body.x-y")
    assert character == "-"
    assert "<mark>-</mark>" in result._repr_html_()


def test_caret_stays_under_the_error_after_wide_characters() -> None:
    assert character_over_caret("名前", 'body."名前" +')[0] == "+"


def test_display_width_counts_wide_characters_twice_and_marks_not_at_all() -> None:
    assert display_width("body.x") == 6
    assert display_width("名前") == 4
    assert display_width("e\u0301") == 1


def test_inert_and_shorten() -> None:
    assert inert("plain text, ünïcödé 模型") == "plain text, ünïcödé 模型"
    assert (
        inert("a\x1b[2Jb\x07\x9b\u2028\u202e") == "a\\x1b[2Jb\\x07\\x9b\\u2028\\u202e"
    )
    assert inert("\ud800") == "\\ud800"
    assert shorten("x" * 10) == "x" * 10
    cut = shorten("x" * (MAX_CHARS + 5))
    assert cut.endswith("… (5 more characters)")


# Tags the HTML report writes itself, with their attributes; whatever a user
# sent must show as text between them, so once these are taken out no
# angle bracket may be left.
_OWN_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(ALLOWED_TAGS)) + r")(?: class=\"[a-z-]+\")?>"
)
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp;&lt;",
    "\x1b[2J\x1b]0;title\x07",
    "\u202eevil\u2066",
    "line\u2028break\r\nnext",
    "\x00\x08\x7f\x9b",
    "模型-🚀",
]
hostile_text = st.lists(
    st.sampled_from(HOSTILE) | st.text(max_size=8), min_size=1, max_size=4
).map("".join)
# h11 takes visible ASCII and tabs in a header value, markup included.
hostile_header = st.lists(
    st.sampled_from(["<script>", '"><b>', "&lt;", "'"])
    | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=8),
    min_size=1,
    max_size=4,
).map("".join)


def check_inert(result: Preview) -> None:
    """Assert that neither report lets anything a user sent act as markup or code."""
    page = result._repr_html_()
    rest = _OWN_TAG.sub("", page)
    assert "<" not in rest
    assert ">" not in rest
    assert unsafe_characters(page) == []
    text = str(result)
    assert unsafe_characters(text) == []
    # Every string is cut to MAX_CHARS, so a report stays a report.
    assert len(page) < 40 * MAX_CHARS
    assert len(text) < 40 * MAX_CHARS


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    value=hostile_text,
    key=hostile_text,
    header=hostile_header,
    inject=st.booleans(),
)
def test_hostile_strings_anywhere_render_inert(
    value: str, key: str, header: str, inject: bool
) -> None:
    body = {"name": value, "src": "s3://b", key: [value, {key: value}], "model": value}
    request = {
        "method": "POST",
        "path": "/adapters",
        "query": {key: value},
        "headers": {
            "X-Amzn-SageMaker-Adapter-Alias": header,
            "X-Amzn-SageMaker-Adapter-Identifier": header,
        },
        "body": json.dumps(body),
    }
    decorator: dict[str, Any] = (
        {"handler": "inject", "adapter_path": "model", "append": True, "separator": ":"}
        if inject
        else {
            "handler": "register",
            "request_shape": {"all": "body", "q": "query_params"},
        }
    )

    check_inert(preview(request, decorator))


@pytest.mark.parametrize("handler", ["register", "inject"])
def test_a_megabyte_request_renders_as_a_short_report(handler: str) -> None:
    line = "<script>alert(1)</script>\x1b[2J" * 40_000  # 1.2 MB, one line
    body = json.dumps({"name": "a", "src": "b", "model": "m", "prompt": line})
    decorator: dict[str, Any] = (
        {"handler": "inject", "adapter_path": "model"}
        if handler == "inject"
        else {"handler": "register", "request_shape": {"all": "body"}}
    )
    result = preview(
        {
            "method": "POST",
            "path": "/adapters",
            "headers": {"X-Amzn-SageMaker-Adapter-Identifier": "a"},
            "body": body,
        },
        decorator,
    )

    check_inert(result)
    assert "more characters)" in result._repr_html_()
    assert "more characters)" in str(result)


def test_the_query_string_shows_in_both_reports() -> None:
    result = preview(
        {
            "method": "POST",
            "path": "/adapters",
            "query": {"name": "<b>a</b>", "src": "s"},
        },
        {"handler": "register", "request_shape": {"id": "body.name"}},
    )

    assert "query name = &lt;b&gt;a&lt;/b&gt;" in result._repr_html_()
    assert "query name = <b>a</b>" in str(result)

"""Render a :class:`~lora_lab.explorer.result.Preview` for a terminal or a notebook.

Every string that came from the user (values, headers, bodies, even the
expressions) may hold markup or terminal control sequences. In text, each
control, format and line-separator character is shown as an escape
(``\\x1b``, ``\\u202e``), so nothing can recolour the terminal or reorder
what is shown; in HTML it is, in addition, HTML-escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any

from lora_lab.explorer.result import (
    ExpressionResult,
    Preview,
    RequestView,
    ResponseView,
)
from lora_lab.terminal import display_width, inert

MAX_CHARS = 2000
"""Longer strings are cut for display; ``to_dict()`` keeps them whole."""

_HEADLINES = {
    "accepted": "accepted",
    "rejected": "rejected",
    "invalid_request": "the request cannot be read",
    "invalid_decorator": "the decorator cannot be made",
}


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    """Cut ``text`` to ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """Format a JSON value for display, keeping non-ASCII text readable."""
    return json.dumps(value, ensure_ascii=False, indent=indent, default=repr)


def render_text(preview: Preview) -> str:
    """Return a plain-text report of ``preview``, safe to print to a terminal."""
    return "\n".join(_text_lines(preview)) + "\n"


def render_html(preview: Preview) -> str:
    """Return an HTML report of ``preview``; every user string is escaped."""
    parts = [
        '<div class="lora-lab-preview">',
        f"<h4>Preview: {_h(_headline(preview))}</h4>",
        f"<p><code>{_h(preview.decorator)}</code>"
        + (f" on <code>{_h(preview.route)}</code>" if preview.route else "")
        + "</p>",
    ]
    if preview.input_error is not None:
        error = preview.input_error
        where = f"line {error.line}: " if error.line is not None else ""
        parts.append(f"<p><strong>{_h(where + error.message)}</strong></p>")
    if preview.request is not None:
        parts.append("<h5>Request</h5>" + _html_request(preview.request))
        if preview.request_notes:
            notes = "".join(f"<li>{_h(note)}</li>" for note in preview.request_notes)
            parts.append(f"<ul>{notes}</ul>")
    if preview.expressions:
        rows = "".join(_html_expression(result) for result in preview.expressions)
        parts.append(
            "<h5>Shape</h5><table><tr><th>key</th><th>expression</th>"
            f"<th>value</th></tr>{rows}</table>"
        )
    if preview.findings:
        items = "".join(
            f"<li>{_h(f.severity)} <code>{_h(f.key)}</code>: {_h(f.message)} "
            f"<em>Fix: {_h(f.fix)}</em></li>"
            for f in preview.findings
        )
        parts.append(f"<h5>Lint</h5><ul>{items}</ul>")
    if preview.handler_input is not None:
        received = preview.handler_input
        data = (
            ""
            if received.data is None
            else f"<p>data</p>{_html_pre(shorten(json_text(received.data)))}"
        )
        parts.append(
            "<h5>Handler receives</h5>" + data + _html_request(received.request)
        )
    if preview.injection is not None:
        injection = preview.injection
        parts.append(
            "<h5>Injection</h5>"
            f"<p>before</p>{_html_pre(shorten(json_text(injection.body_before)))}"
            f"<p>after</p>{_html_pre(shorten(json_text(injection.body_after)))}"
            f"<p>JSON Patch</p>{_html_pre(shorten(json_text(injection.patch)))}"
        )
    if preview.rejection is not None:
        rejection = preview.rejection
        parts.append(
            f"<h5>Rejected ({_h(rejection.stage)}): {rejection.status}</h5>"
            f"<p>{_h(rejection.detail)}</p>"
        )
    if preview.response is not None:
        parts.append(
            f"<h5>Response: {preview.response.status}</h5>"
            + _html_pre(_body_text(preview.response))
        )
    parts.append("</div>")
    return "".join(parts)


def _text_lines(preview: Preview) -> Iterator[str]:
    yield f"Preview: {_headline(preview)}"
    yield f"  decorator: {inert(preview.decorator)}"
    if preview.route:
        yield f"  route:     {inert(preview.route)}"
    if preview.input_error is not None:
        error = preview.input_error
        where = f"line {error.line}: " if error.line is not None else ""
        yield ""
        yield f"Cannot use the {error.source}: {inert(where + error.message)}"
    if preview.request is not None:
        yield ""
        yield f"Request ({preview.request_kind}):"
        yield from _indent(_text_request(preview.request))
        for note in preview.request_notes:
            yield f"  note: {inert(note)}"
    if preview.expressions:
        yield ""
        yield "Shape:"
        for result in preview.expressions:
            yield from _indent(_text_expression(result))
    if preview.findings:
        yield ""
        yield "Lint:"
        for finding in preview.findings:
            yield f"  {finding.severity} {inert(finding.key)}: {inert(finding.message)}"
            yield f"    fix: {inert(finding.fix)}"
    if preview.handler_input is not None:
        received = preview.handler_input
        yield ""
        yield "Handler receives:"
        if received.data is not None:
            yield "  data:"
            yield from _indent(_json_lines(received.data), 4)
        yield "  request:"
        yield from _indent(_text_request(received.request), 4)
    if preview.injection is not None:
        injection = preview.injection
        yield ""
        applied = "" if injection.applied else " (not applied: no adapter header)"
        yield f"Injection into {inert(', '.join(injection.targets))}{applied}:"
        yield "  patch:"
        yield from _indent(_json_lines(injection.patch, None), 4)
        yield "  body after:"
        yield from _indent(_json_lines(injection.body_after), 4)
    if preview.rejection is not None:
        rejection = preview.rejection
        yield ""
        yield f"Rejected at the {rejection.stage} stage: {inert(rejection.detail)}"
        for problem in rejection.errors:
            where = f"{problem.get('field')} ({problem.get('location')})"
            yield f"  {inert(where)}: {inert(str(problem.get('message')))}"
    if preview.response is not None:
        yield ""
        yield f"Response: {preview.response.status}"
        yield from _indent(_body_lines(preview.response))


def _text_request(request: RequestView) -> Iterator[str]:
    yield inert(f"{request.method} {request.path}")
    if request.path_params:
        yield f"path params: {inert(json_text(dict(request.path_params), indent=None))}"
    for name, value in request.query:
        yield f"query {inert(name)} = {inert(shorten(value))}"
    for name, value in request.headers:
        yield f"{inert(name)}: {inert(shorten(value))}"
    yield from _body_lines(request)


def _text_expression(result: ExpressionResult) -> Iterator[str]:
    head = f"{inert(result.key)} = {inert(result.expression)}"
    if result.error is not None:
        yield f"{head}  -> error: {inert(result.error.message)}"
        if result.error.position is not None:
            prefix = display_width(inert(result.key)) + 3
            caret = display_width(inert(result.expression[: result.error.position]))
            yield " " * (prefix + caret) + "^"
        if result.error.fix:
            yield f"  fix: {inert(result.error.fix)}"
    elif not result.evaluated:
        yield f"{head}  -> not evaluated"
    else:
        yield f"{head}  -> {inert(shorten(json_text(result.value, indent=None)))}"


def _body_lines(message: RequestView | ResponseView) -> Iterator[str]:
    if not message.body:
        yield "(no body)"
    elif message.is_json:
        yield from _json_lines(message.json)
    else:
        yield inert(shorten(message.text))


def _body_text(message: RequestView | ResponseView) -> str:
    if not message.body:
        return "(no body)"
    if message.is_json:
        return shorten(json_text(message.json))
    return shorten(message.text)


def _json_lines(value: Any, indent: int | None = 2) -> Iterator[str]:
    for line in shorten(json_text(value, indent=indent)).split("\n"):
        yield inert(line)


def _indent(lines: Iterator[str], width: int = 2) -> Iterator[str]:
    pad = " " * width
    for line in lines:
        yield pad + line


def _headline(preview: Preview) -> str:
    headline = _HEADLINES[preview.outcome]
    if preview.status is not None:
        headline += f", {preview.status}"
    return headline


def _html_request(request: RequestView) -> str:
    lines = [f"{request.method} {request.path}"]
    lines += [f"query {name} = {shorten(value)}" for name, value in request.query]
    lines += [f"{name}: {shorten(value)}" for name, value in request.headers]
    if request.path_params:
        lines.append(
            f"path params: {json_text(dict(request.path_params), indent=None)}"
        )
    return _html_pre("\n".join(lines) + "\n\n" + _body_text(request))


def _html_expression(result: ExpressionResult) -> str:
    expression = _h(result.expression)
    if result.error is not None and result.error.position is not None:
        at = result.error.position
        text = result.expression
        expression = (
            f"{_h(text[:at])}<mark>{_h(text[at : at + 1] or ' ')}</mark>"
            f"{_h(text[at + 1 :])}"
        )
    if result.error is not None:
        value = f"error: {_h(result.error.message)}"
        if result.error.fix:
            value += f" <em>Fix: {_h(result.error.fix)}</em>"
    elif not result.evaluated:
        value = "<em>not evaluated</em>"
    else:
        value = f"<code>{_h(shorten(json_text(result.value, indent=None)))}</code>"
    return (
        f"<tr><td><code>{_h(result.key)}</code></td>"
        f"<td><code>{expression}</code></td><td>{value}</td></tr>"
    )


def _html_pre(text: str) -> str:
    return f"<pre>{_h(text, keep_lines=True)}</pre>"


def escape_html(text: str, *, keep_lines: bool = False) -> str:
    """Return ``text`` for HTML: markup escaped, control characters shown as escapes.

    With ``keep_lines``, line breaks are kept (for a ``<pre>``); otherwise
    they are shown as ``\\n`` like every other control character.
    """
    if keep_lines:
        return "\n".join(html.escape(inert(line)) for line in text.split("\n"))
    return html.escape(inert(text))


_h = escape_html

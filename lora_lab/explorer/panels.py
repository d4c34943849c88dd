"""The explorer's result pane as HTML, made from an :class:`Evaluation` alone.

:func:`result_html` returns the whole pane for one evaluation: the widget
replaces its output with it on every keystroke, so nothing of an earlier
result can stay on screen. Every string that came from the user goes
through :func:`~lora_lab.explorer.render.escape_html`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lora_lab.explorer.render import escape_html, json_text, shorten
from lora_lab.explorer.result import (
    ExpressionResult,
    HandlerInput,
    InjectionView,
    Preview,
    Rejection,
    RequestView,
    ResponseView,
)
from lora_lab.explorer.screen import REQUEST_KINDS, Evaluation
from lora_lab.explorer.shape_text import ShapeTextError
from lora_lab.terminal import display_width, inert

_CARET_CONTEXT = 40

STYLE = """<style>
.lora-lab-pane { font-size: 13px; line-height: 1.4; }
.lora-lab-pane h4 { margin: 14px 0 4px; font-size: 14px; }
.lora-lab-pane pre, .lora-lab-pane code { font-family: monospace; }
.lora-lab-pane pre { background: #f6f8fa; padding: 6px 8px; margin: 4px 0;
  white-space: pre-wrap; word-break: break-all; max-height: 22em; overflow: auto; }
.lora-lab-pane pre.caret-block { white-space: pre; word-break: normal;
  overflow-x: auto; }
.lora-lab-pane table { border-collapse: collapse; width: 100%; }
.lora-lab-pane td, .lora-lab-pane th { border-bottom: 1px solid #ddd;
  padding: 3px 6px; text-align: left; vertical-align: top; }
.lora-lab-pane mark { background: #ffe08a; }
.lora-lab-pane .caret { color: #c62828; font-weight: bold; }
.lora-lab-pane .error { color: #b71c1c; }
.lora-lab-pane .muted { color: #666; }
.lora-lab-banner { padding: 6px 10px; border-radius: 4px; font-weight: bold; }
.lora-lab-banner.accepted { background: #e3f5e5; color: #1b5e20; }
.lora-lab-banner.rejected { background: #fff1d6; color: #8a4b00; }
.lora-lab-banner.invalid { background: #fde4e4; color: #8e1b1b; }
</style>"""
"""The pane's style sheet; every rule is scoped to the pane."""

_BANNERS = {
    "accepted": ("accepted", "accepted: the handler is called"),
    "rejected": ("rejected", "rejected: the client gets an error, the handler is not"),
    "invalid_request": ("invalid", "the request cannot be read"),
    "invalid_decorator": ("invalid", "the decorator cannot be made from the inputs"),
}


def result_html(evaluation: Evaluation) -> str:
    """Return the result pane for ``evaluation`` as one HTML fragment."""
    body = "".join(_sections(evaluation))
    return f'{STYLE}<div class="lora-lab-pane">{body}</div>'


def _sections(evaluation: Evaluation) -> Iterator[str]:
    result = evaluation.preview
    kind, headline = _BANNERS[result.outcome]
    if result.status is not None:
        headline = f"{result.status} {headline}"
    yield f'<div class="lora-lab-banner {kind}">{escape_html(headline)}</div>'
    if evaluation.shape_error is not None:
        yield _shape_text_error(evaluation.shape_error)
    yield _request(evaluation)
    if result.expressions:
        yield _expressions(result)
    error = result.input_error
    shown = evaluation.shape_error or any(e.error for e in result.expressions)
    if error is not None and error.source == "decorator" and not shown:
        message = escape_html(error.message)
        yield f'<h4>Decorator</h4><p class="error">{message}</p>'
    if result.handler_input is not None:
        yield _handler_input(result.handler_input)
    if result.injection is not None:
        yield _injection(result.injection)
    if result.rejection is not None:
        yield _rejection(result.rejection)
    if result.response is not None:
        yield _response(result.response)
    if result.findings:
        yield _findings(result)


def _shape_text_error(error: ShapeTextError) -> str:
    where = f"line {error.line}, column {error.column}" if error.line else ""
    caret = ""
    if error.column is not None:
        caret = _caret_block(error.source_line, error.column - 1)
    return (
        f"<h4>{escape_html(error.name)}</h4>"
        f'<p class="error">{escape_html(error.message)}'
        f"{' at ' + where if where else ''}</p>{caret}"
        '<p class="muted">Write a JSON object or a Python dict literal, such as '
        '<code>{"adapter_id": "body.name"}</code>.</p>'
    )


def _request(evaluation: Evaluation) -> str:
    result = evaluation.preview
    error = result.input_error
    if error is not None and error.source == "request":
        lines = evaluation.screen.request.split("\n")
        parts = [
            f'<p class="error">{escape_html(_located(error.message, error.line))}</p>'
        ]
        if error.line is not None and 0 < error.line <= len(lines):
            text = shorten(lines[error.line - 1], 200)
            parts.append(_pre(f"{error.line:>4} | {text}"))
        if error.expected:
            parts.append(f"<p>Expected {escape_html(error.expected)}.</p>")
        if error.found:
            parts.append(f"<p>Found {escape_html(error.found)}.</p>")
        parts.append(
            '<p class="muted">Paste raw HTTP (request line, headers, a blank line, '
            "the body), a curl command, or a JSON object of method, path, headers, "
            "query and body.</p>"
        )
        return "<h4>Request</h4>" + "".join(parts)
    if result.request is None:
        return ""
    kind = REQUEST_KINDS.get(result.request_kind or "", result.request_kind or "")
    notes = "".join(f"<li>{escape_html(note)}</li>" for note in result.request_notes)
    return (
        f"<h4>Request</h4><p>Read as {escape_html(kind)}: "
        f"<code>{escape_html(result.request.method)} "
        f"{escape_html(shorten(result.request.path, 200))}</code>"
        + (
            f" on the route <code>{escape_html(result.route)}</code>"
            if result.route
            else ""
        )
        + "</p>"
        + (f'<ul class="muted">{notes}</ul>' if notes else "")
    )


def _expressions(result: Preview) -> str:
    rows = "".join(_expression_row(entry) for entry in result.expressions)
    return (
        "<h4>Shape</h4><table><tr><th>key</th><th>expression</th><th>value</th></tr>"
        f"{rows}</table>"
    )


def _expression_row(entry: ExpressionResult) -> str:
    key = f"<td><code>{escape_html(entry.key)}</code></td>"
    error = entry.error
    if error is not None:
        if error.position is not None:
            expression = _caret_block(entry.expression, error.position)
        else:
            expression = f"<code>{escape_html(entry.expression)}</code>"
        fix = f"<br><em>Fix: {escape_html(error.fix)}</em>" if error.fix else ""
        value = f'<span class="error">error: {escape_html(error.message)}</span>{fix}'
        cells = f"{key}<td>{expression}</td><td>{value}</td>"
        return f'<tr class="expression-error">{cells}</tr>'
    expression = f"<code>{escape_html(entry.expression)}</code>"
    if not entry.evaluated:
        value = '<span class="muted">not evaluated</span>'
    else:
        value = (
            f"<code>{escape_html(shorten(json_text(entry.value, indent=None)))}</code>"
        )
    return f"<tr>{key}<td>{expression}</td><td>{value}</td></tr>"


def _handler_input(received: HandlerInput) -> str:
    data = ""
    if received.data is not None:
        data = "<p>data</p>" + _pre(json_text(received.data))
    return (
        "<h4>Handler receives</h4>"
        + data
        + "<p>raw_request</p>"
        + _pre(_request_text(received.request))
    )


def _injection(injection: InjectionView) -> str:
    targets = ", ".join(injection.targets)
    if not injection.applied:
        return (
            f"<h4>Injection into {escape_html(targets)}</h4><p>Not applied: the "
            "request has no X-Amzn-SageMaker-Adapter-Identifier header, so the "
            "body is handed on untouched.</p>"
        )
    marks = {_pointer(op["path"]) for op in injection.patch if op["op"] != "remove"}
    return (
        f"<h4>Body after injection into {escape_html(targets)}</h4>"
        f'<pre class="injected">{_marked_json(injection.body_after, marks)}</pre>'
        "<p>before</p>"
        + _pre(json_text(injection.body_before))
        + "<p>JSON Patch</p>"
        + _pre(json_text(injection.patch, indent=None))
    )


def _rejection(rejection: Rejection) -> str:
    problems = "".join(
        f"<li><code>{escape_html(str(problem.get('field')))}</code> "
        f"({escape_html(str(problem.get('location')))}): "
        f"{escape_html(str(problem.get('message')))}</li>"
        for problem in rejection.errors
    )
    return (
        f"<h4>Rejected at the {escape_html(rejection.stage)} stage</h4>"
        f"<p>{escape_html(rejection.detail)}</p>"
        + (f"<ul>{problems}</ul>" if problems else "")
    )


def _response(response: ResponseView) -> str:
    if not response.body:
        body = "(no body)"
    elif response.is_json:
        body = json_text(response.json)
    else:
        body = response.text
    content_type = response.header("content-type")
    head = f"{response.status}" + (f"  {content_type}" if content_type else "")
    return "<h4>Response</h4>" + _pre(f"{head}\n\n{shorten(body)}")


def _findings(result: Preview) -> str:
    items = []
    for finding in result.findings:
        replacement = (
            f" <code>{escape_html(finding.replacement)}</code>"
            if finding.replacement
            else ""
        )
        items.append(
            f"<li><strong>{escape_html(finding.severity)}</strong> "
            f"<code>{escape_html(finding.key)}</code>: {escape_html(finding.message)}"
            f"<br><em>Fix: {escape_html(finding.fix)}</em>{replacement}</li>"
        )
    return f"<h4>Lint</h4><ul>{''.join(items)}</ul>"


def _request_text(request: RequestView) -> str:
    lines = [f"{request.method} {request.path}"]
    if request.path_params:
        lines.append(
            f"path params: {json_text(dict(request.path_params), indent=None)}"
        )
    lines += [f"query {name} = {shorten(value, 200)}" for name, value in request.query]
    lines += [f"{name}: {shorten(value, 200)}" for name, value in request.headers]
    if not request.body:
        body = "(no body)"
    elif request.is_json:
        body = json_text(request.json)
    else:
        body = request.text
    return "\n".join(lines) + "\n\n" + shorten(body)


def _caret_block(text: str, position: int) -> str:
    """Show ``text`` with a caret under character ``position``, cut around it."""
    start = max(0, position - _CARET_CONTEXT)
    shown = text[start : position + _CARET_CONTEXT]
    lead = "…" if start else ""
    tail = "…" if position + _CARET_CONTEXT < len(text) else ""
    offset = len(lead) + display_width(inert(text[start:position]))
    return (
        f'<pre class="caret-block">{escape_html(lead + shown + tail)}\n'
        f'{" " * offset}<span class="caret">^</span></pre>'
    )


def _marked_json(value: Any, marks: set[tuple[str, ...]]) -> str:
    try:
        return _json_node(value, marks, (), 0)
    except RecursionError:
        return escape_html(shorten(json_text(value)), keep_lines=True)


def _json_node(
    value: Any, marks: set[tuple[str, ...]], path: tuple[str, ...], depth: int
) -> str:
    if path in marks:
        text = "\n".join(
            line if number == 0 else "  " * depth + line
            for number, line in enumerate(json_text(value).split("\n"))
        )
        return f"<mark>{escape_html(shorten(text), keep_lines=True)}</mark>"
    pad = "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{pad}{escape_html(json_text(key))}: "
            f"{_json_node(item, marks, (*path, key), depth + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and value:
        items = [
            f"{pad}{_json_node(item, marks, (*path, str(index)), depth + 1)}"
            for index, item in enumerate(value)
        ]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return escape_html(shorten(json_text(value)))


def _pointer(pointer: str) -> tuple[str, ...]:
    """Split an RFC 6901 JSON Pointer into its keys."""
    if not pointer:
        return ()
    return tuple(
        part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]
    )


def _located(message: str, line: int | None) -> str:
    return f"line {line}: {message}" if line is not None else message


def _pre(text: str) -> str:
    return f"<pre>{escape_html(text, keep_lines=True)}</pre>"

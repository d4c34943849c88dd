"""Turn a pasted request into a Starlette request: raw HTTP text, curl, or a dict.

Raw HTTP is parsed by h11, the HTTP/1.1 parser uvicorn and httpcore use; a
curl command is split the way a POSIX shell splits it (see
:mod:`lora_lab.explorer.curl`). Whatever the input, what comes out is the
same :class:`~lora_lab.explorer.request.ParsedRequest`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

import h11

from lora_lab.explorer.curl import parse_curl
from lora_lab.explorer.request import (
    DEFAULT_HOST,
    Header,
    ParsedRequest,
    RequestParseError,
    check_header,
    encode_target,
    finish_request,
)

_BLANK_LINE = re.compile(rb"\r?\n[ \t]*\r?\n")
_LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n)*")
_DICT_FIELDS = ("method", "path", "headers", "query", "body")


def parse_request(
    request: str | bytes | Mapping[str, Any] | ParsedRequest,
) -> ParsedRequest:
    """Parse raw HTTP text, a curl command, or a dict into a :class:`ParsedRequest`.

    Text whose first word is ``curl`` is a curl command; text starting with
    ``{`` is a JSON object of the dict form; anything else is raw HTTP
    (request line, headers, a blank line, the body)::

        parse_request("POST /adapters HTTP/1.1\\n\\n{\\"name\\": \\"a\\"}")
        parse_request("curl -X DELETE localhost:8080/adapters/a")
        parse_request({"method": "DELETE", "path": "/adapters/a"})

    Raises :class:`RequestParseError` naming the line and what was expected.
    """
    if isinstance(request, ParsedRequest):
        return request
    if isinstance(request, Mapping):
        return parse_dict(request)
    if not isinstance(request, (str, bytes)):
        raise RequestParseError(
            "a request is raw HTTP text, a curl command or a dict of method, "
            f"path, headers, query and body; got {type(request).__name__}"
        )
    data = request.encode("utf-8") if isinstance(request, str) else request
    skipped = _LEADING_BLANK_LINES.match(data)
    offset = skipped.group(0).count(b"\n") if skipped else 0
    text = data[skipped.end() if skipped else 0 :]
    if not text.strip():
        raise RequestParseError(
            "the request is empty",
            line=1,
            expected="a request line such as 'POST /adapters HTTP/1.1', or a "
            "curl command",
        )
    first = text.lstrip()[:8]
    if re.match(rb"(\$\s*)?curl\b", first):
        return parse_curl(_decode(text, offset), line_offset=offset)
    if first.startswith(b"{"):
        return parse_dict(_json_object(text, offset))
    return parse_http(text, line_offset=offset)


def parse_http(data: bytes, *, line_offset: int = 0) -> ParsedRequest:
    """Parse raw HTTP/1.1 text with h11.

    Line ends may be ``\\n`` or ``\\r\\n``. A request line without a
    version is read as HTTP/1.1; a missing ``Host`` and a missing
    ``Content-Length`` are filled in, and each addition is noted.
    """
    found = _BLANK_LINE.search(data)
    head, body = (data[: found.start()], data[found.end() :]) if found else (data, b"")
    lines = [line.rstrip(b"\r") for line in head.rstrip(b"\r\n").split(b"\n")]
    body_line = line_offset + len(lines) + 2
    notes: list[str] = []

    parts = lines[0].split()
    if len(parts) == 2:
        lines[0] = lines[0].rstrip() + b" HTTP/1.1"
        notes.append("read the request line as HTTP/1.1")
    names = [line.partition(b":")[0].strip().lower() for line in lines[1:]]
    if b"host" not in names and lines[0].rstrip().endswith(b"HTTP/1.1"):
        lines.append(b"Host: " + DEFAULT_HOST.encode())
        notes.append(f"added Host: {DEFAULT_HOST}")
    if b"transfer-encoding" not in names:
        body = _fit_content_length(lines, names, body, notes, line_offset)

    wire = b"\r\n".join(lines) + b"\r\n\r\n" + body
    try:
        request, received = _read_with_h11(wire)
    except h11.RemoteProtocolError as error:
        raise _locate(error, lines, line_offset, body_line) from None
    return ParsedRequest(
        method=request.method.decode("ascii"),
        target=request.target.decode("ascii"),
        headers=tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw_items()
        ),
        body=received,
        kind="http",
        notes=tuple(notes),
    )


def parse_dict(request: Mapping[str, Any]) -> ParsedRequest:
    """Build a request from ``{method, path, headers, query, body}``.

    ``path`` may carry a query string; ``query`` (a dict, values a string or
    a list of them) is added to it. ``body`` is text, bytes, or any other
    JSON value, which is sent as JSON with ``Content-Type: application/json``.
    """
    unknown = [str(key) for key in request if key not in _DICT_FIELDS]
    if unknown:
        raise RequestParseError(
            f"request[{unknown[0]!r}] is not a request field",
            expected=", ".join(_DICT_FIELDS),
            found=unknown[0],
        )
    method = request.get("method", "GET")
    if not isinstance(method, str) or not re.fullmatch(r"[A-Za-z]+", method):
        raise RequestParseError(
            f"request['method'] must be an HTTP method such as 'POST', got {method!r}",
            expected="an HTTP method",
            found=repr(method),
        )
    path = request.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise RequestParseError(
            f"request['path'] must be a path starting with '/', got {path!r}",
            expected="a path such as '/adapters'",
            found=repr(path),
        )
    notes: list[str] = []
    target = encode_target(path, notes)
    query = _query_string(request.get("query"))
    if query:
        target += ("&" if "?" in target else "?") + query
    headers = _header_list(request.get("headers"))
    body = _body_bytes(request.get("body"), headers, notes)
    return finish_request(method.upper(), target, headers, body, "dict", notes)


def _read_with_h11(wire: bytes) -> tuple[h11.Request, bytes]:
    connection = h11.Connection(h11.SERVER)
    connection.receive_data(wire)
    connection.receive_data(b"")
    request: h11.Request | None = None
    chunks: list[bytes] = []
    while True:
        event = connection.next_event()
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
            break
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            raise h11.RemoteProtocolError("the request ends too early")
    if request is None:
        raise h11.RemoteProtocolError("no request line")
    return request, b"".join(chunks)


def _fit_content_length(
    lines: list[bytes],
    names: list[bytes],
    body: bytes,
    notes: list[str],
    line_offset: int,
) -> bytes:
    if b"content-length" not in names:
        if body:
            lines.append(b"Content-Length: %d" % len(body))
            notes.append(f"added Content-Length: {len(body)}")
        return body
    index = names.index(b"content-length") + 1
    declared = lines[index].partition(b":")[2].strip()
    if not declared.isdigit():
        return body  # h11 names the fault
    length = int(declared)
    if length < len(body) and not body[length:].strip():
        notes.append(
            f"ignored {len(body) - length} whitespace byte(s) after the body's "
            f"{length} bytes"
        )
        return body[:length]
    if length != len(body):
        raise RequestParseError(
            f"Content-Length is {length} but the body has {len(body)} bytes",
            line=line_offset + index + 1,
            expected=f"Content-Length: {len(body)}, or no Content-Length header "
            "to have it computed",
            found=lines[index].decode("latin-1"),
        )
    return body


def _locate(
    error: h11.RemoteProtocolError, lines: list[bytes], offset: int, body_line: int
) -> RequestParseError:
    """Find the line h11 rejected by handing it one line at a time."""
    for number, line in enumerate(lines):
        if number == 0:
            probe = line + b"\r\nHost: x\r\n\r\n"
        else:
            # HTTP/1.0 needs no Host, so a Host line is checked on its own.
            probe = b"GET / HTTP/1.0\r\n" + line + b"\r\n\r\n"
        try:
            _read_with_h11(probe)
        except h11.RemoteProtocolError as line_error:
            text = line.decode("utf-8", errors="replace")
            if number == 0:
                expected = "a request line such as 'POST /adapters HTTP/1.1'"
                if not line.isascii():
                    expected += ", with other characters percent-encoded (%C3%A9)"
            else:
                expected = "a header line such as 'Content-Type: application/json'"
            return RequestParseError(
                f"{_reason(line_error)}: expected {expected}, found {text!r}",
                line=offset + number + 1,
                expected=expected,
                found=text,
            )
    return RequestParseError(
        f"the body does not fit its framing: {_reason(error)}",
        line=body_line,
        expected="a body as long as Content-Length says or, with Transfer-Encoding: "
        "chunked, chunks with CRLF line ends ending in a 0-length chunk",
    )


def _reason(error: Exception) -> str:
    return str(error).split(":", 1)[0] or "not valid HTTP"


def _decode(data: bytes, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = offset + data[: error.start].count(b"\n") + 1
        raise RequestParseError(
            "the command is not valid UTF-8 text",
            line=line,
            expected="UTF-8 text",
        ) from None


def _json_object(data: bytes, offset: int) -> Mapping[str, Any]:
    try:
        value = json.loads(data)
    except json.JSONDecodeError as error:
        raise RequestParseError(
            f"the request starts with '{{' but is not valid JSON: {error.msg}",
            line=offset + error.lineno,
            expected="a JSON object of method, path, headers, query and body",
        ) from None
    except UnicodeDecodeError:
        raise RequestParseError(
            "the request is not valid UTF-8 text", expected="UTF-8 text"
        ) from None
    if not isinstance(value, dict):
        raise RequestParseError(
            "the request is JSON but not an object", expected="a JSON object"
        )
    return value


def _query_string(query: Any) -> str:
    if query is None:
        return ""
    if isinstance(query, str):
        return quote(query.lstrip("?"), safe="=&%+")
    if isinstance(query, Mapping):
        pairs: list[tuple[str, str]] = []
        for name, value in query.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if not isinstance(item, str):
                    raise RequestParseError(
                        f"request['query'][{name!r}] must be a string or a list "
                        f"of strings, got {item!r}",
                        expected="a string",
                        found=repr(item),
                    )
                pairs.append((str(name), item))
        return urlencode(pairs)
    raise RequestParseError(
        f"request['query'] must be a dict or a string, got {type(query).__name__}",
        expected="a dict such as {'name': 'a'}",
    )


def _header_list(headers: Any) -> list[Header]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: list[Header] = []
    try:
        for name, value in items:
            if not isinstance(name, str) or not isinstance(value, str):
                raise RequestParseError(
                    f"request['headers'][{name!r}] must map a name to a string, "
                    f"got {value!r}",
                    expected="a string value",
                    found=repr(value),
                )
            check_header(name, value)
            result.append((name, value))
    except (TypeError, ValueError) as error:
        if isinstance(error, RequestParseError):
            raise
        raise RequestParseError(
            "request['headers'] must be a dict or a list of [name, value] pairs",
            expected="a dict such as {'Content-Type': 'application/json'}",
        ) from None
    return result


def _body_bytes(body: Any, headers: list[Header], notes: list[str]) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    try:
        text = json.dumps(body, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise RequestParseError(
            f"request['body'] cannot be sent as JSON: {error}",
            expected="text, bytes, or a JSON value",
        ) from None
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
        notes.append("added Content-Type: application/json")
    return text.encode("utf-8")

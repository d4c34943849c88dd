"""A request as a client sends it, and the Starlette request a server makes of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, unquote

import h11
from starlette.requests import Request
from starlette.types import Message

from lora_lab.errors import LoraLabError

RequestKind = Literal["http", "curl", "dict"]
Header = tuple[str, str]

DEFAULT_HOST = "localhost"
"""The Host given to a pasted request that names none."""

_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


class RequestParseError(LoraLabError, ValueError):
    """A pasted request cannot be read.

    ``line`` is the 1-based line of the pasted text the fault is on (None
    when it is not on one line), ``expected`` what would have been
    accepted there and ``found`` what was there instead.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")
        self.message = message
        self.line = line
        self.expected = expected
        self.found = found

    def to_dict(self) -> dict[str, Any]:
        """Return the error as JSON-ready data."""
        return {
            "message": self.message,
            "line": self.line,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(frozen=True)
class ParsedRequest:
    """A request as a client would send it: method, target, headers, body.

    ``target`` is the path and query string as they go on the request line
    (percent-encoded). ``headers`` keep their order and letter case.
    ``notes`` say what the parser added that the text did not spell out,
    such as a computed ``Content-Length``.
    """

    method: str
    target: str
    headers: tuple[Header, ...]
    body: bytes = b""
    kind: RequestKind = "http"
    notes: tuple[str, ...] = field(default=())

    @property
    def raw_path(self) -> str:
        """The path as sent, percent-encoded, without the query string."""
        return self.target.partition("?")[0]

    @property
    def query_string(self) -> str:
        """The query string as sent, without the ``?``."""
        return self.target.partition("?")[2]

    def scope(self) -> dict[str, Any]:
        """Return the ASGI scope a server would build for this request."""
        host = next(
            (value for name, value in self.headers if name.lower() == "host"),
            DEFAULT_HOST,
        )
        hostname, _, port = host.partition(":")
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": self.method,
            "scheme": "http",
            # As uvicorn does: the path percent-decoded, the raw path kept.
            "path": unquote(self.raw_path),
            "raw_path": self.raw_path.encode("ascii"),
            "root_path": "",
            "query_string": self.query_string.encode("ascii"),
            "headers": [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in self.headers
            ],
            "client": ("127.0.0.1", 50000),
            "server": (hostname, int(port) if port.isdigit() else 80),
            "path_params": {},
        }

    def starlette_request(self, scope: dict[str, Any] | None = None) -> Request:
        """Return a Starlette request whose body is this request's body."""
        body = self.body
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return Request(self.scope() if scope is None else scope, receive)


def finish_request(
    method: str,
    target: str,
    headers: Sequence[Header],
    body: bytes,
    kind: RequestKind,
    notes: list[str],
    *,
    line: int | None = None,
) -> ParsedRequest:
    """Add Host and Content-Length when absent, and check the rest with h11."""
    headers = list(headers)
    names = {name.lower() for name, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", DEFAULT_HOST))
        notes.append(f"added Host: {DEFAULT_HOST}")
    if body and "content-length" not in names and "transfer-encoding" not in names:
        headers.append(("Content-Length", str(len(body))))
        notes.append(f"added Content-Length: {len(body)}")
    try:
        h11.Request(method=method, target=target, headers=headers)
    except h11.LocalProtocolError as error:
        raise RequestParseError(
            f"the request is not valid HTTP: {error}",
            line=line,
            expected="header names of letters, digits and '-', and values "
            "without line breaks",
        ) from None
    return ParsedRequest(method, target, tuple(headers), body, kind, tuple(notes))


def check_header(name: str, value: str, *, line: int | None = None) -> None:
    """Raise :class:`RequestParseError` if h11 would not send this header."""
    try:
        h11.Request(method="GET", target="/", headers=[("Host", "x"), (name, value)])
    except h11.LocalProtocolError as error:
        raise RequestParseError(
            f"the header {name!r} cannot be sent: {error}",
            line=line,
            expected="a name of letters, digits and '-', and a value without "
            "line breaks",
            found=f"{name}: {value}",
        ) from None


def encode_target(url_path: str, notes: list[str]) -> str:
    """Percent-encode what may not go on a request line, as browsers do."""
    encoded = quote(url_path, safe=_URL_SAFE)
    if encoded != url_path:
        notes.append(f"percent-encoded the path: {encoded}")
    return encoded

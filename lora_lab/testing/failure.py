"""The error a failed call raises, showing what was sent and what came back."""

from __future__ import annotations

import contextlib
import json

import httpx2

BODY_LIMIT = 2000
"""The most characters of a body a failure message shows."""

# Headers every client adds; they only hide the ones a test sets on purpose.
_ROUTINE_HEADERS = frozenset(
    {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}
)
# A failure message ends up in CI logs; these may hold credentials.
_SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "x-api-key",
        "x-amz-security-token",
    }
)


class SageMakerCallError(AssertionError):
    """A call to the container did not get the status the test expected.

    It is an ``AssertionError``, so pytest reports it as a failed check, not
    as a crash. The message shows the request as it was sent (method, URL,
    the headers that matter, the body) and the response (status, content
    type, body), bodies cut at :data:`BODY_LIMIT` characters. The
    ``request`` and ``response`` attributes hold both in full.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx2.Request,
        response: httpx2.Response,
    ) -> None:
        super().__init__(message)
        self.request = request
        self.response = response


def check_response(
    label: str, response: httpx2.Response, *, check: bool, expect: int | None
) -> httpx2.Response:
    """Return ``response``, or raise :class:`SageMakerCallError` if it failed.

    With ``expect`` the status must be exactly ``expect``; otherwise, with
    ``check``, it must be a 2xx.
    """
    if expect is not None:
        if response.status_code == expect:
            return response
        wanted = f"expected status {expect}"
    elif check and not response.is_success:
        wanted = "expected a 2xx status"
    else:
        return response

    request = response.request
    message = "\n".join(
        [
            f"{label} failed: {wanted}, got {_status(response)}",
            "",
            "request:",
            *_indent(describe_request(request)),
            "",
            "response:",
            *_indent(describe_response(response)),
        ]
    )
    raise SageMakerCallError(message, request=request, response=response)


def describe_request(request: httpx2.Request) -> list[str]:
    """Return the lines that show ``request``: its line, headers and body."""
    lines = [f"{request.method} {request.url}"]
    encoding = request.headers.encoding
    for raw_name, raw_value in request.headers.raw:
        name = raw_name.decode(encoding)
        if name.lower() in _ROUTINE_HEADERS:
            continue
        secret = name.lower() in _SECRET_HEADERS
        lines.append(f"{name}: {'[hidden]' if secret else raw_value.decode(encoding)}")
    lines.append("")
    lines.append(_body(request.content, request.headers.get("content-type")))
    return lines


def describe_response(response: httpx2.Response) -> list[str]:
    """Return the lines that show ``response``: status, content type and body."""
    lines = [_status(response)]
    content_type = response.headers.get("content-type")
    if content_type:
        lines.append(f"content-type: {content_type}")
    lines.append("")
    lines.append(_body(response.content, content_type))
    return lines


def _status(response: httpx2.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".rstrip()


def _body(content: bytes, content_type: str | None) -> str:
    if not content:
        return "(no body)"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return f"({len(content)} bytes that are not UTF-8 text)"
    if "json" in (content_type or ""):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if len(text) > BODY_LIMIT:
        rest = len(text) - BODY_LIMIT
        text = f"{text[:BODY_LIMIT]}... ({rest} more characters)"
    return text


def _indent(lines: list[str]) -> list[str]:
    return [
        f"  {line}" if line else ""
        for block in lines
        for line in block.splitlines() or [""]
    ]

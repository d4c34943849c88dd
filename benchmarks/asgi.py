"""Call an ASGI app directly, with no HTTP client in between.

An HTTP client's own cost would be part of every timing and hide the
differences being measured; this is the least an ASGI server does.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Scope

from benchmarks.scenarios import Scenario


async def call(app: ASGIApp, scenario: Scenario) -> tuple[int, bytes]:
    """Send ``scenario``'s request to ``app``; return the status and the body."""
    path, _, query = scenario.path.partition("?")
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": scenario.raw_headers(),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    received = False

    async def receive() -> Message:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": scenario.body, "more_body": False}

    status = 0
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)

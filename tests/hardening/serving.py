"""Serve an app with uvicorn on a free loopback port, in a thread of the test."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

# How long a server may take to start or stop. Not an assertion about
# speed: a slow machine only makes the wait longer.
STARTUP_LIMIT = 30.0


@contextlib.contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yield its base URL."""
    # With proto left at 0, asyncio does not set TCP_NODELAY on the accepted
    # connections, and every response with a body waits for a delayed ACK.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=30
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_LIMIT)
        listener.close()

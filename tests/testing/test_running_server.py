"""SageMakerClient(base_url=...) calls a container served over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from lora_lab import HandlerRegistry
from lora_lab.testing import SageMakerCallError, SageMakerClient
from tests.testing.recording import Recording, recording_container


@pytest.fixture
def served(registry: HandlerRegistry) -> Iterator[tuple[str, Recording]]:
    """Serve a recording container on a free loopback port, in a thread."""
    app, record = recording_container(registry)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        # A guard against a server that never starts, not a speed check.
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the test server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}", record
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def test_every_call_reaches_a_running_container(
    served: tuple[str, Recording],
) -> None:
    base_url, record = served

    with SageMakerClient(base_url=base_url) as client:
        client.register("org/tuned", "s3://b/t", pin=True)
        listed = client.list(limit=1)
        described = client.describe("org/tuned")
        client.update("org/tuned", pin=False, as_query=False)
        answered = client.invoke({"prompt": "Hi"}, adapter="org/tuned")
        removed = client.unregister("org/tuned")

    assert listed.json()["adapters"] == [{"name": "org/tuned"}]
    assert described.json()["pin"] is True
    assert record.last("update")["body"] == {"preload": None, "pin": False}
    assert answered.json()["body"] == {"prompt": "Hi", "model": "org/tuned"}
    assert removed.text == "Adapter org/tuned unregistered"
    assert record.lifespan == ["startup"]


def test_a_failure_names_the_servers_address(served: tuple[str, Recording]) -> None:
    base_url, _ = served

    with (
        SageMakerClient(base_url=base_url) as client,
        pytest.raises(SageMakerCallError) as raised,
    ):
        client.describe("nope")

    assert f"GET {base_url}/adapters/nope" in str(raised.value)

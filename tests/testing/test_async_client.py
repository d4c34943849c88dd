"""AsyncSageMakerClient sends the same calls as SageMakerClient, awaited."""

from __future__ import annotations

import pytest

from lora_lab import HandlerRegistry
from lora_lab.testing import AsyncSageMakerClient, SageMakerCallError
from tests.testing.recording import recording_container

pytestmark = pytest.mark.anyio


async def test_every_call(registry: HandlerRegistry) -> None:
    app, record = recording_container(registry)

    async with AsyncSageMakerClient(app) as client:
        registered = await client.register("org/tuned", "s3://b/t", alias="friendly")
        listed = await client.list(limit=1)
        described = await client.describe("org/tuned")
        updated = await client.update("org/tuned", preload=False, as_query=False)
        answered = await client.invoke({"prompt": "Hi"}, adapter="org/tuned")
        healthy = await client.ping()
        removed = await client.unregister("org/tuned")

    assert registered.text == "Adapter friendly registered"
    assert record.last("register")["query"]["name"] == "org/tuned"
    assert listed.json()["adapters"] == [{"name": "org/tuned"}]
    assert described.request.url.raw_path == b"/adapters/org%2Ftuned"
    assert described.json()["name"] == "org/tuned"
    assert updated.text == "Adapter org/tuned updated"
    assert record.last("update")["body"] == {"preload": False, "pin": None}
    assert answered.json()["body"] == {"prompt": "Hi", "model": "org/tuned"}
    assert healthy.status_code == 200
    assert removed.text == "Adapter org/tuned unregistered"


async def test_a_failed_call_raises_with_the_same_message(
    registry: HandlerRegistry,
) -> None:
    app, _ = recording_container(registry)
    client = AsyncSageMakerClient(app)

    with pytest.raises(SageMakerCallError) as raised:
        await client.describe("a/b")
    unchecked = await client.describe("a/b", check=False)
    await client.aclose()

    assert str(raised.value).startswith(
        "describe 'a/b' failed: expected a 2xx status, got 404 Not Found\n\n"
        "request:\n  GET http://testserver/adapters/a%2Fb\n"
    )
    assert unchecked.status_code == 404


async def test_it_needs_an_app_or_a_base_url() -> None:
    with pytest.raises(ValueError, match="either an app"):
        AsyncSageMakerClient()

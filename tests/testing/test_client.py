"""SageMakerClient sends every SageMaker call as SageMaker sends it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from lora_lab import HandlerRegistry
from lora_lab.testing import SageMakerCallError, SageMakerClient, adapter_path
from tests.testing.recording import Recording, recording_container


@pytest.fixture
def container(registry: HandlerRegistry) -> tuple[FastAPI, Recording]:
    return recording_container(registry)


@pytest.fixture
def client(container: tuple[FastAPI, Recording]) -> Iterator[SageMakerClient]:
    with SageMakerClient(container[0]) as client:
        yield client


@pytest.fixture
def record(container: tuple[FastAPI, Recording]) -> Recording:
    return container[1]


def test_register_sends_the_fields_in_the_query_string(
    client: SageMakerClient, record: Recording
) -> None:
    response = client.register("support", "s3://bucket/support", preload=True)

    assert response.text == "Adapter support registered"
    assert response.request.content == b""
    assert record.last("register") == {
        "query": {"name": "support", "src": "s3://bucket/support", "preload": "true"},
        "body": {
            "name": "support",
            "src": "s3://bucket/support",
            "preload": True,
            "pin": False,
        },
        "alias": None,
    }


def test_register_as_json_sends_a_body_and_no_query(
    client: SageMakerClient, record: Recording
) -> None:
    client.register(
        "support",
        "/adapters/support",
        preload=True,
        pin=True,
        as_query=False,
        extra={"load_inplace": True},
    )

    assert record.last("register")["query"] == {}
    assert record.last("register")["body"] == {
        "name": "support",
        "src": "/adapters/support",
        "preload": True,
        "pin": True,
        "load_inplace": True,
    }


def test_register_sends_false_flags_and_extra_fields_in_the_query(
    client: SageMakerClient, record: Recording
) -> None:
    client.register("support", "s3://b/s", preload=False, extra={"tier": 2})

    assert record.last("register")["query"] == {
        "name": "support",
        "src": "s3://b/s",
        "preload": "false",
        "tier": "2",
    }
    assert record.last("register")["body"]["preload"] is False


def test_alias_is_sent_as_sagemakers_header(
    client: SageMakerClient, record: Recording
) -> None:
    registered = client.register("support", "s3://b/s", alias="friendly")
    described = client.describe("nope", alias="friendly", check=False)
    removed = client.unregister("support", alias="friendly")

    assert record.last("register")["alias"] == "friendly"
    assert registered.text == "Adapter friendly registered"
    assert described.json()["detail"] == "The adapter friendly was not found"
    assert removed.text == "Adapter friendly unregistered"


NAMES = ["org/tuned", "a/b/c", "with space", "what?#now", "100%", "..", "é/ü", "+1"]


@pytest.mark.parametrize("name", NAMES)
def test_names_reach_every_call_whole(
    client: SageMakerClient, record: Recording, name: str
) -> None:
    client.register(name, "s3://b/t")

    described = client.describe(name)
    updated = client.update(name, pin=True)
    removed = client.unregister(name)

    assert described.json()["name"] == name
    assert updated.text == f"Adapter {name} updated"
    assert record.last("update")["name"] == name
    assert removed.text == f"Adapter {name} unregistered"
    assert record.last("unregister")["name"] == name
    assert record.adapters == {}


def test_a_slash_in_a_name_is_sent_quoted(client: SageMakerClient) -> None:
    client.register("org/tuned", "s3://b/t")

    described = client.describe("org/tuned")
    updated = client.update("org/tuned", pin=True)

    assert described.request.url.raw_path == b"/adapters/org%2Ftuned"
    assert updated.request.url.raw_path == b"/adapters/org%2Ftuned/update?pin=true"
    assert adapter_path("..") == "/adapters/%2E%2E"


def test_unregister_sends_no_body(client: SageMakerClient) -> None:
    client.register("support", "s3://b/s")

    response = client.unregister("support")

    assert response.request.method == "DELETE"
    assert response.request.content == b""


def test_list_sends_only_the_paging_fields_given(
    client: SageMakerClient, record: Recording
) -> None:
    for index in range(3):
        client.register(f"a{index}", f"s3://b/a{index}")

    everything = client.list()
    first = client.list(limit=2)
    second = client.list(limit=2, next_page_token=first.json()["next_page_token"])

    assert everything.request.url.query == b""
    assert [a["name"] for a in everything.json()["adapters"]] == ["a0", "a1", "a2"]
    assert first.request.url.query == b"limit=2"
    assert [a["name"] for a in second.json()["adapters"]] == ["a2"]
    assert second.json()["next_page_token"] is None
    assert [values for call, values in record.calls if call == "list"] == [
        {"limit": 100, "token": None},
        {"limit": 2, "token": None},
        {"limit": 2, "token": 2},
    ]


def test_describe_returns_the_handlers_json(client: SageMakerClient) -> None:
    client.register("support", "s3://b/s", pin=True)

    response = client.describe("support")

    assert response.json() == {
        "name": "support",
        "src": "s3://b/s",
        "preload": True,
        "pin": True,
    }


@pytest.mark.parametrize("as_query", [True, False])
def test_update_sends_only_the_flags_given(
    client: SageMakerClient, record: Recording, as_query: bool
) -> None:
    client.register("support", "s3://b/s")

    client.update("support", pin=True, as_query=as_query)

    received = record.last("update")
    assert received["body"] == {"preload": None, "pin": True}
    assert received["query"] == ({"pin": "true"} if as_query else {})
    assert client.describe("support").json()["pin"] is True


def test_invoke_puts_the_adapter_in_sagemakers_header(
    client: SageMakerClient,
) -> None:
    body = {"prompt": "Hello", "parameters": {"max_new_tokens": 4}}

    response = client.invoke(body, adapter="org/tuned")

    assert response.request.headers["X-Amzn-SageMaker-Adapter-Identifier"] == (
        "org/tuned"
    )
    assert response.json()["body"] == {**body, "model": "org/tuned"}
    assert response.json()["content_type"] == "application/json"


def test_invoke_without_an_adapter_sends_no_header(client: SageMakerClient) -> None:
    response = client.invoke({"prompt": "Hello"})

    assert "X-Amzn-SageMaker-Adapter-Identifier" not in response.request.headers
    assert response.json()["body"] == {"prompt": "Hello"}


def test_invoke_sends_text_as_it_is_to_any_path(client: SageMakerClient) -> None:
    sent = client.invoke(
        '{"model": "base", "prompt": "Hi"}',
        adapter="support",
        path="/v1/completions",
        headers={"Content-Type": "application/json"},
    )

    assert sent.request.content == b'{"model": "base", "prompt": "Hi"}'
    assert sent.json() == {"model": "support:base"}


def test_ping(client: SageMakerClient) -> None:
    assert client.ping().status_code == 200


def test_a_failed_call_raises_an_assertion_error(client: SageMakerClient) -> None:
    with pytest.raises(AssertionError) as raised:
        client.describe("nope")

    assert isinstance(raised.value, SageMakerCallError)
    assert raised.value.response.status_code == 404
    assert raised.value.request.url.path == "/adapters/nope"


def test_check_false_returns_any_response(container: tuple[FastAPI, Recording]) -> None:
    per_call = SageMakerClient(container[0])
    per_client = SageMakerClient(container[0], check=False)

    assert per_call.describe("nope", check=False).status_code == 404
    assert per_client.describe("nope").status_code == 404
    with pytest.raises(SageMakerCallError):
        per_client.describe("nope", check=True)


def test_expect_requires_that_status_exactly(client: SageMakerClient) -> None:
    refused = client.register("", "s3://b/s", expect=400)

    assert refused.json()["errors"][0]["field"] == "name"
    with pytest.raises(SageMakerCallError, match="expected status 400, got 200 OK"):
        client.register("support", "s3://b/s", expect=400)
    with pytest.raises(SageMakerCallError, match="expected status 200, got 404"):
        client.describe("nope", check=False, expect=200)


def test_redirects_are_not_followed(container: tuple[FastAPI, Recording]) -> None:
    client = SageMakerClient(container[0])

    response = client.invoke({"prompt": "Hi"}, path="/invocations/", expect=307)

    assert response.headers["location"].endswith("/invocations")


def test_the_context_manager_runs_the_lifespan(
    container: tuple[FastAPI, Recording],
) -> None:
    app, record = container

    with SageMakerClient(app) as client:
        client.ping()
        assert record.lifespan == ["startup"]

    assert record.lifespan == ["startup", "shutdown"]


def test_an_exception_in_the_app_is_raised_or_answered_500() -> None:
    app = FastAPI()

    @app.post("/invocations")
    async def broken() -> None:
        raise RuntimeError("the engine is on fire")

    with pytest.raises(RuntimeError, match="on fire"):
        SageMakerClient(app).invoke({})
    answered = SageMakerClient(app, raise_server_exceptions=False).invoke(
        {}, expect=500
    )
    assert answered.text == "Internal Server Error"


@pytest.mark.parametrize(
    "arguments",
    [{}, {"app": FastAPI(), "base_url": "http://127.0.0.1:8080"}],
    ids=["neither", "both"],
)
def test_it_needs_an_app_or_a_base_url(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"either an app .* or the base_url"):
        SageMakerClient(**arguments)  # type: ignore[arg-type]

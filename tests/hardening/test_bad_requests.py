"""Every case of bad_requests.json, sent to the example containers and the engine.

Each case must get the status and the JSON error it documents, never a 500
and never a traceback, and the app must go on serving afterwards: an
adapter can still be loaded, asked and unloaded. Every case is sent twice:
in process, to a new app, and over HTTP, to one uvicorn server per app that
takes the whole catalogue in turn.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx2
import pytest
from starlette.testclient import TestClient

from lora_lab.engine import LoRAEngine
from tests.conftest import SampleAdapters
from tests.hardening.apps import KINDS, build_app, check_still_serving, load, unload
from tests.hardening.catalogue import Case, check_answer, load_catalogue
from tests.hardening.serving import serving

CASES = load_catalogue()
RUNS = [(case, app) for case in CASES for app in case.apps]


@pytest.mark.parametrize(
    ("case", "app"), RUNS, ids=[f"{app}:{case.name}" for case, app in RUNS]
)
def test_each_bad_request_gets_its_documented_answer(
    case: Case, app: str, samples: SampleAdapters
) -> None:
    engine = LoRAEngine()
    with TestClient(build_app(app, engine), raise_server_exceptions=False) as client:
        for name in case.adapters:
            load(client, app, name, samples.support)

        check_answer(case, client.request(**case.request(samples.support)))

        check_still_serving(client, app, samples.support)


def test_the_catalogue_covers_every_route_and_input() -> None:
    routes = {case.route for case in CASES}
    assert routes == {
        "register",
        "unregister",
        "list",
        "describe",
        "update",
        "invocations",
        "engine",
    }
    inputs = {case.input for case in CASES}
    for wanted in (
        "malformed JSON",
        "empty or whitespace body",
        "JSON null, array, string or number",
        "invalid UTF-8",
        "body of 10 MB",
        "nested 100,000 deep",
        "duplicate keys",
        "8 KB header",
        "name missing, empty, blank or not a string",
        "src missing, empty, blank or not a string",
        "unicode name",
        "name with / or ..",
        "src with path traversal",
        "wrong content type",
    ):
        assert wanted in inputs
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def live(
    samples: SampleAdapters,
) -> Iterator[dict[str, tuple[httpx2.Client, LoRAEngine]]]:
    """One server per app over real HTTP, shared by the whole catalogue."""
    with contextlib.ExitStack() as stack:
        clients = {}
        for kind in KINDS:
            engine = LoRAEngine()
            url = stack.enter_context(serving(build_app(kind, engine)))
            client = httpx2.Client(base_url=url, timeout=60, trust_env=False)
            clients[kind] = (stack.enter_context(client), engine)
        yield clients


@pytest.mark.parametrize(
    ("case", "app"), RUNS, ids=[f"{app}:{case.name}" for case, app in RUNS]
)
def test_each_bad_request_over_http(
    case: Case,
    app: str,
    samples: SampleAdapters,
    live: dict[str, tuple[httpx2.Client, LoRAEngine]],
) -> None:
    client, engine = live[app]
    for name in case.adapters:
        load(client, app, name, samples.support)

    check_answer(case, client.request(**case.request(samples.support)))

    check_still_serving(client, app, samples.support)
    for name in list(engine.adapters):
        unload(client, app, name)

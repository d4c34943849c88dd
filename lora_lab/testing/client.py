"""``SageMakerClient``: call a container the way SageMaker calls it."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx2
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from lora_lab.testing import calls
from lora_lab.testing.calls import NO_BODY, SageMakerCall
from lora_lab.testing.failure import check_response

TESTSERVER = "http://testserver"
"""The address an app served in process answers on."""


class SageMakerClient:
    """Send a container the requests SageMaker sends, and check the answers.

    Give it an app to call in process (no server, no port), or the
    ``base_url`` of a running container::

        client = SageMakerClient(app)
        client.register("support", "s3://bucket/support")
        client.invoke({"prompt": "Hello"}, adapter="support").json()

        client = SageMakerClient(base_url="http://127.0.0.1:8080")

    Every call returns the ``httpx2.Response``. By default a call checks its
    answer: a status outside 2xx raises
    :class:`~lora_lab.testing.SageMakerCallError`, an ``AssertionError``
    whose message shows the request sent and the response received, so a
    test or a notebook cell stops at the call that went wrong. Pass
    ``check=False`` to a call (or to the client) to get any response back,
    or ``expect=400`` to require one status exactly::

        client.register("bad", "", expect=400)

    Use it as a context manager to run the app's lifespan (startup and
    shutdown) around the calls and to close the connections afterwards.
    A request is never redirected: SageMaker does not follow redirects
    either. With ``raise_server_exceptions`` (in process only), an exception
    the app lets escape is raised in the test with its traceback, instead
    of becoming the 500 SageMaker would see.
    """

    def __init__(
        self,
        app: ASGIApp | None = None,
        *,
        base_url: str | None = None,
        check: bool = True,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        raise_server_exceptions: bool = True,
    ) -> None:
        if (app is None) == (base_url is None):
            raise ValueError(
                "SageMakerClient needs either an app to call in process or the "
                "base_url of a running container, not both and not neither"
            )
        self.check = check
        """Whether a call raises on a status outside 2xx, unless it says."""
        self.http: httpx2.Client = (
            TestClient(
                app,
                base_url=TESTSERVER,
                raise_server_exceptions=raise_server_exceptions,
                headers=dict(headers or {}),
                follow_redirects=False,
            )
            if app is not None
            # The container is addressed directly: proxy settings in the
            # environment must not send a local address elsewhere.
            else httpx2.Client(
                base_url=str(base_url),
                headers=dict(headers or {}),
                timeout=timeout,
                follow_redirects=False,
                trust_env=False,
            )
        )
        """The underlying client, for any other request."""

    def register(
        self,
        name: str,
        src: str,
        *,
        preload: bool | None = None,
        pin: bool | None = None,
        alias: str | None = None,
        as_query: bool = True,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Register adapter ``name`` from ``src``: ``POST /adapters``.

        The fields go in the query string, as SageMaker sends them
        (``?name=..&src=..&preload=true``); ``as_query=False`` sends them as
        a JSON body instead. ``preload`` and ``pin`` are sent only when
        given, ``alias`` as the ``X-Amzn-SageMaker-Adapter-Alias`` header,
        and ``extra`` adds fields of your own (``{"load_inplace": True}``).
        """
        call = calls.register(
            name,
            src,
            preload=preload,
            pin=pin,
            alias=alias,
            as_query=as_query,
            extra=extra,
            headers=headers,
        )
        return self._send(call, check, expect)

    def unregister(
        self,
        name: str,
        *,
        alias: str | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Unregister adapter ``name``: ``DELETE /adapters/{name}``.

        The name is quoted into one path segment (``org/tuned`` is sent as
        ``org%2Ftuned``).
        """
        call = calls.unregister(name, alias=alias, headers=headers)
        return self._send(call, check, expect)

    def invoke(
        self,
        body: Any,
        *,
        adapter: str | None = None,
        path: str = "/invocations",
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Send an inference request: ``POST /invocations`` by default.

        ``adapter`` is sent as the ``X-Amzn-SageMaker-Adapter-Identifier``
        header, as SageMaker does for a request that names an inference
        component's adapter. A ``dict`` or ``list`` body is sent as JSON; a
        ``str`` or ``bytes`` body as it is (set its ``Content-Type`` in
        ``headers``).
        """
        call = calls.invoke(body, adapter=adapter, path=path, headers=headers)
        return self._send(call, check, expect)

    def describe(
        self,
        name: str,
        *,
        alias: str | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Describe adapter ``name``: ``GET /adapters/{name}``."""
        call = calls.describe(name, alias=alias, headers=headers)
        return self._send(call, check, expect)

    def update(
        self,
        name: str,
        *,
        preload: bool | None = None,
        pin: bool | None = None,
        alias: str | None = None,
        as_query: bool = True,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Change how adapter ``name`` is kept: ``POST /adapters/{name}/update``.

        Only the flags given are sent, in the query string unless
        ``as_query=False``.
        """
        call = calls.update(
            name,
            preload=preload,
            pin=pin,
            alias=alias,
            as_query=as_query,
            extra=extra,
            headers=headers,
        )
        return self._send(call, check, expect)

    def ping(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Ask whether the container is healthy: ``GET /ping``."""
        return self._send(calls.ping(headers=headers), check, expect)

    def list(
        self,
        *,
        limit: int | None = None,
        next_page_token: int | str | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """List adapters, a page at a time: ``GET /adapters``.

        ``limit`` and ``next_page_token`` go in the query string when given;
        pass the ``next_page_token`` a page returned to get the next one.
        """
        call = calls.list_adapters(
            limit=limit, next_page_token=next_page_token, headers=headers
        )
        return self._send(call, check, expect)

    def close(self) -> None:
        """Close the connections (and end the app's lifespan, if it runs)."""
        self.http.close()

    def __enter__(self) -> SageMakerClient:
        self.http.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.http.__exit__(kind, error, traceback)

    def __repr__(self) -> str:
        return f"SageMakerClient(base_url={str(self.http.base_url)!r})"

    def _send(
        self, call: SageMakerCall, check: bool | None, expect: int | None
    ) -> httpx2.Response:
        response = self.http.send(build_request(self.http, call))
        return check_response(
            call.label,
            response,
            check=self.check if check is None else check,
            expect=expect,
        )


def build_request(
    client: httpx2.Client | httpx2.AsyncClient, call: SageMakerCall
) -> httpx2.Request:
    """Build the request ``client`` sends for ``call``."""
    options: dict[str, Any] = {"headers": call.headers}
    if call.params:
        options["params"] = call.params
    if call.json is not NO_BODY:
        options["json"] = call.json
    elif call.content is not None:
        options["content"] = call.content
    return client.build_request(call.method, call.path, **options)

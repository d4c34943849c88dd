"""``AsyncSageMakerClient``: the SageMaker client for async tests."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx2
from starlette.types import ASGIApp

from lora_lab.testing import calls
from lora_lab.testing.calls import SageMakerCall
from lora_lab.testing.client import TESTSERVER, build_request
from lora_lab.testing.failure import check_response


class AsyncSageMakerClient:
    """Send SageMaker's requests from async code; see :class:`SageMakerClient`.

    The calls, their arguments and the checking are those of
    :class:`~lora_lab.testing.SageMakerClient`, awaited::

        async with AsyncSageMakerClient(app) as client:
            await client.register("support", "s3://bucket/support")

    In process, the app is called through ``httpx2.ASGITransport``, which
    does not run the app's lifespan: start what the lifespan would start
    yourself, or test a running container through ``base_url``.
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
                "AsyncSageMakerClient needs either an app to call in process or "
                "the base_url of a running container, not both and not neither"
            )
        self.check = check
        transport = (
            None
            if app is None
            else httpx2.ASGITransport(app, raise_app_exceptions=raise_server_exceptions)
        )
        self.http = httpx2.AsyncClient(
            base_url=TESTSERVER if base_url is None else base_url,
            transport=transport,
            headers=dict(headers or {}),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
        )

    async def register(
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
        """Register adapter ``name`` from ``src``: ``POST /adapters``."""
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
        return await self._send(call, check, expect)

    async def unregister(
        self,
        name: str,
        *,
        alias: str | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Unregister adapter ``name``: ``DELETE /adapters/{name}``."""
        call = calls.unregister(name, alias=alias, headers=headers)
        return await self._send(call, check, expect)

    async def invoke(
        self,
        body: Any,
        *,
        adapter: str | None = None,
        path: str = "/invocations",
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Send an inference request, ``adapter`` in SageMaker's header."""
        call = calls.invoke(body, adapter=adapter, path=path, headers=headers)
        return await self._send(call, check, expect)

    async def describe(
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
        return await self._send(call, check, expect)

    async def update(
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
        """Change how adapter ``name`` is kept: ``POST /adapters/{name}/update``."""
        call = calls.update(
            name,
            preload=preload,
            pin=pin,
            alias=alias,
            as_query=as_query,
            extra=extra,
            headers=headers,
        )
        return await self._send(call, check, expect)

    async def ping(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """Ask whether the container is healthy: ``GET /ping``."""
        return await self._send(calls.ping(headers=headers), check, expect)

    async def list(
        self,
        *,
        limit: int | None = None,
        next_page_token: int | str | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool | None = None,
        expect: int | None = None,
    ) -> httpx2.Response:
        """List adapters, a page at a time: ``GET /adapters``."""
        call = calls.list_adapters(
            limit=limit, next_page_token=next_page_token, headers=headers
        )
        return await self._send(call, check, expect)

    async def aclose(self) -> None:
        """Close the connections."""
        await self.http.aclose()

    async def __aenter__(self) -> AsyncSageMakerClient:
        await self.http.__aenter__()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.http.__aexit__(kind, error, traceback)

    def __repr__(self) -> str:
        return f"AsyncSageMakerClient(base_url={str(self.http.base_url)!r})"

    async def _send(
        self, call: SageMakerCall, check: bool | None, expect: int | None
    ) -> httpx2.Response:
        response = await self.http.send(build_request(self.http, call))
        return check_response(
            call.label,
            response,
            check=self.check if check is None else check,
            expect=expect,
        )

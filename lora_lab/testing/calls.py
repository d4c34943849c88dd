"""The HTTP requests SageMaker sends a container, as plain descriptions.

Each function here describes one call (method, path, query string, body and
headers) without sending it, so that the sync and the async client send
exactly the same requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from lora_lab.transforms.lora.constants import SageMakerLoRAApiHeader

NO_BODY: Any = object()
"""The body of a call that sends none (``None`` is a JSON body: ``null``)."""


@dataclass(frozen=True)
class SageMakerCall:
    """One request SageMaker would send, and a short name for it in messages."""

    label: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = NO_BODY
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def adapter_path(name: str, suffix: str = "") -> str:
    """Return ``/adapters/<name><suffix>`` with ``name`` quoted as one segment.

    A ``/`` in the name becomes ``%2F`` and every other reserved character
    is escaped too, so ``org/tuned`` and ``a?b`` reach the container whole.
    A name of only dots is escaped as well, since a client would otherwise
    resolve ``..`` as "the parent folder".
    """
    segment = quote(name, safe="")
    if segment and set(segment) == {"."}:
        segment = "%2E" * len(segment)
    return f"/adapters/{segment}{suffix}"


def register(
    name: str,
    src: str,
    *,
    preload: bool | None,
    pin: bool | None,
    alias: str | None,
    as_query: bool,
    extra: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
) -> SageMakerCall:
    """Describe ``POST /adapters`` for adapter ``name`` at ``src``."""
    fields: dict[str, Any] = {"name": name, "src": src}
    fields |= _given(preload=preload, pin=pin)
    fields |= dict(extra or {})
    return _with_fields(
        f"register {name!r}",
        "POST",
        "/adapters",
        fields,
        as_query=as_query,
        headers=_headers(alias, headers),
    )


def unregister(
    name: str, *, alias: str | None, headers: Mapping[str, str] | None
) -> SageMakerCall:
    """Describe ``DELETE /adapters/{name}``."""
    return SageMakerCall(
        f"unregister {name!r}",
        "DELETE",
        adapter_path(name),
        headers=_headers(alias, headers),
    )


def list_adapters(
    *,
    limit: int | None,
    next_page_token: int | str | None,
    headers: Mapping[str, str] | None,
) -> SageMakerCall:
    """Describe ``GET /adapters``, with the paging fields that are given."""
    params = {
        key: _query_value(value)
        for key, value in _given(limit=limit, next_page_token=next_page_token).items()
    }
    return SageMakerCall(
        "list adapters", "GET", "/adapters", params, headers=dict(headers or {})
    )


def describe(
    name: str, *, alias: str | None, headers: Mapping[str, str] | None
) -> SageMakerCall:
    """Describe ``GET /adapters/{name}``."""
    return SageMakerCall(
        f"describe {name!r}",
        "GET",
        adapter_path(name),
        headers=_headers(alias, headers),
    )


def update(
    name: str,
    *,
    preload: bool | None,
    pin: bool | None,
    alias: str | None,
    as_query: bool,
    extra: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
) -> SageMakerCall:
    """Describe ``POST /adapters/{name}/update`` with the flags that are given."""
    fields = _given(preload=preload, pin=pin) | dict(extra or {})
    return _with_fields(
        f"update {name!r}",
        "POST",
        adapter_path(name, "/update"),
        fields,
        as_query=as_query,
        headers=_headers(alias, headers),
    )


def invoke(
    body: Any,
    *,
    adapter: str | None,
    path: str,
    headers: Mapping[str, str] | None,
) -> SageMakerCall:
    """Describe an inference request: ``body`` to ``path``, for ``adapter``.

    A ``str`` or ``bytes`` body is sent as it is; anything else as JSON.
    """
    sent = dict(headers or {})
    if adapter is not None:
        sent[SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER] = adapter
    label = "invoke" if adapter is None else f"invoke with adapter {adapter!r}"
    if isinstance(body, (str, bytes)):
        content = body.encode("utf-8") if isinstance(body, str) else body
        return SageMakerCall(label, "POST", path, content=content, headers=sent)
    return SageMakerCall(label, "POST", path, json=body, headers=sent)


def ping(*, headers: Mapping[str, str] | None) -> SageMakerCall:
    """Describe ``GET /ping``, SageMaker's health check."""
    return SageMakerCall("ping", "GET", "/ping", headers=dict(headers or {}))


def _with_fields(
    label: str,
    method: str,
    path: str,
    fields: dict[str, Any],
    *,
    as_query: bool,
    headers: dict[str, str],
) -> SageMakerCall:
    if as_query:
        params = {key: _query_value(value) for key, value in fields.items()}
        return SageMakerCall(label, method, path, params, headers=headers)
    return SageMakerCall(label, method, path, json=fields, headers=headers)


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _query_value(value: Any) -> str:
    # SageMaker writes booleans as JSON does; str(True) would send "True".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _headers(alias: str | None, headers: Mapping[str, str] | None) -> dict[str, str]:
    sent = dict(headers or {})
    if alias is not None:
        sent[SageMakerLoRAApiHeader.ADAPTER_ALIAS] = alias
    return sent

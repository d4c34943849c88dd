"""The request document that shapes are evaluated over, and reading bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request

from lora_lab.errors import Problem, RequestError

DEFAULT_MAX_BODY_SIZE = 8 * 1024 * 1024
"""The largest body, in bytes, an adapter management call reads: 8 MiB.

A register or update body is a few hundred bytes; the limit only keeps a
runaway client from making the server hold gigabytes.
"""


class HeaderMap(dict[str, str]):
    """Header names and values, looked up in any letter case.

    Names are stored in lower case; ``get`` lower-cases its key, which is the
    lookup JMESPath uses, so ``headers."X-Amzn-SageMaker-Adapter-Identifier"``
    and ``headers."x-amzn-sagemaker-adapter-identifier"`` find the same value.
    A header sent more than once has its values joined with ``", "``.
    """

    @classmethod
    def from_raw(
        cls,
        raw: Iterable[tuple[bytes, bytes]],
        names: frozenset[bytes] | None = None,
    ) -> HeaderMap:
        """Build the map from ASGI's raw headers; only ``names``, when given.

        ``names`` are lower-case ASCII, as :attr:`CompiledShape.header_names`
        gives them; comparing bytes spares decoding every other header.
        """
        headers = cls()
        for raw_name, raw_value in raw:
            if names is not None and raw_name.lower() not in names:
                continue
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            previous = dict.get(headers, name)
            headers[name] = value if previous is None else f"{previous}, {value}"
        return headers

    def get(self, key: str, default: Any = None) -> Any:
        if not isinstance(key, str):
            return default
        return dict.get(self, key.lower(), default)


def build_document(
    request: Request,
    body: Any,
    roots: frozenset[str],
    header_names: frozenset[bytes] | None = None,
) -> dict[str, Any]:
    """Build ``{body, headers, query_params, path_params}`` for ``request``.

    Only the roots a shape reads are filled in; the others are left out,
    which JMESPath sees as null, as it would an absent value. Likewise
    ``headers`` holds only ``header_names`` when they are given.
    """
    document: dict[str, Any] = {"body": body}
    if "headers" in roots:
        document["headers"] = HeaderMap.from_raw(request.scope["headers"], header_names)
    if "query_params" in roots:
        document["query_params"] = dict(request.query_params)
    if "path_params" in roots:
        document["path_params"] = dict(request.path_params)
    return document


async def read_body(request: Request, limit: int | None) -> bytes:
    """Return the request's body, or raise a 413 if it is over ``limit`` bytes.

    A ``Content-Length`` over the limit is refused before anything is read;
    a body sent without one is refused as soon as it passes the limit, so it
    is never held whole. With ``limit=None`` the body is read as it is. The
    request's own stream is spent: hand the handler a
    :class:`BufferedRequest` holding the bytes.
    """
    if limit is None:
        return await request.body()
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit():
        if int(declared) > limit:
            raise _too_large(limit)
        # The server reads no more than the declared length, so the body
        # fits; it is checked again all the same.
        raw = await request.body()
        if len(raw) > limit:
            raise _too_large(limit)
        return raw
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> RequestError:
    return RequestError(
        f"The request body is larger than {limit:,} bytes, the most this call accepts.",
        [Problem("body", f"the body is over the limit of {limit:,} bytes")],
        status_code=413,
    )


def full_document(request: Request, body: Any) -> dict[str, Any]:
    """Build the whole request document, every root filled in."""
    return build_document(
        request, body, frozenset(("headers", "query_params", "path_params"))
    )


def parse_json(
    raw: bytes, *, what: str = "request body", unique_keys: bool = True
) -> Any:
    """Parse ``raw`` as JSON or raise a :class:`RequestError` saying why not.

    A key given twice in one object is refused, naming the key: a dict keeps
    one value only, so the other would be dropped without a word. With
    ``unique_keys=False`` the last value is kept, as ``json.loads`` does.
    """
    try:
        return _loads(raw, _UNIQUE_KEYS if unique_keys else _LAST_VALUE_WINS)
    except DuplicateKeyError as error:
        key = error.key
        raise RequestError(
            f"The {what} gives the key {key!r} more than once in one object; "
            "give each key once.",
            [Problem(key, f"{key!r} is given more than once in one JSON object")],
        ) from None
    except json.JSONDecodeError as error:
        reason = f"{error.msg} at line {error.lineno}, column {error.colno}"
    except UnicodeDecodeError:
        reason = "it is not valid UTF-8"
    except RecursionError:
        reason = _TOO_DEEP
    except ValueError as error:
        reason = str(error)
    raise _not_json(what, reason)


def _not_json(what: str, reason: str) -> RequestError:
    return RequestError(
        f"The {what} is not valid JSON: {reason}.",
        [Problem("body", f"not valid JSON: {reason}")],
    )


def parse_json_object(
    raw: bytes, *, purpose: str, unique_keys: bool = True
) -> dict[str, Any]:
    """Parse ``raw`` as a JSON object; ``purpose`` says why one is needed."""
    try:
        payload = _loads(raw, _UNIQUE_KEYS if unique_keys else _LAST_VALUE_WINS)
    except (ValueError, RecursionError):
        payload = parse_json(raw, unique_keys=unique_keys)  # raises, saying why
    if not isinstance(payload, dict):
        kind = json_type_name(payload)
        raise RequestError(
            f"The request body must be a JSON object {purpose}, got {kind}.",
            [Problem("body", f"expected a JSON object, got {kind}")],
        )
    return payload


def json_type_name(value: Any) -> str:
    """Name ``value``'s JSON type as a client would: object, array, string..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class BufferedRequest(Request):
    """A request whose body was read by a transform and is handed on as given.

    ``body()``, ``json()`` and ``stream()`` answer from the buffer, so the
    handler reads the body a transform read, or rewrote, without reading
    the network again. When the body was rewritten, it is serialised only
    when the handler first asks for the bytes or the headers, and
    ``content-length`` then matches the new body.
    """

    _rewritten_headers: Headers | None = None

    def __init__(
        self,
        request: Request,
        *,
        body: bytes | None = None,
        payload: Any = None,
        rewritten: bool = False,
    ) -> None:
        super().__init__(request.scope, request.receive)
        self._buffered_body = body
        self._payload = payload
        self._rewritten = rewritten

    async def body(self) -> bytes:
        return self._bytes()

    async def json(self) -> Any:
        if self._payload is None:
            self._payload = json.loads(self._bytes())
        return self._payload

    async def stream(self) -> AsyncGenerator[bytes, None]:
        yield self._bytes()
        yield b""

    @property
    def headers(self) -> Headers:
        if not self._rewritten:
            return super().headers
        if self._rewritten_headers is None:
            length = str(len(self._bytes())).encode("latin-1")
            raw = [
                (name, length if name == b"content-length" else value)
                for name, value in self.scope["headers"]
            ]
            self._rewritten_headers = Headers(raw=raw)
        return self._rewritten_headers

    def _bytes(self) -> bytes:
        if self._buffered_body is None:
            try:
                self._buffered_body = serialize_json(self._payload)
            except RecursionError:
                # The body was parsed nearer the bottom of the stack than the
                # handler asks for it, so nesting that fit then may not now.
                # Raised inside the handler, this is still the client's 400.
                raise _not_json("request body", _TOO_DEEP) from None
        return self._buffered_body


def serialize_json(payload: Any) -> bytes:
    """Serialise ``payload`` compactly as UTF-8 JSON, keeping key order."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate came in as a \u escape; send it back as one.
        return json.dumps(payload, separators=(",", ":")).encode("ascii")


_TOO_DEEP = "it is nested too deeply"


class DuplicateKeyError(ValueError):
    """A JSON object gives one key more than once."""

    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return result


# Made once: json.loads builds a new decoder on every call given an option.
# The hook costs a Python call per JSON object and nothing per byte: free
# for a long prompt, up to twice the parsing time for a body of small objects.
_UNIQUE_KEYS = json.JSONDecoder(
    object_pairs_hook=_unique_object, parse_constant=_reject_constant
)
_LAST_VALUE_WINS = json.JSONDecoder(parse_constant=_reject_constant)


def _loads(raw: bytes, decoder: json.JSONDecoder) -> Any:
    """Parse ``raw`` as ``json.loads`` does, with ``decoder``'s rules."""
    # An object whose second byte is not zero is UTF-8 to detect_encoding:
    # the usual body, told without calling it.
    if raw[:1] == b"{" and raw[1:2] != b"\x00":
        return decoder.decode(raw.decode("utf-8", "surrogatepass"))
    return decoder.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))

"""Turning what a handler returns, and what went wrong, into HTTP responses.

Every error response lora_lab sends is made here, from a typed exception.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from fastapi.encoders import jsonable_encoder
from starlette.responses import JSONResponse, Response

from lora_lab.errors import Problem, RequestError
from lora_lab.shapes import CompiledShape
from lora_lab.transforms.document import HeaderMap, serialize_json


def as_response(result: Any) -> Response:
    """Return ``result`` as a response, the way a FastAPI endpoint would.

    A :class:`~starlette.responses.Response` is returned as it is; anything
    else (a dict, a list, a pydantic model, a string, None) is encoded as
    JSON with status 200.
    """
    if isinstance(result, Response):
        return result
    return JSONResponse(jsonable_encoder(result))


def error_response(error: RequestError) -> JSONResponse:
    """Return the JSON error response a client gets for ``error``."""
    return _FaithfulJSONResponse(error.to_dict(), status_code=error.status_code)


class _FaithfulJSONResponse(JSONResponse):
    # What it sends may quote a request or a handler's JSON, which can hold a
    # lone surrogate (sent as \ud800) or NaN: UTF-8 cannot encode the one and
    # JSONResponse refuses the other. Both go back as they came, escaped or
    # spelled NaN, instead of failing the response with a 500.
    def render(self, content: Any) -> bytes:
        return serialize_json(content)


def response_document(response: Response) -> dict[str, Any]:
    """Build ``{status_code, headers, body}`` for a response shape.

    The body is the parsed JSON when the response is JSON, else its text.
    """
    raw = bytes(getattr(response, "body", b""))
    body: Any = raw.decode("utf-8", errors="replace")
    if "json" in (response.media_type or response.headers.get("content-type", "")):
        with contextlib.suppress(ValueError):
            body = json.loads(raw)
    return {
        "status_code": response.status_code,
        "headers": HeaderMap.from_raw(response.raw_headers),
        "body": body,
    }


def shaped_response(response: Response, shape: CompiledShape) -> JSONResponse:
    """Return a JSON response built by evaluating ``shape`` over ``response``.

    A response the shape cannot be evaluated over (a function meeting the
    wrong type) is the container's fault, not the client's: the answer is
    a 500 whose JSON body names the expression that failed.
    """
    document = response_document(response)
    try:
        values = shape.evaluate(document)
    except Exception:
        problems = []
        for entry in shape:
            try:
                entry.search(document)
            except Exception as error:
                problems.append(
                    Problem(
                        entry.key,
                        f"response_shape[{entry.key!r}] = {entry.expression!r} "
                        f"failed on the handler's response: {error}",
                        location="response_shape",
                    )
                )
        failure = RequestError(
            "The handler's response does not fit its response shape.",
            problems,
            status_code=500,
        )
        return error_response(failure)
    return _FaithfulJSONResponse(values, status_code=response.status_code)

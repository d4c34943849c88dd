"""``GET /adapters``: list the registered adapters, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from lora_lab.errors import Problem
from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.document import DEFAULT_MAX_BODY_SIZE, build_document
from lora_lab.transforms.lora import openapi
from lora_lab.transforms.lora.base import LoRAAdapterTransform
from lora_lab.transforms.lora.error_mapping import ErrorMapping
from lora_lab.transforms.lora.fields import check_repeats, raise_problems

DEFAULT_LIMIT = 100


class ListLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's list call.

    The query string may carry ``limit`` (a positive integer, default 100)
    and ``next_page_token`` (the token a previous page returned, a
    non-negative integer). The shape sees them in ``query_params`` as
    integers, the default filled in. The handler's 200 response, typically
    ``{"adapters": [...], "next_page_token": ...}``, reaches the client as
    it is.
    """

    route = RouteConfig(
        path="/adapters",
        method="GET",
        tags=["adapters"],
        summary="List the registered LoRA adapters",
        openapi_extra=openapi.LIST,
        responses=openapi.responses(None, listed=True),
    )

    def __init__(
        self,
        request_shape: Mapping[str, Any] | None = None,
        response_shape: Mapping[str, Any] | None = None,
        *,
        error_mapping: ErrorMapping | None = None,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if error_mapping is None:
            error_mapping = ErrorMapping(
                (), engine_failure="The engine failed to list adapters"
            )
        super().__init__(
            request_shape,
            response_shape,
            error_mapping=error_mapping,
            max_body_size=max_body_size,
        )

    async def transform_request(self, request: Request) -> TransformedRequest:
        query = request.query_params
        problems = check_repeats(query, ("limit", "next_page_token"))
        limit = _integer(query.get("limit"), "limit", minimum=1, problems=problems)
        token = _integer(
            query.get("next_page_token"),
            "next_page_token",
            minimum=0,
            problems=problems,
        )
        raise_problems("list", problems)
        shape = self.request_shape
        document = build_document(request, None, shape.roots, shape.header_names)
        if "query_params" in document:
            document["query_params"] |= {
                "limit": DEFAULT_LIMIT if limit is None else limit,
                "next_page_token": token,
            }
        return TransformedRequest(
            request=request, document=document, values=self.evaluate(document)
        )


def _integer(
    value: str | None, name: str, *, minimum: int, problems: list[Problem]
) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        kind = "a positive integer" if minimum > 0 else "a non-negative integer"
        problems.append(Problem(name, f"{name} must be {kind}, got {value!r}", "query"))
        return None
    return number

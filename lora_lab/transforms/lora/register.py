"""``POST /adapters``: validate SageMaker's register request, call the handler."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.lora import openapi
from lora_lab.transforms.lora.base import LoRAAdapterTransform
from lora_lab.transforms.lora.constants import ResponseMessage
from lora_lab.transforms.lora.fields import (
    FLAGS,
    REQUIRED,
    check_flags,
    check_name_and_src,
    check_repeats,
    raise_problems,
    read_fields,
    well_formed_register_fields,
)


class RegisterLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's register call.

    The request's fields come from its JSON body or, when it has no body,
    from its query string (``POST /adapters?name=..&src=..``, as SageMaker
    sends it). ``name`` and ``src`` must be non-empty strings; ``preload``
    (default true) and ``pin`` (default false) booleans, and a pinned
    adapter must be preloaded. The shape sees ``body`` as sent, with those
    four fields checked and their defaults filled in; every other field the
    client sent is there as it came.
    """

    route = RouteConfig(
        path="/adapters",
        method="POST",
        tags=["adapters"],
        summary="Register a LoRA adapter",
        openapi_extra=openapi.REGISTER,
        responses=openapi.responses("registered", 409, 413, 507),
    )
    message = ResponseMessage.ADAPTER_REGISTERED

    async def transform_request(self, request: Request) -> TransformedRequest:
        sent, location, handed_on = await read_fields(
            request, "with the adapter's name and src", self.max_body_size
        )
        query = request.query_params if location == "query" else None
        fields = check_register_fields(sent, location, query)
        return self.shape_request(
            request,
            {**sent, **fields},
            handed_on=handed_on,
            adapter_name=fields["name"],
        )


def check_register_fields(
    sent: dict[str, Any], location: str, query: QueryParams | None = None
) -> dict[str, Any]:
    """Return ``name``, ``src``, ``preload`` and ``pin`` checked, defaults filled in.

    ``query`` is the query string when the fields came from it, so that a
    field given twice is caught. Raises :class:`RequestError` listing every
    field that is wrong.
    """
    if query is None:
        fields = well_formed_register_fields(sent)
        if fields is not None:
            return fields
    problems = check_repeats(query, (*REQUIRED, *FLAGS)) if query is not None else []
    names, name_problems = check_name_and_src(sent, location)
    flags, flag_problems = check_flags(sent, location, {"preload": True, "pin": False})
    raise_problems("register", [*problems, *name_problems, *flag_problems])
    return {**names, **flags}

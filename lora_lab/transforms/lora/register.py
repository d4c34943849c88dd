"""``POST /adapters``: validate SageMaker's register request, call the handler."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from lora_lab.errors import Problem, RequestError
from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.document import (
    BufferedRequest,
    build_document,
    json_type_name,
    parse_json_object,
)
from lora_lab.transforms.lora.base import LoRAAdapterTransform
from lora_lab.transforms.lora.constants import ResponseMessage

_REQUIRED = {
    "name": "the adapter's name",
    "src": "where the adapter's weights are, such as an S3 URI or a local path",
}
_FLAGS = {"preload": True, "pin": False}
_QUERY_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


class RegisterLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's register call.

    The request's fields come from its JSON body or, when it has no body,
    from its query string (``POST /adapters?name=..&src=..``, as SageMaker
    sends it). ``name`` and ``src`` must be non-empty strings; ``preload``
    (default true) and ``pin`` (default false) booleans. The shape sees
    ``body`` as sent, with those four fields validated and their defaults
    filled in; every other field the client sent is there as it came.
    """

    route = RouteConfig(
        path="/adapters",
        method="POST",
        tags=["adapters"],
        summary="Register a LoRA adapter",
    )
    message = ResponseMessage.ADAPTER_REGISTERED

    async def transform_request(self, request: Request) -> TransformedRequest:
        raw = await request.body()
        if raw.strip():
            sent = parse_json_object(raw, purpose="with the adapter's name and src")
            fields = validate_register_fields(sent, location="body")
            handed_on: Request = BufferedRequest(request, body=raw, payload=sent)
        else:
            sent = dict(request.query_params)
            fields = validate_register_fields(
                sent, location="query", query=request.query_params
            )
            handed_on = request
        body = {**sent, **fields}
        document = build_document(request, body, self.request_shape.roots)
        return TransformedRequest(
            request=handed_on,
            document=document,
            values=self.evaluate(document),
            adapter_name=fields["name"],
        )


def validate_register_fields(
    sent: dict[str, Any], *, location: str, query: QueryParams | None = None
) -> dict[str, Any]:
    """Return ``name``, ``src``, ``preload`` and ``pin`` checked, defaults filled in.

    Raises :class:`RequestError` listing every field that is wrong.
    """
    if query is None:
        # The request as SageMaker sends it, checked in one step; anything
        # else takes the long way, which says what is wrong.
        name = sent.get("name")
        src = sent.get("src")
        preload = sent.get("preload", True)
        pin = sent.get("pin", False)
        if (
            type(name) is str
            and name.strip()
            and type(src) is str
            and src.strip()
            and type(preload) is bool
            and type(pin) is bool
        ):
            return {"name": name, "src": src, "preload": preload, "pin": pin}
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    if query is not None:
        for name in (*_REQUIRED, *_FLAGS):
            count = len(query.getlist(name))
            if count > 1:
                problems.append(
                    Problem(
                        name,
                        f"{name} is given {count} times in the query string; "
                        "give it once",
                        location,
                    )
                )
    for name, meaning in _REQUIRED.items():
        value = sent.get(name)
        if name not in sent or value is None:
            problems.append(
                Problem(
                    name, f"{name} is required: {meaning}, a non-empty string", location
                )
            )
        elif not isinstance(value, str):
            problems.append(
                Problem(
                    name,
                    f"{name} must be a string, got {json_type_name(value)}",
                    location,
                )
            )
        elif not value.strip():
            problems.append(
                Problem(name, f"{name} must not be empty or only whitespace", location)
            )
        else:
            fields[name] = value
    for name, default in _FLAGS.items():
        value = sent.get(name, default)
        if location == "query" and isinstance(value, str):
            value = _QUERY_BOOLEANS.get(value.strip().lower(), value)
        if isinstance(value, bool):
            fields[name] = value
        else:
            problems.append(
                Problem(
                    name,
                    f"{name} must be true or false, got {json_type_name(value)}",
                    location,
                )
            )
    if problems:
        names = ", ".join(dict.fromkeys(problem.field for problem in problems))
        raise RequestError(f"Invalid register request: check {names}.", problems)
    return fields

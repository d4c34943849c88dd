"""``POST /adapters/{adapter_name}/update``: change how an adapter is kept."""

from __future__ import annotations

from starlette.requests import Request

from lora_lab.errors import Problem
from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.lora import openapi
from lora_lab.transforms.lora.base import LoRAAdapterTransform, adapter_name_from_path
from lora_lab.transforms.lora.constants import ResponseMessage
from lora_lab.transforms.lora.fields import (
    FLAGS,
    check_flags,
    check_repeats,
    raise_problems,
    read_fields,
)


class UpdateLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's update call.

    ``preload`` and ``pin`` come from the JSON body or the query string and
    are null when not given (only what is given changes). ``src`` cannot
    change: unregister the adapter and register it again instead. The shape
    sees ``body`` as sent with the two flags checked, and
    ``path_params.adapter_name``. A 200 becomes ``Adapter <name> updated``.
    """

    route = RouteConfig(
        path="/adapters/{adapter_name:path}/update",
        method="POST",
        tags=["adapters"],
        summary="Update a LoRA adapter's preload and pin settings",
        openapi_extra=openapi.UPDATE,
        responses=openapi.responses("updated", 404, 413),
    )
    message = ResponseMessage.ADAPTER_UPDATED

    async def transform_request(self, request: Request) -> TransformedRequest:
        name = adapter_name_from_path(request)
        sent, location, handed_on = await read_fields(
            request, "with preload or pin", self.max_body_size
        )
        problems = (
            check_repeats(request.query_params, FLAGS) if location == "query" else []
        )
        if "src" in sent:
            problems.append(
                Problem(
                    "src",
                    "src cannot be changed by an update; unregister the adapter and "
                    "register it again with the new src",
                    location,
                )
            )
        flags, flag_problems = check_flags(
            sent, location, {"preload": None, "pin": None}
        )
        raise_problems("update", [*problems, *flag_problems])
        return self.shape_request(
            request, {**sent, **flags}, handed_on=handed_on, adapter_name=name
        )

"""``DELETE /adapters/{adapter_name}``: call the handler for one adapter."""

from __future__ import annotations

from starlette.requests import Request

from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.document import BufferedRequest, parse_json, read_body
from lora_lab.transforms.lora import openapi
from lora_lab.transforms.lora.base import LoRAAdapterTransform, adapter_name_from_path
from lora_lab.transforms.lora.constants import ResponseMessage


class UnregisterLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's unregister call.

    The adapter's name is the path parameter ``adapter_name``, which may
    hold ``/``. SageMaker sends no body; a shape that reads ``body`` sees
    the JSON body when a client sends one, and null otherwise.
    """

    route = RouteConfig(
        path="/adapters/{adapter_name:path}",
        method="DELETE",
        tags=["adapters"],
        summary="Unregister a LoRA adapter",
        openapi_extra=openapi.NAMED,
        responses=openapi.responses("unregistered", 404),
    )
    message = ResponseMessage.ADAPTER_UNREGISTERED

    async def transform_request(self, request: Request) -> TransformedRequest:
        name = adapter_name_from_path(request)
        body = None
        handed_on = request
        if "body" in self.request_shape.roots:
            raw = await read_body(request, self.max_body_size)
            body = parse_json(raw) if raw.strip() else None
            handed_on = BufferedRequest(request, body=raw, payload=body)
        return self.shape_request(request, body, handed_on=handed_on, adapter_name=name)

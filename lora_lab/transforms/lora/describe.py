"""``GET /adapters/{adapter_name}``: describe one adapter."""

from __future__ import annotations

from starlette.requests import Request

from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.lora import openapi
from lora_lab.transforms.lora.base import LoRAAdapterTransform, adapter_name_from_path


class DescribeLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's describe call.

    The shape reads ``path_params.adapter_name`` (which may hold ``/``).
    The handler's 200 response, typically ``{"name", "src", "preload",
    "pin"}``, reaches the client as it is; an engine's "not found" becomes
    404 ``The adapter <name> was not found``.
    """

    route = RouteConfig(
        path="/adapters/{adapter_name:path}",
        method="GET",
        tags=["adapters"],
        summary="Describe a LoRA adapter",
        openapi_extra=openapi.NAMED,
        responses=openapi.responses(None, 404, described=True),
    )

    async def transform_request(self, request: Request) -> TransformedRequest:
        name = adapter_name_from_path(request)
        return self.shape_request(request, None, adapter_name=name)

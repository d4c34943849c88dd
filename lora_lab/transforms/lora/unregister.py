"""``DELETE /adapters/{adapter_name}``: call the handler for one adapter."""

from __future__ import annotations

from starlette.requests import Request

from lora_lab.errors import Problem, RequestError
from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import TransformedRequest
from lora_lab.transforms.document import BufferedRequest, build_document, parse_json
from lora_lab.transforms.lora.base import LoRAAdapterTransform
from lora_lab.transforms.lora.constants import ResponseMessage


class UnregisterLoRAApiTransform(LoRAAdapterTransform):
    """Serve SageMaker's unregister call.

    The adapter's name is the path parameter ``adapter_name``. SageMaker
    sends no body; a shape that reads ``body`` sees the JSON body when a
    client sends one, and null otherwise.
    """

    route = RouteConfig(
        path="/adapters/{adapter_name}",
        method="DELETE",
        tags=["adapters"],
        summary="Unregister a LoRA adapter",
    )
    message = ResponseMessage.ADAPTER_UNREGISTERED

    async def transform_request(self, request: Request) -> TransformedRequest:
        name = request.path_params.get("adapter_name", "")
        if not isinstance(name, str) or not name.strip():
            raise RequestError(
                "Invalid unregister request: check adapter_name.",
                [
                    Problem(
                        "adapter_name", "the adapter name in the path is empty", "path"
                    )
                ],
            )
        body = None
        handed_on = request
        if "body" in self.request_shape.roots:
            raw = await request.body()
            if raw.strip():
                body = parse_json(raw)
                handed_on = BufferedRequest(request, body=raw, payload=body)
        document = build_document(request, body, self.request_shape.roots)
        return TransformedRequest(
            request=handed_on,
            document=document,
            values=self.evaluate(document),
            adapter_name=name,
        )

"""What the LoRA adapter transforms share: SageMaker's success messages."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import PlainTextResponse, Response

from lora_lab.transforms.base import BaseApiTransform, TransformedRequest
from lora_lab.transforms.lora.constants import SageMakerLoRAApiHeader
from lora_lab.transforms.responses import as_response, shaped_response


class LoRAAdapterTransform(BaseApiTransform):
    """A transform for an adapter management call (register, unregister).

    A 200 from the handler becomes SageMaker's confirmation,
    ``Adapter {alias or name} <verb>``, where the alias is the
    ``X-Amzn-SageMaker-Adapter-Alias`` header. With a response shape, a 200
    becomes the JSON the shape builds from the handler's response instead.
    Any other status passes through unchanged.
    """

    message: ClassVar[str] = "Adapter {alias}"

    def transform_response(
        self, result: Any, transformed: TransformedRequest
    ) -> Response:
        response = as_response(result)
        if response.status_code != 200:
            return response
        if self.response_shape is not None:
            return shaped_response(response, self.response_shape)
        alias = transformed.request.headers.get(SageMakerLoRAApiHeader.ADAPTER_ALIAS)
        return PlainTextResponse(
            self.message.format(alias=alias or transformed.adapter_name)
        )

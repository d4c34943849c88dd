"""The LoRA transform decorator factory and the handler types it knows."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from lora_lab.registry import HandlerRegistry
from lora_lab.transforms.base import BaseApiTransform
from lora_lab.transforms.factory import Decorator, create_transform_decorator
from lora_lab.transforms.lora.constants import LoRAHandlerType
from lora_lab.transforms.lora.describe import DescribeLoRAApiTransform
from lora_lab.transforms.lora.inject import InjectToBodyApiTransform
from lora_lab.transforms.lora.listing import ListLoRAApiTransform
from lora_lab.transforms.lora.register import RegisterLoRAApiTransform
from lora_lab.transforms.lora.unregister import UnregisterLoRAApiTransform
from lora_lab.transforms.lora.update import UpdateLoRAApiTransform

LORA_TRANSFORMS: dict[str, type[BaseApiTransform]] = {
    LoRAHandlerType.REGISTER_ADAPTER.value: RegisterLoRAApiTransform,
    LoRAHandlerType.UNREGISTER_ADAPTER.value: UnregisterLoRAApiTransform,
    LoRAHandlerType.INJECT_ADAPTER_ID.value: InjectToBodyApiTransform,
    LoRAHandlerType.LIST_ADAPTERS.value: ListLoRAApiTransform,
    LoRAHandlerType.DESCRIBE_ADAPTER.value: DescribeLoRAApiTransform,
    LoRAHandlerType.UPDATE_ADAPTER.value: UpdateLoRAApiTransform,
}


def resolve_lora_transform(handler_type: str) -> type[BaseApiTransform]:
    """Return the transform class for a LoRA handler type.

    Raises ``ValueError`` naming the types there are for any other name.
    """
    try:
        return LORA_TRANSFORMS[handler_type]
    except KeyError:
        known = ", ".join(sorted(LORA_TRANSFORMS))
        raise ValueError(
            f"{handler_type!r} is not a LoRA handler type; use one of: {known}"
        ) from None


def create_lora_transform_decorator(
    handler_type: str | Enum, *, registry: HandlerRegistry | None = None
) -> Callable[..., Decorator]:
    """Return the decorator factory for a LoRA handler type.

    ``handler_type`` is a :class:`LoRAHandlerType` member or its value::

        register = create_lora_transform_decorator(LoRAHandlerType.REGISTER_ADAPTER)

        @register(request_shape={"adapter_id": "body.name"})
        async def load(data, raw_request): ...
    """
    return create_transform_decorator(
        handler_type, resolve_lora_transform, registry=registry
    )

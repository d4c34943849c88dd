"""The LoRA adapter transforms: register, unregister and inject."""

from lora_lab.transforms.lora.constants import LoRAHandlerType, SageMakerLoRAApiHeader
from lora_lab.transforms.lora.decorators import (
    inject_adapter_id,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)
from lora_lab.transforms.lora.factory import (
    create_lora_transform_decorator,
    resolve_lora_transform,
)
from lora_lab.transforms.lora.inject import AppendOperation, InjectToBodyApiTransform
from lora_lab.transforms.lora.register import RegisterLoRAApiTransform
from lora_lab.transforms.lora.unregister import UnregisterLoRAApiTransform

__all__ = [
    "AppendOperation",
    "InjectToBodyApiTransform",
    "LoRAHandlerType",
    "RegisterLoRAApiTransform",
    "SageMakerLoRAApiHeader",
    "UnregisterLoRAApiTransform",
    "create_lora_transform_decorator",
    "inject_adapter_id",
    "register_load_adapter_handler",
    "register_unload_adapter_handler",
    "resolve_lora_transform",
]

"""The LoRA adapter transforms: register, unregister and inject."""

from lora_lab.transforms.lora.constants import LoRAHandlerType, SageMakerLoRAApiHeader
from lora_lab.transforms.lora.decorators import (
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)
from lora_lab.transforms.lora.describe import DescribeLoRAApiTransform
from lora_lab.transforms.lora.error_mapping import (
    DEFAULT_RULES,
    PASS_THROUGH,
    ErrorMapping,
    ErrorRule,
)
from lora_lab.transforms.lora.factory import (
    create_lora_transform_decorator,
    resolve_lora_transform,
)
from lora_lab.transforms.lora.inject import (
    AppendOperation,
    InjectToBodyApiTransform,
    PrependOperation,
)
from lora_lab.transforms.lora.listing import ListLoRAApiTransform
from lora_lab.transforms.lora.register import RegisterLoRAApiTransform
from lora_lab.transforms.lora.unregister import UnregisterLoRAApiTransform
from lora_lab.transforms.lora.update import UpdateLoRAApiTransform

__all__ = [
    "DEFAULT_RULES",
    "PASS_THROUGH",
    "AppendOperation",
    "DescribeLoRAApiTransform",
    "ErrorMapping",
    "ErrorRule",
    "InjectToBodyApiTransform",
    "ListLoRAApiTransform",
    "LoRAHandlerType",
    "PrependOperation",
    "RegisterLoRAApiTransform",
    "SageMakerLoRAApiHeader",
    "UnregisterLoRAApiTransform",
    "UpdateLoRAApiTransform",
    "create_lora_transform_decorator",
    "inject_adapter_id",
    "register_describe_adapter_handler",
    "register_list_adapters_handler",
    "register_load_adapter_handler",
    "register_unload_adapter_handler",
    "register_update_adapter_handler",
    "resolve_lora_transform",
]

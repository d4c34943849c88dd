"""The names of SageMaker's ``model_hosting_container_standards.sagemaker``.

Write ``from lora_lab.sagemaker import ...`` while prototyping; in
production, change it to ``from model_hosting_container_standards.sagemaker
import ...`` and nothing else.
"""

from lora_lab.registry import handler_registry
from lora_lab.routes import bootstrap
from lora_lab.transforms import (
    BaseApiTransform,
    RouteConfig,
    create_transform_decorator,
)
from lora_lab.transforms.lora import (
    LoRAHandlerType,
    SageMakerLoRAApiHeader,
    create_lora_transform_decorator,
    inject_adapter_id,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)

__all__ = [
    "BaseApiTransform",
    "LoRAHandlerType",
    "RouteConfig",
    "SageMakerLoRAApiHeader",
    "bootstrap",
    "create_lora_transform_decorator",
    "create_transform_decorator",
    "handler_registry",
    "inject_adapter_id",
    "register_load_adapter_handler",
    "register_unload_adapter_handler",
]

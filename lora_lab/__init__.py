"""Learn, prototype and test SageMaker LoRA adapter handlers.

The names here are those of SageMaker's own package, so a prototype moves
to production by changing one import (see :mod:`lora_lab.sagemaker`).
"""

from lora_lab.errors import LoraLabError, RequestError, ShapeError
from lora_lab.registry import HandlerRegistry, handler_registry
from lora_lab.routes import bootstrap
from lora_lab.transforms import (
    BaseApiTransform,
    RouteConfig,
    TransformedRequest,
    create_transform_decorator,
)
from lora_lab.transforms.lora import (
    AppendOperation,
    ErrorMapping,
    ErrorRule,
    LoRAHandlerType,
    PrependOperation,
    SageMakerLoRAApiHeader,
    create_lora_transform_decorator,
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)

__version__ = "0.1.0"

__all__ = [
    "AppendOperation",
    "BaseApiTransform",
    "ErrorMapping",
    "ErrorRule",
    "HandlerRegistry",
    "LoRAHandlerType",
    "LoraLabError",
    "PrependOperation",
    "RequestError",
    "RouteConfig",
    "SageMakerLoRAApiHeader",
    "ShapeError",
    "TransformedRequest",
    "bootstrap",
    "create_lora_transform_decorator",
    "create_transform_decorator",
    "handler_registry",
    "inject_adapter_id",
    "register_describe_adapter_handler",
    "register_list_adapters_handler",
    "register_load_adapter_handler",
    "register_unload_adapter_handler",
    "register_update_adapter_handler",
]

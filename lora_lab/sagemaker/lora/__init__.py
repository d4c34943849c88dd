"""The names of SageMaker's ``model_hosting_container_standards.sagemaker.lora``."""

from lora_lab.transforms.lora import (
    LoRAHandlerType,
    SageMakerLoRAApiHeader,
    create_lora_transform_decorator,
)

__all__ = [
    "LoRAHandlerType",
    "SageMakerLoRAApiHeader",
    "create_lora_transform_decorator",
]

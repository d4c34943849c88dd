"""Transforms: turn a request into a handler call and its result into a response."""

from lora_lab.registry import RouteConfig
from lora_lab.transforms.base import BaseApiTransform, TransformedRequest
from lora_lab.transforms.factory import create_transform_decorator

__all__ = [
    "BaseApiTransform",
    "RouteConfig",
    "TransformedRequest",
    "create_transform_decorator",
]

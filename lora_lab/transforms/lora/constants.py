"""Names SageMaker's adapter API uses: handler types, headers, messages."""

from __future__ import annotations

from enum import Enum


class LoRAHandlerType(str, Enum):
    """The LoRA handler types; each member's value is its registry name."""

    REGISTER_ADAPTER = "register_adapter"
    UNREGISTER_ADAPTER = "unregister_adapter"
    INJECT_ADAPTER_ID = "inject_adapter_id"
    LIST_ADAPTERS = "list_adapters"
    DESCRIBE_ADAPTER = "describe_adapter"
    UPDATE_ADAPTER = "update_adapter"

    def __str__(self) -> str:
        return self.value


class SageMakerLoRAApiHeader:
    """Headers SageMaker sets on adapter and inference requests."""

    ADAPTER_IDENTIFIER = "X-Amzn-SageMaker-Adapter-Identifier"
    ADAPTER_ALIAS = "X-Amzn-SageMaker-Adapter-Alias"


class ResponseMessage:
    """Bodies of the responses SageMaker expects from a successful call."""

    ADAPTER_REGISTERED = "Adapter {alias} registered"
    ADAPTER_UNREGISTERED = "Adapter {alias} unregistered"
    ADAPTER_UPDATED = "Adapter {alias} updated"


ADAPTER_ID_EXPRESSION = f'headers."{SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER}"'
"""The expression that reads the adapter identifier header."""

"""A decorator described as data, so a form, a command line or a file can make one."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from lora_lab.registry import HandlerRegistry
from lora_lab.transforms.factory import HandlerDecorator
from lora_lab.transforms.lora import (
    LoRAHandlerType,
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_load_adapter_handler,
    register_unload_adapter_handler,
    register_update_adapter_handler,
)
from lora_lab.transforms.lora.constants import ADAPTER_ID_EXPRESSION
from lora_lab.transforms.lora.inject import InjectToBodyApiTransform

HandlerKind = Literal["register", "unregister", "list", "describe", "update", "inject"]

HANDLER_TYPES: Mapping[str, str] = {
    "register": LoRAHandlerType.REGISTER_ADAPTER.value,
    "unregister": LoRAHandlerType.UNREGISTER_ADAPTER.value,
    "list": LoRAHandlerType.LIST_ADAPTERS.value,
    "describe": LoRAHandlerType.DESCRIBE_ADAPTER.value,
    "update": LoRAHandlerType.UPDATE_ADAPTER.value,
    "inject": LoRAHandlerType.INJECT_ADAPTER_ID.value,
}
"""The handler type each kind of decorator registers."""

_SHAPED: Mapping[str, Callable[..., HandlerDecorator]] = {
    "register": register_load_adapter_handler,
    "unregister": register_unload_adapter_handler,
    "list": register_list_adapters_handler,
    "describe": register_describe_adapter_handler,
    "update": register_update_adapter_handler,
}
_SHAPE_FIELDS = ("handler", "request_shape", "response_shape")
_FIELDS = {
    **dict.fromkeys(_SHAPED, _SHAPE_FIELDS),
    "inject": ("handler", "adapter_path", "append", "prepend", "separator"),
}


class SettingsError(ValueError):
    """Decorator settings that name no decorator; the message names the field."""


@dataclass(frozen=True)
class DecoratorSettings:
    """The arguments of one of the LoRA decorators, as plain data.

    ``handler`` is ``"register"``, ``"unregister"``, ``"list"``,
    ``"describe"``, ``"update"`` or ``"inject"``. All but inject take
    ``request_shape`` (and optionally ``response_shape``); inject takes
    ``adapter_path``, ``append`` or ``prepend``, and ``separator``::

        DecoratorSettings("register", request_shape={"adapter_id": "body.name"})
        DecoratorSettings("inject", adapter_path="model", append=True, separator=":")
        DecoratorSettings("inject", adapter_path="model", prepend=True, separator=":")
    """

    handler: HandlerKind
    request_shape: Mapping[str, Any] | None = None
    response_shape: Mapping[str, Any] | None = None
    adapter_path: str | None = None
    append: bool = False
    separator: str | None = None
    prepend: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecoratorSettings:
        """Read settings from a dict, such as a case file's ``decorator``.

        Raises :class:`SettingsError` naming an unknown handler or field.
        """
        handler = data.get("handler")
        if handler not in _FIELDS:
            raise SettingsError(
                f"handler must be one of {', '.join(_FIELDS)}, got {handler!r}"
            )
        unknown = [key for key in data if key not in _FIELDS[handler]]
        if unknown:
            raise SettingsError(
                f"{unknown[0]!r} is not a setting of the {handler} decorator; "
                f"use {', '.join(_FIELDS[handler][1:])}"
            )
        for name in ("request_shape", "response_shape"):
            value = data.get(name)
            if value is not None and not isinstance(value, Mapping):
                raise SettingsError(
                    f"{name} must be a dict of JMESPath expressions, got "
                    f"{type(value).__name__}"
                )
        for name in ("append", "prepend"):
            flag = data.get(name, False)
            if not isinstance(flag, bool):
                raise SettingsError(f"{name} must be true or false, got {flag!r}")
        return cls(
            handler=cast(HandlerKind, handler),
            request_shape=data.get("request_shape"),
            response_shape=data.get("response_shape"),
            adapter_path=data.get("adapter_path"),
            append=data.get("append", False),
            separator=data.get("separator"),
            prepend=data.get("prepend", False),
        )

    @classmethod
    def of(cls, decorator: HandlerDecorator) -> DecoratorSettings | None:
        """Return the settings that make ``decorator``; None for a type of your own."""
        kinds = {value: kind for kind, value in HANDLER_TYPES.items()}
        kind = kinds.get(decorator.handler_type)
        transform = decorator.transform
        if kind is None:
            return None
        if kind != "inject":
            return cls(
                cast(HandlerKind, kind),
                request_shape=None
                if transform is None
                else transform.request_shape.source,
                response_shape=(
                    None
                    if transform is None or transform.response_shape is None
                    else transform.response_shape.source
                ),
            )
        if (
            not isinstance(transform, InjectToBodyApiTransform)
            or len(transform.injections) != 1
        ):
            return None
        injection = transform.injections[0]
        return cls(
            "inject",
            adapter_path=injection.target,
            append=injection.joins and not injection.prepends,
            separator=injection.separator,
            prepend=injection.prepends,
        )

    @property
    def handler_type(self) -> str:
        """The registry name of the handler type: ``register_adapter``..."""
        return HANDLER_TYPES[self.handler]

    @property
    def factory_name(self) -> str:
        """The name of the decorator factory: ``register_load_adapter_handler``..."""
        if self.handler == "inject":
            return "inject_adapter_id"
        return _SHAPED[self.handler].__name__

    @property
    def shape(self) -> Mapping[str, Any] | None:
        """The request shape as the transform sees it (inject: path -> header)."""
        if self.handler != "inject":
            return self.request_shape
        return {str(self.adapter_path): ADAPTER_ID_EXPRESSION}

    def decorator(self, *, registry: HandlerRegistry | None = None) -> HandlerDecorator:
        """Make the decorator these settings describe.

        Raises :class:`~lora_lab.errors.ShapeError` or ``ValueError`` as the
        decorator itself does for bad settings.
        """
        if self.handler == "inject":
            return inject_adapter_id(
                cast(str, self.adapter_path),
                append=self.append,
                separator=self.separator,
                prepend=self.prepend,
                registry=registry,
            )
        factory = _SHAPED[self.handler]
        return factory(self.request_shape, self.response_shape, registry=registry)

    def source(self) -> str:
        """Return the decorator as it is written in Python, for display."""
        if self.handler == "inject":
            arguments = [repr(self.adapter_path)]
            if self.append:
                arguments.append("append=True")
            if self.prepend:
                arguments.append("prepend=True")
            if self.separator is not None:
                arguments.append(f"separator={self.separator!r}")
        else:
            arguments = [f"request_shape={_python(self.request_shape)}"]
            if self.response_shape is not None:
                arguments.append(f"response_shape={_python(self.response_shape)}")
        return f"@{self.factory_name}({', '.join(arguments)})"

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data, the form ``from_dict`` reads."""
        data: dict[str, Any] = {"handler": self.handler}
        if self.handler == "inject":
            data["adapter_path"] = self.adapter_path
            data["append"] = self.append
            if self.prepend:
                data["prepend"] = True
            data["separator"] = self.separator
        else:
            data["request_shape"] = self.request_shape
            if self.response_shape is not None:
                data["response_shape"] = self.response_shape
        return data


def _python(shape: Mapping[str, Any] | None) -> str:
    # JSON of a dict of strings is also its Python spelling, and reads better.
    if shape is not None and _only_strings(shape):
        return json.dumps(shape, ensure_ascii=False)
    return repr(shape)


def _only_strings(shape: Mapping[str, Any]) -> bool:
    return all(
        isinstance(key, str)
        and (
            isinstance(value, str)
            or (isinstance(value, Mapping) and _only_strings(value))
        )
        for key, value in shape.items()
    )

"""The convenience decorators, named as in SageMaker's own package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lora_lab.registry import HandlerRegistry
from lora_lab.transforms.document import DEFAULT_MAX_BODY_SIZE
from lora_lab.transforms.factory import Decorator
from lora_lab.transforms.lora.constants import ADAPTER_ID_EXPRESSION, LoRAHandlerType
from lora_lab.transforms.lora.error_mapping import ErrorMapping
from lora_lab.transforms.lora.factory import create_lora_transform_decorator
from lora_lab.transforms.lora.inject import (
    AppendOperation,
    PrependOperation,
    parse_body_path,
)


def register_load_adapter_handler(
    request_shape: Mapping[str, Any] | None = None,
    response_shape: Mapping[str, Any] | None = None,
    *,
    registry: HandlerRegistry | None = None,
    error_mapping: ErrorMapping | None = None,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
) -> Decorator:
    """Register the handler that loads an adapter, mounted at ``POST /adapters``.

    The handler receives ``(data, raw_request)``: ``data`` is a
    ``SimpleNamespace`` of what ``request_shape`` found in the request::

        @register_load_adapter_handler(
            request_shape={"lora_name": "body.name", "lora_path": "body.src"}
        )
        async def load(data, raw_request):
            await engine.load(data.lora_name, data.lora_path)
            return Response(status_code=200)

    A 200 becomes SageMaker's ``Adapter <name> registered``. A request
    without a valid ``name`` and ``src`` is answered with 400 before the
    handler is called, a body over ``max_body_size`` bytes (8 MiB; None for
    no limit) with 413. A failure is mapped by ``error_mapping`` (the
    defaults know the reference engine's, vLLM's and SGLang's messages).
    """
    return _decorate(
        LoRAHandlerType.REGISTER_ADAPTER,
        request_shape,
        response_shape,
        registry,
        error_mapping,
        max_body_size,
    )


def register_unload_adapter_handler(
    request_shape: Mapping[str, Any] | None = None,
    response_shape: Mapping[str, Any] | None = None,
    *,
    registry: HandlerRegistry | None = None,
    error_mapping: ErrorMapping | None = None,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
) -> Decorator:
    """Register the handler that unloads an adapter.

    It is mounted at ``DELETE /adapters/{adapter_name}``;

    ``path_params.adapter_name`` holds the adapter's name::

        @register_unload_adapter_handler(
            request_shape={"lora_name": "path_params.adapter_name"}
        )
        async def unload(data, raw_request): ...

    A 200 becomes SageMaker's ``Adapter <name> unregistered``; the name may
    contain ``/``. SageMaker sends no body; one is read only when the shape
    reads ``body``, up to ``max_body_size`` bytes.
    """
    return _decorate(
        LoRAHandlerType.UNREGISTER_ADAPTER,
        request_shape,
        response_shape,
        registry,
        error_mapping,
        max_body_size,
    )


def register_list_adapters_handler(
    request_shape: Mapping[str, Any] | None = None,
    response_shape: Mapping[str, Any] | None = None,
    *,
    registry: HandlerRegistry | None = None,
    error_mapping: ErrorMapping | None = None,
) -> Decorator:
    """Register the handler that lists adapters, mounted at ``GET /adapters``.

    ``query_params.limit`` (default 100) and ``query_params.next_page_token``
    arrive checked, as integers::

        @register_list_adapters_handler(
            request_shape={"limit": "query_params.limit",
                           "start": "query_params.next_page_token"}
        )
        async def list_adapters(data, raw_request):
            names = sorted(engine.adapters)[data.start or 0:][: data.limit]
            return {"adapters": [{"name": n} for n in names], "next_page_token": None}
    """
    return _decorate(
        LoRAHandlerType.LIST_ADAPTERS,
        request_shape,
        response_shape,
        registry,
        error_mapping,
    )


def register_describe_adapter_handler(
    request_shape: Mapping[str, Any] | None = None,
    response_shape: Mapping[str, Any] | None = None,
    *,
    registry: HandlerRegistry | None = None,
    error_mapping: ErrorMapping | None = None,
) -> Decorator:
    """Register the handler that describes an adapter.

    It is mounted at ``GET /adapters/{adapter_name}``.

    Return the adapter's description (``{"name", "src", "preload", "pin"}``);
    an engine's "not found" becomes 404 ``The adapter <name> was not found``.
    """
    return _decorate(
        LoRAHandlerType.DESCRIBE_ADAPTER,
        request_shape,
        response_shape,
        registry,
        error_mapping,
    )


def register_update_adapter_handler(
    request_shape: Mapping[str, Any] | None = None,
    response_shape: Mapping[str, Any] | None = None,
    *,
    registry: HandlerRegistry | None = None,
    error_mapping: ErrorMapping | None = None,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
) -> Decorator:
    """Register the handler that updates an adapter.

    It is mounted at ``POST /adapters/{adapter_name}/update``; ``preload``
    and ``pin`` are null unless the request sets them, and ``src`` cannot
    change. A 200 becomes ``Adapter <name> updated``; a body over
    ``max_body_size`` bytes is refused with 413.
    """
    return _decorate(
        LoRAHandlerType.UPDATE_ADAPTER,
        request_shape,
        response_shape,
        registry,
        error_mapping,
        max_body_size,
    )


def inject_adapter_id(
    adapter_path: str,
    append: bool = False,
    separator: str | None = None,
    *,
    prepend: bool = False,
    registry: HandlerRegistry | None = None,
) -> Decorator:
    """Copy the ``X-Amzn-SageMaker-Adapter-Identifier`` header into the JSON body.

    ``adapter_path`` names the body field, with dots for nested fields
    (``"model"``, ``"parameters.adapter"``); missing parents are created.
    The value replaces what is there or, with ``append=True``, is appended
    to it after ``separator`` (``prepend=True`` puts it in front, before
    ``separator``: ``base`` becomes ``adapter:base``)::

        @app.post("/v1/completions")
        @inject_adapter_id("model", append=True, separator=":")
        async def completions(raw_request: Request): ...

    A request without the header is handed on untouched. Raises
    ``ValueError`` for an empty or non-string path, ``append=True`` (or
    ``prepend=True``) without a separator, a separator without either, or
    both at once.
    """
    parse_body_path(adapter_path)
    joins = "append=True" if append else "prepend=True"
    if append and prepend:
        raise ValueError(
            "inject_adapter_id: choose append=True or prepend=True, not both"
        )
    if (append or prepend) and separator is None:
        raise ValueError(
            f"inject_adapter_id: {joins} needs a separator, such as ':' "
            "(use '' to join without one)"
        )
    if not (append or prepend) and separator is not None:
        raise ValueError(
            f"inject_adapter_id: separator={separator!r} is only used with "
            "append=True or prepend=True"
        )
    if separator is not None and not isinstance(separator, str):
        raise ValueError(
            f"inject_adapter_id: separator must be a string, got {separator!r}"
        )
    value: str | AppendOperation | PrependOperation = ADAPTER_ID_EXPRESSION
    if separator is not None:
        operation = PrependOperation if prepend else AppendOperation
        value = operation(separator, ADAPTER_ID_EXPRESSION)
    return create_lora_transform_decorator(
        LoRAHandlerType.INJECT_ADAPTER_ID, registry=registry
    )(request_shape={adapter_path: value})


def _decorate(
    handler_type: LoRAHandlerType,
    request_shape: Mapping[str, Any] | None,
    response_shape: Mapping[str, Any] | None,
    registry: HandlerRegistry | None,
    error_mapping: ErrorMapping | None,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
) -> Decorator:
    # Options are passed only when given: a decorator with no shapes and no
    # options mounts the handler unchanged.
    options: dict[str, Any] = {}
    if error_mapping is not None:
        options["error_mapping"] = error_mapping
    if max_body_size != DEFAULT_MAX_BODY_SIZE:
        options["max_body_size"] = max_body_size
    return create_lora_transform_decorator(handler_type, registry=registry)(
        request_shape, response_shape, **options
    )

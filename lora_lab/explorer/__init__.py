"""See, before deploying, what a handler receives for a request.

:func:`preview` runs a pasted request (raw HTTP, a curl command or a dict)
through the very transform a decorator installs and returns a
:class:`Preview`: each shape key's value or error, what the handler
receives, the body after injection, and the response. Needs the
``explorer`` extra (``pip install 'lora_lab[explorer]'``)::

    from lora_lab import register_load_adapter_handler
    from lora_lab.explorer import preview

    preview(
        "POST /adapters HTTP/1.1\\n\\n{\\"name\\": \\"a\\", \\"src\\": \\"s3://b/a\\"}",
        register_load_adapter_handler(request_shape={"adapter_id": "body.name"}),
    )

:class:`ShapeExplorer` is the same preview as an interactive notebook
widget that updates as you type; it needs the ``ui`` extra, and ipywidgets
is imported only when it is first used.
"""

from typing import TYPE_CHECKING, Any

from lora_lab.explorer.parse import parse_request
from lora_lab.explorer.preview import preview, preview_async
from lora_lab.explorer.request import ParsedRequest, RequestParseError
from lora_lab.explorer.result import (
    ExpressionError,
    ExpressionResult,
    HandlerInput,
    InjectionView,
    InputError,
    Preview,
    Rejection,
    RequestView,
    ResponseView,
)
from lora_lab.explorer.settings import DecoratorSettings, SettingsError

if TYPE_CHECKING:
    from lora_lab.explorer.widget import ShapeExplorer

__all__ = [
    "DecoratorSettings",
    "ExpressionError",
    "ExpressionResult",
    "HandlerInput",
    "InjectionView",
    "InputError",
    "ParsedRequest",
    "Preview",
    "Rejection",
    "RequestParseError",
    "RequestView",
    "ResponseView",
    "SettingsError",
    "ShapeExplorer",
    "parse_request",
    "preview",
    "preview_async",
]


def __getattr__(name: str) -> Any:
    # ipywidgets is heavy and optional: import the widget when it is asked for.
    if name != "ShapeExplorer":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from lora_lab.explorer.widget import ShapeExplorer
    except ModuleNotFoundError as error:
        if error.name != "ipywidgets":
            raise
        raise ModuleNotFoundError(
            "ShapeExplorer needs ipywidgets; install the ui extra with "
            "pip install 'lora_lab[ui]'",
            name=error.name,
        ) from error
    return ShapeExplorer

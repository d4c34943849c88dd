"""Write the decorator and handler code for what the explorer shows, ready to paste.

The code is Python source made from the settings alone; every value that
came from a request is written as a JSON string literal inside a comment,
so nothing pasted can break out of it.
"""

from __future__ import annotations

import pprint
import re
from collections.abc import Mapping
from typing import Any

from lora_lab.explorer.result import Preview
from lora_lab.explorer.settings import DecoratorSettings
from lora_lab.transforms.lora.inject import parse_body_path

_HANDLER_NAMES = {
    "register": "load_adapter",
    "unregister": "unload_adapter",
    "list": "list_adapters",
    "describe": "describe_adapter",
    "update": "update_adapter",
}
# The names SageMaker's own package has live in lora_lab.sagemaker; import
# the others from lora_lab.
_PORTABLE = {"register", "unregister", "inject"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FASTAPI_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
_VALUE_CHARS = 60


def handler_code(settings: DecoratorSettings, result: Preview | None = None) -> str:
    """Return a module with the decorated handler ``settings`` describe.

    With ``result``, the handler's body says, as comments, what it receives
    for the previewed request.
    """
    if settings.handler == "inject":
        return _inject_code(settings, result)
    return _routed_code(settings, result)


def _routed_code(settings: DecoratorSettings, result: Preview | None) -> str:
    name = _HANDLER_NAMES[settings.handler]
    module = "lora_lab.sagemaker" if settings.handler in _PORTABLE else "lora_lab"
    arguments = [f"request_shape={_literal(settings.request_shape)}"]
    if settings.response_shape is not None:
        arguments.append(f"response_shape={_literal(settings.response_shape)}")
    lines = [
        "from types import SimpleNamespace",
        "",
        "from fastapi import FastAPI, Request, Response",
        f"from {module} import bootstrap, {settings.factory_name}",
        "",
        "",
        *_call(settings.factory_name, arguments),
        f"async def {name}(data: SimpleNamespace, raw_request: Request) -> Response:",
    ]
    data = result.handler_input.data if result and result.handler_input else None
    if data:
        lines.append("    # For the request on screen:")
        for key, value in data.items():
            lines.append(f"    # {_attribute(key)} == {_value(value)}")
    mounted = f"  # {result.route}" if result and result.route else ""
    lines += [
        "    return Response(status_code=200)",
        "",
        "",
        f"app = bootstrap(FastAPI()){mounted}",
        "",
    ]
    return "\n".join(lines)


def _inject_code(settings: DecoratorSettings, result: Preview | None) -> str:
    method, path = "post", "/invocations"
    if result is not None and result.request is not None:
        method, path = result.request.method.lower(), result.request.path
    name = _function_name(path)
    route = (
        f"@app.{method}({_string(path)})"
        if method in _FASTAPI_METHODS
        else f"@app.api_route({_string(path)}, methods=[{_string(method.upper())}])"
    )
    lines = [
        "from fastapi import FastAPI, Request, Response",
        f"from lora_lab.sagemaker import {settings.factory_name}",
        "",
        "app = FastAPI()",
        "",
        "",
        route,
        *_call(settings.factory_name, _inject_arguments(settings)),
        f"async def {name}(raw_request: Request) -> Response:",
        "    body = await raw_request.json()",
    ]
    received = result.handler_input if result is not None else None
    if received is not None and received.request.is_json and result is not None:
        targets = result.injection.targets if result.injection else ()
        body = received.request.json
        if isinstance(body, dict):
            lines.append("    # For the request on screen:")
            for target in targets:
                keys = _path_keys(target)
                where = "".join(f"[{_string(key)}]" for key in keys)
                lines.append(f"    # body{where} == {_value(_at(body, keys))}")
    lines += ["    return Response(status_code=200)", ""]
    return "\n".join(lines)


def _inject_arguments(settings: DecoratorSettings) -> list[str]:
    arguments = [_string(str(settings.adapter_path))]
    if settings.append:
        arguments.append("append=True")
    if settings.prepend:
        arguments.append("prepend=True")
    if settings.separator is not None:
        arguments.append(f"separator={_string(settings.separator)}")
    return arguments


def _call(factory: str, arguments: list[str]) -> list[str]:
    one_line = f"@{factory}({', '.join(arguments)})"
    if len(one_line) <= 88 and "\n" not in one_line:
        return [one_line]
    lines = [f"@{factory}("]
    for argument in arguments:
        indented = argument.replace("\n", "\n    ")
        lines.append(f"    {indented},")
    lines.append(")")
    return lines


def _literal(value: Any, depth: int = 0) -> str:
    if isinstance(value, str):
        return _string(value)
    if not isinstance(value, Mapping) or not value:
        return pprint.pformat(value, width=80)
    items = [f"{_literal(k)}: {_literal(v, depth + 1)}" for k, v in value.items()]
    compact = "{" + ", ".join(items) + "}"
    if len(compact) <= 60 and "\n" not in compact:
        return compact
    pad = "    " * (depth + 1)
    return "{\n" + "".join(f"{pad}{item},\n" for item in items) + "    " * depth + "}"


def _attribute(key: str) -> str:
    return f"data.{key}" if _IDENTIFIER.match(key) else f"getattr(data, {_string(key)})"


def _value(value: Any) -> str:
    # repr() escapes every character that is not printable, line breaks
    # among them, so the value stays inside its comment.
    text = repr(value)
    if len(text) > _VALUE_CHARS:
        text = text[: _VALUE_CHARS - 3] + "..."
    return text


def _string(text: str) -> str:
    """Return a Python string literal, double-quoted unless the text holds ``"``."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _function_name(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"[^0-9A-Za-z_]+", "_", last).strip("_").lower()
    if not name or name[0].isdigit():
        return "invocations"
    return name


def _at(body: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = body
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _path_keys(target: str) -> tuple[str, ...]:
    try:
        return parse_body_path(target)
    except ValueError:
        return (target,)

"""What the explorer's inputs hold, and what they evaluate to, without any widget.

A :class:`Screen` is the text in the explorer's boxes: the handler type,
the pasted request, the shape (JSON or a Python dict literal) and, for
inject, the body path and separator. :func:`evaluate` turns it into an
:class:`Evaluation`, whose ``preview`` is the very result
:func:`~lora_lab.explorer.preview` gives. The ipywidgets view and the
tests drive the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from lora_lab.explorer.cases import Case
from lora_lab.explorer.preview import DecoratorInput, preview
from lora_lab.explorer.result import InputError, Preview
from lora_lab.explorer.settings import HANDLER_TYPES, DecoratorSettings, HandlerKind
from lora_lab.explorer.shape_text import ShapeTextError, parse_shape_text
from lora_lab.transforms.factory import HandlerDecorator

Mode = Literal[
    "register",
    "unregister",
    "list",
    "describe",
    "update",
    "inject-replace",
    "inject-append",
    "inject-prepend",
]

MODES: Mapping[Mode, str] = {
    "register": "register: POST /adapters",
    "unregister": "unregister: DELETE /adapters/{name}",
    "list": "list: GET /adapters",
    "describe": "describe: GET /adapters/{name}",
    "update": "update: POST /adapters/{name}/update",
    "inject-replace": "inject: replace the body field",
    "inject-append": "inject: append (base:adapter)",
    "inject-prepend": "inject: prepend (adapter:base)",
}
"""Each handler type the explorer shows, with its label."""

REQUEST_KINDS = {"http": "raw HTTP", "curl": "a curl command", "dict": "JSON"}
"""How each kind of pasted request is named on screen."""


@dataclass(frozen=True)
class Screen:
    """The text in each of the explorer's boxes.

    ``shape`` and ``response_shape`` are JSON or Python dict literals
    (blank for none); ``adapter_path`` and ``separator`` are used by the
    inject modes only, the separator by append and prepend.
    """

    mode: Mode = "register"
    request: str = ""
    shape: str = ""
    response_shape: str = ""
    adapter_path: str = "model"
    separator: str = ":"

    @property
    def is_inject(self) -> bool:
        """Tell whether the mode is one of inject's."""
        return self.mode.startswith("inject")

    @property
    def handler(self) -> HandlerKind:
        """The decorator kind: ``register`` ... or ``inject``."""
        return "inject" if self.is_inject else cast(HandlerKind, self.mode)

    def settings(self) -> DecoratorSettings:
        """Return the decorator settings the boxes describe.

        Raises :class:`~lora_lab.explorer.shape_text.ShapeTextError` when a
        shape box holds text that is not a dict.
        """
        if self.is_inject:
            joins = self.mode != "inject-replace"
            return DecoratorSettings(
                "inject",
                adapter_path=self.adapter_path,
                append=self.mode == "inject-append",
                prepend=self.mode == "inject-prepend",
                separator=self.separator if joins else None,
            )
        return DecoratorSettings(
            self.handler,
            request_shape=parse_shape_text(self.shape),
            response_shape=parse_shape_text(self.response_shape, name="response_shape"),
        )

    @classmethod
    def of(
        cls,
        request: str | Mapping[str, Any] | None = None,
        decorator: DecoratorInput | None = None,
    ) -> Screen:
        """Return the screen that shows ``request`` through ``decorator``.

        ``decorator`` is what a LoRA decorator factory returns, its
        :class:`~lora_lab.explorer.DecoratorSettings`, or their dict form.
        Raises ``ValueError`` for a decorator of a handler type of your own,
        which the explorer has no inputs for.
        """
        settings = _settings_of(decorator) if decorator is not None else None
        text = "" if request is None else request_text(request)
        if settings is None:
            return cls(request=text)
        return cls.of_settings(settings, text)

    @classmethod
    def of_settings(cls, settings: DecoratorSettings, request: str) -> Screen:
        """Return the screen for ``settings`` and the request text ``request``."""
        if settings.handler == "inject":
            mode: Mode = "inject-replace"
            if settings.append:
                mode = "inject-append"
            elif settings.prepend:
                mode = "inject-prepend"
            return cls(
                mode=mode,
                request=request,
                adapter_path=str(settings.adapter_path or ""),
                separator=":" if settings.separator is None else settings.separator,
            )
        return cls(
            mode=settings.handler,
            request=request,
            shape=shape_text(settings.request_shape),
            response_shape=shape_text(settings.response_shape),
        )

    @classmethod
    def of_case(cls, case: Case) -> Screen:
        """Return the screen that shows a case of the gallery."""
        return cls.of_settings(case.decorator, request_text(case.request))


@dataclass(frozen=True)
class Evaluation:
    """A screen and its preview.

    ``settings`` is None when a shape box cannot be read; ``shape_error``
    then says why and where, and ``preview`` is an ``invalid_decorator``
    result carrying the same message.
    """

    screen: Screen
    preview: Preview
    settings: DecoratorSettings | None = None
    shape_error: ShapeTextError | None = None


def evaluate(screen: Screen) -> Evaluation:
    """Preview the screen's request through the screen's decorator."""
    try:
        settings = screen.settings()
    except ShapeTextError as error:
        result = Preview(
            outcome="invalid_decorator",
            handler_type=HANDLER_TYPES[screen.handler],
            decorator="",
            input_error=InputError(
                "decorator",
                f"{error.name}, {error}" if error.line else f"{error.name}: {error}",
                expected="a JSON object or a Python dict literal",
            ),
        )
        return Evaluation(screen, result, None, error)
    return Evaluation(screen, preview(screen.request, settings), settings)


def export_case(evaluation: Evaluation, name: str, description: str) -> dict[str, Any]:
    """Return the screen as a case file's JSON: request, decorator, what happens.

    ``expected`` records what the preview shows now, so the case keeps
    checking it. Raises ``ValueError`` when the shape boxes cannot be read
    (there is no decorator to record).
    """
    if evaluation.settings is None:
        raise ValueError("the shape cannot be read; correct it before exporting")
    return {
        "name": name,
        "description": description,
        "request": _request_value(evaluation.screen.request),
        "decorator": evaluation.settings.to_dict(),
        "expected": expectations(evaluation.preview),
    }


def expectations(result: Preview) -> dict[str, Any]:
    """Return the ``expected`` entries of a case that ``result`` satisfies."""
    expected: dict[str, Any] = {"outcome": result.outcome}
    if result.status is not None:
        expected["status"] = result.status
    if result.input_error is not None and result.input_error.line is not None:
        expected["input_error_line"] = result.input_error.line
    if result.values and result.injection is None:
        expected["values"] = result.values
    response = result.response
    if response is not None and response.body:
        if response.is_json:
            expected["response_json"] = response.json
        else:
            expected["response_text"] = response.text
    received = result.handler_input
    if result.injection is not None and received is not None:
        if received.request.is_json:
            expected["handler_body_json"] = received.request.json
        expected["patch"] = result.injection.patch
    if result.rejection is not None:
        expected["rejection_stage"] = result.rejection.stage
        if result.rejection.errors:
            expected["error_fields"] = [e["field"] for e in result.rejection.errors]
    if result.findings:
        expected["finding_codes"] = [finding.code for finding in result.findings]
    return expected


def request_text(request: str | Mapping[str, Any]) -> str:
    """Return a request as the text the request box shows (JSON for a dict)."""
    if isinstance(request, str):
        return request
    return json.dumps(dict(request), indent=2, ensure_ascii=False)


def shape_text(shape: Mapping[str, Any] | None) -> str:
    """Return a shape as the text the shape box shows (JSON; blank for none)."""
    if shape is None:
        return ""
    try:
        return json.dumps(shape, indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(shape)


def _settings_of(decorator: DecoratorInput) -> DecoratorSettings:
    if isinstance(decorator, DecoratorSettings):
        return decorator
    if isinstance(decorator, Mapping):
        return DecoratorSettings.from_dict(decorator)
    if isinstance(decorator, HandlerDecorator):
        settings = DecoratorSettings.of(decorator)
        if settings is not None:
            return settings
        raise ValueError(
            "the explorer shows SageMaker's LoRA decorators; "
            f"{decorator.handler_type!r} is a handler type of your own: use "
            "lora_lab.explorer.preview for it"
        )
    raise TypeError(
        "decorator must be what a lora_lab decorator factory returns, its "
        f"DecoratorSettings or their dict form; got {type(decorator).__name__}"
    )


def _request_value(text: str) -> str | dict[str, Any]:
    # A request typed as JSON is kept as JSON, as the case files write it.
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, dict):
            return value
    return text

"""What a preview found: the result object that notebooks and the CLI render.

Everything a view needs is an attribute here, as plain data: a renderer
never runs a transform or parses anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from lora_lab.shapes.findings import Finding

Outcome = Literal["accepted", "rejected", "invalid_request", "invalid_decorator"]
Pairs = tuple[tuple[str, str], ...]

_NOT_GIVEN: Any = object()


class _Body:
    """A message body with its text and, when it is JSON, its value, made on demand."""

    body: bytes
    headers: Pairs
    known_json: Any

    def header(self, name: str) -> str | None:
        """Return the value of header ``name`` (any letter case), or None."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @cached_property
    def text(self) -> str:
        """The body as text; bytes that are not UTF-8 show as U+FFFD."""
        return self.body.decode("utf-8", errors="replace")

    @cached_property
    def _parsed(self) -> tuple[bool, Any]:
        if self.known_json is not _NOT_GIVEN:
            return True, self.known_json
        if not self.body.strip():
            return False, None
        try:
            return True, json.loads(self.body, parse_constant=_not_json)
        except (ValueError, RecursionError):
            return False, None

    @property
    def is_json(self) -> bool:
        """Tell whether the body is JSON."""
        return self._parsed[0]

    @property
    def json(self) -> Any:
        """The body's JSON value; None when it is not JSON (see ``is_json``)."""
        return self._parsed[1]

    def _body_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"body": self.text, "body_is_json": self.is_json}
        if self.is_json:
            data["body_json"] = self.json
        return data


@dataclass(frozen=True, eq=False, repr=False)
class RequestView(_Body):
    """A request as plain data: what was sent, or what the handler receives.

    ``headers`` keep their order; names are lower case, as servers hand
    them on. ``query`` is the query string's pairs, in order.
    """

    method: str
    path: str
    query: Pairs = ()
    headers: Pairs = ()
    body: bytes = b""
    path_params: Mapping[str, Any] = field(default_factory=dict)
    known_json: Any = field(default=_NOT_GIVEN, repr=False)

    def __repr__(self) -> str:
        return f"RequestView({self.method} {self.path}, {len(self.body)} bytes)"

    def to_dict(self) -> dict[str, Any]:
        """Return the request as JSON-ready data."""
        return {
            "method": self.method,
            "path": self.path,
            "path_params": dict(self.path_params),
            "query": [list(pair) for pair in self.query],
            "headers": [list(pair) for pair in self.headers],
            **self._body_dict(),
        }


@dataclass(frozen=True, eq=False, repr=False)
class ResponseView(_Body):
    """The response the client gets: status, headers and body."""

    status: int
    headers: Pairs = ()
    body: bytes = b""
    known_json: Any = field(default=_NOT_GIVEN, repr=False)

    def __repr__(self) -> str:
        return f"ResponseView({self.status}, {len(self.body)} bytes)"

    def to_dict(self) -> dict[str, Any]:
        """Return the response as JSON-ready data."""
        return {
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            **self._body_dict(),
        }


@dataclass(frozen=True)
class HandlerInput:
    """What the handler is called with.

    ``data`` is the ``SimpleNamespace`` as a dict (None for a handler that
    takes the request only, such as inject's); ``request`` the request it
    receives, body included, after any rewrite.
    """

    data: dict[str, Any] | None
    request: RequestView

    def to_dict(self) -> dict[str, Any]:
        """Return the handler's input as JSON-ready data."""
        return {"data": self.data, "request": self.request.to_dict()}


@dataclass(frozen=True)
class ExpressionError:
    """Why an expression has no value: the message and, if known, where."""

    message: str
    position: int | None = None
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the error as JSON-ready data."""
        return {"message": self.message, "position": self.position, "fix": self.fix}


@dataclass(frozen=True)
class ExpressionResult:
    """One shape key: its expression, and its value or its error.

    ``evaluated`` is False when the request was rejected before the shape
    was evaluated (or the shape could not be compiled); ``value`` is then
    None and means nothing.
    """

    key: str
    expression: str
    value: Any = None
    error: ExpressionError | None = None
    evaluated: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "key": self.key,
            "expression": self.expression,
            "evaluated": self.evaluated,
            "value": self.value,
            "error": None if self.error is None else self.error.to_dict(),
        }


@dataclass(frozen=True)
class InjectionView:
    """What ``inject_adapter_id`` did to the body.

    ``patch`` is the change as an RFC 6902 JSON Patch. ``applied`` is False
    when the adapter header is absent and the body is handed on untouched.
    """

    targets: tuple[str, ...]
    applied: bool
    body_before: Any
    body_after: Any
    patch: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Return the injection as JSON-ready data."""
        return {
            "targets": list(self.targets),
            "applied": self.applied,
            "body_before": self.body_before,
            "body_after": self.body_after,
            "patch": self.patch,
        }


@dataclass(frozen=True)
class Rejection:
    """Why the request is answered before the handler runs, and with what.

    ``stage`` is ``route`` (no route takes the method and path),
    ``request`` (the request is invalid), ``shape`` (an expression
    failed on it) or ``error`` (the transform raised; the server answers
    500). ``body`` is the JSON error body the client gets and
    ``errors`` its list of ``{field, location, message}``.
    """

    stage: Literal["route", "request", "shape", "error"]
    status: int
    detail: str
    body: Any
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the rejection as JSON-ready data."""
        return {
            "stage": self.stage,
            "status": self.status,
            "detail": self.detail,
            "errors": self.errors,
            "body": self.body,
        }


@dataclass(frozen=True)
class InputError:
    """Why the preview could not run: the request or the decorator is unusable.

    ``line`` is the line of the pasted request, when the fault is on one.
    """

    source: Literal["request", "decorator"]
    message: str
    line: int | None = None
    expected: str | None = None
    found: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the error as JSON-ready data."""
        return {
            "source": self.source,
            "message": self.message,
            "line": self.line,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(frozen=True, repr=False)
class Preview:
    """Everything a handler would see of a request, and what the client gets.

    ``outcome`` is ``accepted`` (the handler is called), ``rejected``
    (the client gets ``rejection``'s error), or ``invalid_request`` /
    ``invalid_decorator`` (nothing ran; see ``input_error`` and, for a
    shape that does not compile, each key's error in ``expressions``).
    """

    outcome: Outcome
    handler_type: str
    decorator: str
    """The decorator as written in Python, when known."""
    route: str | None = None
    """``POST /adapters`` for a routed type; None for inject (your route)."""
    request: RequestView | None = None
    """The request as it was sent."""
    request_kind: str | None = None
    """How it was given: ``http``, ``curl`` or ``dict``."""
    request_notes: tuple[str, ...] = ()
    """What the parser added that the input did not spell out."""
    input_error: InputError | None = None
    expressions: tuple[ExpressionResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    """What :func:`lora_lab.shapes.lint` says about the shape."""
    document: Mapping[str, Any] | None = None
    """The request document the shape was evaluated over, as plain data."""
    handler_input: HandlerInput | None = None
    injection: InjectionView | None = None
    response: ResponseView | None = None
    """The final response, after the SageMaker rewrite (or the error)."""
    rejection: Rejection | None = None

    @property
    def accepted(self) -> bool:
        """Tell whether the request reaches the handler."""
        return self.outcome == "accepted"

    @property
    def status(self) -> int | None:
        """The status the client gets; None when nothing ran."""
        return None if self.response is None else self.response.status

    @property
    def values(self) -> dict[str, Any]:
        """Each shape key's value, by dotted key (failed keys are left out)."""
        return {
            result.key: result.value
            for result in self.expressions
            if result.evaluated and result.error is None
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the whole preview as JSON-ready data."""
        return {
            "outcome": self.outcome,
            "accepted": self.accepted,
            "status": self.status,
            "handler_type": self.handler_type,
            "decorator": self.decorator,
            "route": self.route,
            "request": None if self.request is None else self.request.to_dict(),
            "request_kind": self.request_kind,
            "request_notes": list(self.request_notes),
            "input_error": _dict_or_none(self.input_error),
            "expressions": [result.to_dict() for result in self.expressions],
            "findings": [finding.to_dict() for finding in self.findings],
            "document": self.document,
            "handler_input": _dict_or_none(self.handler_input),
            "injection": _dict_or_none(self.injection),
            "response": _dict_or_none(self.response),
            "rejection": _dict_or_none(self.rejection),
        }

    def __repr__(self) -> str:
        # Short on purpose: a preview can hold megabytes of body.
        return (
            f"<Preview {self.outcome} {self.status} {self.handler_type} "
            f"{self.decorator}>"
        )

    def __str__(self) -> str:
        from lora_lab.explorer.render import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        from lora_lab.explorer.render import render_html

        return render_html(self)


def _not_json(name: str) -> Any:
    # NaN and Infinity: Python reads them, JSON (and the transforms) do not.
    raise ValueError(f"{name} is not a JSON value")


def _dict_or_none(value: Any) -> Any:
    return None if value is None else value.to_dict()

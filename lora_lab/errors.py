"""Exceptions raised by lora_lab, one type per kind of fault."""

from __future__ import annotations

from typing import NamedTuple


class LoraLabError(Exception):
    """Base class of every exception lora_lab raises on purpose."""


class ShapeError(LoraLabError, ValueError):
    """A request or response shape cannot be used.

    Raised when a decorator is made, never while a request is served. It names
    the shape key, the expression and, for a syntax error, the character
    position, so the message alone is enough to find and fix the fault.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str = "",
        expression: str | None = None,
        position: int | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.key = key
        self.expression = expression
        self.position = position
        self.suggestion = suggestion


class Problem(NamedTuple):
    """One thing wrong with a request: the field it concerns and a sentence.

    ``location`` says where the field was: ``body``, ``query`` or ``path``;
    ``shape`` for a value of the handler's request shape, and ``engine`` for
    the engine's own words on a failure it reported.
    """

    field: str
    message: str
    location: str = "body"

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "location": self.location, "message": self.message}


class RequestError(LoraLabError):
    """A client sent a request that cannot be served as it is.

    Carries the HTTP status to answer with and each problem found, so that
    the client learns everything wrong with its request in one round trip.
    """

    def __init__(
        self,
        detail: str,
        problems: list[Problem] | None = None,
        *,
        status_code: int = 400,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = list(problems or [])
        self.status_code = status_code

    def to_dict(self) -> dict[str, object]:
        """Return the JSON error body a client receives."""
        return {
            "detail": self.detail,
            "errors": [problem.to_dict() for problem in self.problems],
        }

"""Map an engine's failures onto the statuses and messages SageMaker uses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from starlette.responses import Response

from lora_lab.errors import Problem, RequestError


class ErrorRule(NamedTuple):
    """One engine failure and the SageMaker error it becomes.

    ``pattern`` is a regular expression searched, ignoring case, in the
    engine's error message; ``engine_status`` narrows the rule to failures
    of those HTTP statuses (any error status when empty). ``message`` may
    use ``{alias}``: the ``X-Amzn-SageMaker-Adapter-Alias`` header when the
    request has one, else the adapter's name::

        ErrorRule(r"quota exceeded", 507, "No room to load the adapter {alias}")

    :class:`ErrorMapping` compiles the patterns when it is made, so a bad
    one is refused before any request.
    """

    pattern: str
    status: int
    message: str
    engine_status: tuple[int, ...] = ()
    engine: str = "any"

    def matches(self, engine_status: int, engine_message: str) -> bool:
        """Tell whether this rule covers an engine failure."""
        if self.engine_status and engine_status not in self.engine_status:
            return False
        # re keeps the patterns it compiled; ErrorMapping compiled this one.
        return re.search(self.pattern, engine_message, re.IGNORECASE) is not None


NOT_FOUND = "The adapter {alias} was not found"
ALREADY_REGISTERED = (
    "The adapter {alias} is already registered; unregister it before registering "
    "an adapter of the same name"
)
NO_FREE_SLOT = "There is no free adapter slot to load the adapter {alias}"
BAD_WEIGHTS = "The adapter {alias} has invalid weights"
SOURCE_UNUSABLE = "The adapter {alias} could not be loaded from its src"
RANK_TOO_HIGH = "The adapter {alias} has a rank above the engine's limit"
ENGINE_FAILED = "The engine failed while handling the adapter {alias}"

DEFAULT_RULES: tuple[ErrorRule, ...] = (
    # The reference engine (lora_lab.engine) and vLLM word these the same way.
    ErrorRule(r"greater than max_lora_rank|exceeds max_lora_rank", 400, RANK_TOO_HIGH),
    ErrorRule(r"(doesn't|does not) contain (any )?tensors", 400, BAD_WEIGHTS),
    ErrorRule(r"no free (lora |adapter )?slots?|max_loras", 507, NO_FREE_SLOT),
    ErrorRule(r"no adapter found|reads local folders only", 400, SOURCE_UNUSABLE),
    ErrorRule(r"^invalid adapter\b", 400, BAD_WEIGHTS, engine="reference"),
    # vLLM's /v1/load_lora_adapter and /v1/unload_lora_adapter.
    ErrorRule(r"has already been loaded", 409, ALREADY_REGISTERED, engine="vllm"),
    ErrorRule(r"lora adapter .* cannot be found", 404, NOT_FOUND, engine="vllm"),
    # SGLang's /load_lora_adapter and /unload_lora_adapter.
    ErrorRule(
        r"adapter .* (is )?already (been )?(loaded|registered)|already exists",
        409,
        ALREADY_REGISTERED,
        engine="sglang",
    ),
    ErrorRule(
        r"adapter \S+ (is |has )?not (been )?(loaded|registered)",
        404,
        NOT_FOUND,
        engine="sglang",
    ),
    # Any engine: its own 404 for an adapter call means the adapter is unknown.
    ErrorRule(r"", 404, NOT_FOUND, engine_status=(404,)),
)
"""Rules for the reference engine's, vLLM's and SGLang's known messages."""


class ErrorMapping:
    """An ordered list of :class:`ErrorRule`; the first that matches wins.

    An error that no rule covers passes through as the engine sent it,
    except a 5xx, which becomes SageMaker's 424 (the engine failed). Add
    rules of your own in front of the defaults with :meth:`extend`::

        mapping = ErrorMapping().extend(
            ErrorRule(r"quota exceeded", 507, "No room for the adapter {alias}")
        )

        @register_load_adapter_handler(shape, error_mapping=mapping)
        async def load(data, raw_request): ...
    """

    def __init__(
        self,
        rules: Iterable[ErrorRule] = DEFAULT_RULES,
        *,
        engine_failure: str | None = ENGINE_FAILED,
    ) -> None:
        self.rules = tuple(rules)
        for rule in self.rules:
            _check_pattern(rule)
        self.engine_failure = engine_failure
        """The 424 message for an unmatched 5xx; None passes those on too."""

    def extend(self, *rules: ErrorRule) -> ErrorMapping:
        """Return a mapping that tries ``rules`` first, then these."""
        return ErrorMapping((*rules, *self.rules), engine_failure=self.engine_failure)

    def map(
        self, engine_status: int, engine_message: str, alias: str | None
    ) -> RequestError | None:
        """Return the SageMaker error for an engine failure, or None to pass it on."""
        for rule in self.rules:
            if rule.matches(engine_status, engine_message):
                return _sagemaker_error(
                    rule.status, rule.message, alias, engine_message
                )
        if engine_status >= 500 and self.engine_failure is not None:
            return _sagemaker_error(424, self.engine_failure, alias, engine_message)
        return None

    def __repr__(self) -> str:
        return f"ErrorMapping({len(self.rules)} rules)"


def engine_message(response: Response) -> str:
    """Return the error message an engine's response carries.

    Understands ``{"message": ...}`` (vLLM), ``{"error": {"message": ...}}``
    (OpenAI style), ``{"detail": ...}`` (FastAPI) and plain text.
    """
    raw = bytes(getattr(response, "body", b""))
    text = raw.decode("utf-8", errors="replace")
    try:
        payload: Any = json.loads(raw)
    except ValueError:
        return text
    for candidate in (
        payload,
        payload.get("error") if isinstance(payload, dict) else None,
    ):
        if isinstance(candidate, dict):
            for key in ("message", "detail", "error"):
                value = candidate.get(key)
                if isinstance(value, str):
                    return value
    return text


PASS_THROUGH = ErrorMapping((), engine_failure=None)
"""A mapping that leaves every engine error as the engine sent it."""


def _sagemaker_error(
    status: int, template: str, alias: str | None, original: str
) -> RequestError:
    return RequestError(
        template.format(alias=alias or "(unnamed)"),
        [Problem("adapter", original, location="engine")],
        status_code=status,
    )


def _check_pattern(rule: ErrorRule) -> None:
    if not isinstance(rule, ErrorRule):
        raise TypeError(f"an ErrorMapping takes ErrorRule values, got {rule!r}")
    try:
        re.compile(rule.pattern, re.IGNORECASE)
    except (re.error, TypeError) as error:
        raise ValueError(
            f"ErrorRule pattern {rule.pattern!r} is not a regular expression: {error}"
        ) from None

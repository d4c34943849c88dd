"""Why the reference engine refused a call, one exception type per fault.

Each carries the HTTP status an open-source LoRA server answers with for the
same fault, the request field it concerns (``param``) and a message naming
the offending value. The native endpoints send it as the JSON error body
vLLM and OpenAI clients expect: ``{"error": {"message", "type", "param",
"code"}}``.
"""

from __future__ import annotations

from typing import ClassVar

from lora_lab.errors import LoraLabError


class EngineError(LoraLabError):
    """The engine refused a load, unload or generate call.

    ``status_code`` is the HTTP status to answer with, ``param`` the request
    field at fault (``lora_name``, ``lora_path``, ``model``...) and
    ``message`` a sentence a client can act on.
    """

    status_code: ClassVar[int] = 400
    error_type: ClassVar[str] = "BadRequestError"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param

    def to_dict(self) -> dict[str, object]:
        """Return the JSON error body a client of the native endpoints receives."""
        return {
            "error": {
                "message": self.message,
                "type": self.error_type,
                "param": self.param,
                "code": self.status_code,
            }
        }


class BadEngineRequest(EngineError):
    """An argument is missing, of the wrong type or out of range."""


class AdapterNotFound(EngineError):
    """Nothing usable as an adapter folder is at ``lora_path``."""

    status_code = 404
    error_type = "NotFoundError"


class InvalidAdapter(EngineError):
    """The adapter folder exists but its config or weights cannot be served.

    Its message starts with "Invalid adapter", which SageMaker's error
    mapping (:data:`lora_lab.transforms.lora.DEFAULT_RULES`) recognises.
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(f"Invalid adapter: {message}", param=param)


class RankTooLarge(InvalidAdapter):
    """The adapter's rank is above the engine's ``max_lora_rank``."""


class AdapterAlreadyLoaded(EngineError):
    """An adapter of that name is loaded and ``load_inplace`` was not set."""


class NoFreeSlot(EngineError):
    """Every one of the engine's ``max_loras`` adapter slots is taken."""


class ModelNotFound(EngineError):
    """No loaded adapter (or base model) has the name asked for."""

    status_code = 404
    error_type = "NotFoundError"

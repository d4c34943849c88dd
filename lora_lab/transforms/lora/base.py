"""What the LoRA adapter transforms share: names, success messages, errors."""

from __future__ import annotations

import functools
import logging
import string
from collections.abc import Mapping
from typing import Any, ClassVar

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from lora_lab.errors import Problem, RequestError
from lora_lab.transforms.base import BaseApiTransform, Handler, TransformedRequest
from lora_lab.transforms.document import DEFAULT_MAX_BODY_SIZE
from lora_lab.transforms.lora.constants import SageMakerLoRAApiHeader
from lora_lab.transforms.lora.error_mapping import ErrorMapping, engine_message
from lora_lab.transforms.responses import as_response, error_response, shaped_response

logger = logging.getLogger(__name__)


class LoRAAdapterTransform(BaseApiTransform):
    """A transform for an adapter management call.

    A 200 from the handler becomes SageMaker's confirmation,
    ``Adapter {alias or name} <verb>`` (for the calls that have one), where
    the alias is the ``X-Amzn-SageMaker-Adapter-Alias`` header. With a
    response shape, a 200 becomes the JSON the shape builds from the
    handler's response instead. A failure, returned or raised, goes through
    the ``error_mapping`` (:class:`ErrorMapping`), which turns the engines'
    known messages into SageMaker's statuses. A body larger than
    ``max_body_size`` bytes (8 MiB by default; None for no limit) is refused
    with 413 before it is read whole.
    """

    message: ClassVar[str | None] = None

    def __init__(
        self,
        request_shape: Mapping[str, Any] | None = None,
        response_shape: Mapping[str, Any] | None = None,
        *,
        error_mapping: ErrorMapping | None = None,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        super().__init__(request_shape, response_shape)
        self.error_mapping = ErrorMapping() if error_mapping is None else error_mapping
        if max_body_size is not None and (
            isinstance(max_body_size, bool)
            or not isinstance(max_body_size, int)
            or max_body_size < 1
        ):
            raise ValueError(
                "max_body_size must be a positive number of bytes or None, "
                f"got {max_body_size!r}"
            )
        self.max_body_size = max_body_size

    async def call_handler(
        self, handler: Handler, transformed: TransformedRequest
    ) -> Any:
        try:
            return await super().call_handler(handler, transformed)
        except RequestError:
            raise
        except HTTPException as error:
            mapped = self.error_mapping.map(
                error.status_code, str(error.detail), _alias(transformed)
            )
            if mapped is None:
                raise
            raise mapped from error
        except Exception as error:
            # The exception's message may quote the request, so it and the
            # traceback go to DEBUG; the client gets the message in its 424.
            logger.error(
                "The %s handler failed with %s",
                type(self).__name__,
                type(error).__name__,
            )
            logger.debug("The handler's failure", exc_info=True)
            mapped = self.error_mapping.map(500, str(error), _alias(transformed))
            if mapped is None:
                raise
            raise mapped from error

    def transform_response(
        self, result: Any, transformed: TransformedRequest
    ) -> Response:
        response = as_response(result)
        if response.status_code >= 400:
            mapped = self.error_mapping.map(
                response.status_code, engine_message(response), _alias(transformed)
            )
            return response if mapped is None else error_response(mapped)
        if response.status_code != 200:
            return response
        if self.response_shape is not None:
            return shaped_response(response, self.response_shape)
        if self.message is None:
            return response
        return PlainTextResponse(_confirmation(self.message, _alias(transformed)))


def adapter_name_from_path(request: Request) -> str:
    """Return the ``adapter_name`` path parameter, or raise a 400 if it is blank."""
    name = request.path_params.get("adapter_name", "")
    if not isinstance(name, str) or not name.strip():
        raise RequestError(
            "Invalid request: check adapter_name.",
            [Problem("adapter_name", "the adapter name in the path is empty", "path")],
        )
    return name


def _confirmation(message: str, alias: str | None) -> str:
    """Return ``message.format(alias=alias)``, in a quarter of the time."""
    around = _around_alias(message)
    if around is None:
        return message.format(alias=alias)
    return f"{around[0]}{alias}{around[1]}"


@functools.cache
def _around_alias(message: str) -> tuple[str, str] | None:
    """Split a message that uses ``{alias}`` once, plainly, into the text around it."""
    before: list[str] = []
    after: list[str] = []
    seen = False
    for literal, field, spec, conversion in string.Formatter().parse(message):
        (after if seen else before).append(literal)
        if field is None:
            continue
        if seen or (field, spec, conversion) != ("alias", "", None):
            return None
        seen = True
    return ("".join(before), "".join(after)) if seen else None


_ALIAS_HEADER = SageMakerLoRAApiHeader.ADAPTER_ALIAS.lower().encode("latin-1")


def _alias(transformed: TransformedRequest) -> str | None:
    # What request.headers.get() finds, the first value sent, without
    # building a Headers and raising KeyError for the absent header.
    for name, value in transformed.request.scope["headers"]:
        if name == _ALIAS_HEADER:
            return value.decode("latin-1") or transformed.adapter_name
    return transformed.adapter_name

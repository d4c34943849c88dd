"""The engine's native HTTP endpoints, shaped like vLLM's OpenAI-compatible server.

``POST /v1/load_lora_adapter``, ``POST /v1/unload_lora_adapter``,
``GET /v1/models`` and ``POST /v1/completions``. A refused call is answered
with the status an open-source server uses and the JSON error body OpenAI
clients read: ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, TypeVar

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from lora_lab.engine.engine import LoRAEngine
from lora_lab.engine.errors import BadEngineRequest, EngineError
from lora_lab.errors import RequestError
from lora_lab.transforms.document import parse_json

_Body = TypeVar("_Body", bound=BaseModel)


class LoadAdapterRequest(BaseModel):
    """The body of ``POST /v1/load_lora_adapter``."""

    model_config = ConfigDict(extra="forbid")

    lora_name: str
    lora_path: str
    load_inplace: bool = False


class UnloadAdapterRequest(BaseModel):
    """The body of ``POST /v1/unload_lora_adapter``."""

    model_config = ConfigDict(extra="forbid")

    lora_name: str


class CompletionRequest(BaseModel):
    """The body of ``POST /v1/completions``; ``model`` defaults to the base model."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    prompt: str
    max_tokens: int = 16


def create_engine_app(engine: LoRAEngine, *, completions: bool = True) -> FastAPI:
    """Return a FastAPI app serving ``engine`` on vLLM-style native routes.

    With ``completions=False`` the app leaves ``POST /v1/completions`` to
    you, so that you can mount your own, for instance decorated with
    :func:`~lora_lab.inject_adapter_id`, that calls
    :func:`completion_response`. The app has no SageMaker routes: the
    example containers add them (see :mod:`lora_lab.engine.containers`)::

        engine = LoRAEngine(base_model="toy-base")
        app = create_engine_app(engine)
        # uvicorn.run(app)
    """
    app = FastAPI(
        title="lora_lab reference engine",
        description=f"An in-memory LoRA engine serving {engine.base_model!r}.",
    )
    app.state.engine = engine
    app.add_exception_handler(EngineError, _engine_error_response)

    @app.get("/v1/models", tags=["engine"], summary="List the base model and adapters")
    async def list_models() -> dict[str, Any]:
        base = engine.base_model
        cards = [_model_card(base, root=base, parent=None)]
        cards += [
            _model_card(name, root=str(info.path), parent=base)
            for name, info in engine.adapters.items()
        ]
        return {"object": "list", "data": cards}

    @app.post(
        "/v1/load_lora_adapter",
        tags=["engine"],
        summary="Load a LoRA adapter from a local folder",
        openapi_extra=_request_body(LoadAdapterRequest),
    )
    async def load_lora_adapter(raw_request: Request) -> Response:
        body = await parse_body(raw_request, LoadAdapterRequest)
        info = await engine.load_adapter(
            body.lora_name, body.lora_path, load_inplace=body.load_inplace
        )
        return PlainTextResponse(
            f"Success: LoRA adapter {info.name!r} loaded (rank {info.rank})."
        )

    @app.post(
        "/v1/unload_lora_adapter",
        tags=["engine"],
        summary="Unload a LoRA adapter",
        openapi_extra=_request_body(UnloadAdapterRequest),
    )
    async def unload_lora_adapter(raw_request: Request) -> Response:
        body = await parse_body(raw_request, UnloadAdapterRequest)
        await engine.unload_adapter(body.lora_name)
        return PlainTextResponse(f"Success: LoRA adapter {body.lora_name!r} unloaded.")

    if completions:

        @app.post(
            "/v1/completions",
            tags=["engine"],
            summary="Complete a prompt with the base model or an adapter",
            openapi_extra=_request_body(CompletionRequest),
        )
        async def create_completion(raw_request: Request) -> Response:
            return await completion_response(engine, raw_request)

    return app


async def completion_response(engine: LoRAEngine, raw_request: Request) -> Response:
    """Answer an OpenAI-style completion request with ``engine``.

    The body is ``{"model", "prompt", "max_tokens"}``; ``model`` selects
    the adapter (``"support"`` or ``"toy-base:support"``) and defaults to
    the base model. Raises :class:`EngineError` for a refused request;
    :func:`create_engine_app` turns it into the JSON error response.
    """
    body = await parse_body(raw_request, CompletionRequest)
    model = engine.base_model if body.model is None else body.model
    text = await engine.generate(model, body.prompt, max_tokens=body.max_tokens)
    prompt_tokens = len(body.prompt.split())
    return JSONResponse(
        {
            "id": f"cmpl-{uuid.uuid4().hex}",
            "object": "text_completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": 0, "text": text, "logprobs": None, "finish_reason": "length"}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": body.max_tokens,
                "total_tokens": prompt_tokens + body.max_tokens,
            },
        }
    )


async def parse_body(raw_request: Request, model: type[_Body]) -> _Body:
    """Read the request's JSON body as ``model``, strictly.

    Types are not coerced (``"true"`` is not a boolean), and unknown fields
    and keys given twice are refused, so nothing a client sends is ignored.
    Raises :class:`BadEngineRequest` naming every field that is wrong.
    """
    raw = await raw_request.body()
    fields = ", ".join(model.model_fields)
    if not raw.strip():
        raise BadEngineRequest(
            f"The request body is empty; send a JSON object with {fields}."
        )
    try:
        payload = parse_json(raw)
    except RequestError as error:
        # The problem names a repeated key, or "body" when it is not JSON.
        field = error.problems[0].field
        raise BadEngineRequest(
            error.detail, param=None if field == "body" else field
        ) from None
    try:
        if isinstance(payload, dict):
            return model.model_validate(payload, strict=True)
        # Let pydantic word the refusal of an array or a string as it does.
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise _invalid_body(error, fields) from None


def _invalid_body(error: ValidationError, fields: str) -> BadEngineRequest:
    problems: list[str] = []
    params: list[str] = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            message = f"unknown field; this endpoint takes {fields}"
        elif item["type"] == "missing":
            message = "required"
        else:
            message = item["msg"]
        problems.append(f"{where}: {message}" if where else message)
        if where:
            params.append(where)
    return BadEngineRequest(
        f"Invalid request body: {'; '.join(problems)}.",
        param=params[0] if params else None,
    )


async def _engine_error_response(request: Request, error: Exception) -> Response:
    if not isinstance(error, EngineError):
        raise error
    return JSONResponse(error.to_dict(), status_code=error.status_code)


def _model_card(name: str, *, root: str, parent: str | None) -> dict[str, Any]:
    return {
        "id": name,
        "object": "model",
        "owned_by": "lora_lab",
        "root": root,
        "parent": parent,
    }


def _request_body(model: type[BaseModel]) -> dict[str, Any]:
    schema = {"schema": model.model_json_schema()}
    return {"requestBody": {"required": True, "content": {"application/json": schema}}}

"""A handler type of your own: ``GET /adapters/{adapter_name}`` describes an adapter.

SageMaker's adapter API has register, unregister and inject. This example
adds a fourth handler type with the generic factory
``create_transform_decorator``: a ``BaseApiTransform`` subclass validates the
request (the optional ``fields`` query parameter) and trims the handler's
answer to the fields asked for, and its ``route`` makes ``bootstrap`` mount
it next to SageMaker's routes::

    python examples/custom_handler_type.py

The app is importable too: ``uvicorn examples.custom_handler_type:app``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from lora_lab import (
    BaseApiTransform,
    HandlerRegistry,
    RequestError,
    RouteConfig,
    TransformedRequest,
    create_transform_decorator,
)
from lora_lab.engine import LoRAEngine, create_vllm_container, make_sample_adapter
from lora_lab.errors import Problem

DESCRIBE_ADAPTER = "describe_adapter"
FIELDS = ("name", "path", "rank", "target_modules", "tensors")


class DescribeAdapterApiTransform(BaseApiTransform):
    """Serve ``GET /adapters/{adapter_name}?fields=rank,target_modules``.

    ``fields`` is optional; when given, each name must be one of FIELDS, and
    the answer holds those fields only.
    """

    route = RouteConfig(
        path="/adapters/{adapter_name}",
        method="GET",
        tags=["adapters"],
        summary="Describe a loaded LoRA adapter",
    )

    async def transform_request(self, request: Request) -> TransformedRequest:
        transformed = await super().transform_request(request)
        values = transformed.values or {}
        fields = _split_fields(values.get("fields"))
        transformed.notes["fields"] = fields
        transformed.adapter_name = values.get("name")
        return transformed

    def transform_response(
        self, result: Any, transformed: TransformedRequest
    ) -> Response:
        fields = transformed.notes["fields"]
        if not isinstance(result, dict) or not fields:
            return super().transform_response(result, transformed)
        return JSONResponse({field: result[field] for field in fields})


def _split_fields(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    fields = tuple(part.strip() for part in str(raw).split(",") if part.strip())
    unknown = [field for field in fields if field not in FIELDS]
    if unknown or not fields:
        found = f"unknown: {', '.join(unknown)}" if unknown else "it is empty"
        message = f"fields takes a comma-separated list of {', '.join(FIELDS)}"
        raise RequestError(
            f"Invalid describe request: check fields ({found}).",
            [Problem("fields", f"{message}; {found}", "query")],
        )
    return fields


def resolve_transform(handler_type: str) -> type[BaseApiTransform]:
    """Return the transform class for the handler types this module defines."""
    if handler_type != DESCRIBE_ADAPTER:
        raise ValueError(f"unknown handler type {handler_type!r}")
    return DescribeAdapterApiTransform


engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
registry = HandlerRegistry()
register_describe_adapter_handler = create_transform_decorator(
    DESCRIBE_ADAPTER, resolve_transform, registry=registry
)


@register_describe_adapter_handler(
    request_shape={
        "name": "path_params.adapter_name",
        "fields": "query_params.fields",
    }
)
async def describe_adapter(data: SimpleNamespace, raw_request: Request) -> Any:
    """Describe the loaded adapter ``data.name``, or answer 404."""
    info = engine.adapters.get(data.name)
    if info is None:
        return JSONResponse(
            {"detail": f"The adapter {data.name!r} is not loaded."}, status_code=404
        )
    return {
        "name": info.name,
        "path": str(info.path),
        "rank": info.rank,
        "target_modules": list(info.target_modules),
        "tensors": {name: list(shape) for name, shape in info.tensors.items()},
    }


# The container's bootstrap mounts every handler of the registry, this one too.
app = create_vllm_container(engine, registry=registry)


def main() -> int:
    """Register an adapter, then describe it in full, in part, and wrongly."""
    with tempfile.TemporaryDirectory() as folder, TestClient(app) as client:
        adapter = make_sample_adapter(Path(folder) / "support", rank=8)
        reply = client.post("/adapters", json={"name": "support", "src": str(adapter)})
        print("POST /adapters ->", reply.status_code, reply.text)

        reply = client.get("/adapters/support")
        described = reply.json()
        print(
            "GET /adapters/support ->",
            reply.status_code,
            f"rank {described['rank']}, {len(described['tensors'])} tensors",
        )
        for url in (
            "/adapters/support?fields=rank,target_modules",
            "/adapters/support?fields=colour",
            "/adapters/billing",
        ):
            reply = client.get(url)
            print(f"GET {url} ->", reply.status_code, reply.text)

        client.delete("/adapters/support")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

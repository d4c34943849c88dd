from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

import lora_lab
from lora_lab import (
    BaseApiTransform,
    HandlerRegistry,
    LoRAHandlerType,
    RouteConfig,
    bootstrap,
    create_lora_transform_decorator,
    create_transform_decorator,
    handler_registry,
    register_load_adapter_handler,
    register_unload_adapter_handler,
)


def adapter_routes(app: FastAPI) -> list[tuple[str, list[str]]]:
    return [
        (route.path, sorted(route.methods))
        for route in app.router.routes
        if isinstance(route, APIRoute) and route.path.startswith("/adapters")
    ]


def define_handlers(registry: HandlerRegistry | None = None) -> None:
    @register_load_adapter_handler({"name": "body.name"}, registry=registry)
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    @register_unload_adapter_handler(
        {"name": "path_params.adapter_name"}, registry=registry
    )
    async def unload(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)


def test_bootstrap_mounts_the_adapter_routes_and_keeps_the_apps_own() -> None:
    define_handlers()
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, list[str]]:
        return {"data": ["base"]}

    assert bootstrap(app) is app
    client = TestClient(app)

    assert adapter_routes(app) == [
        ("/adapters", ["POST"]),
        ("/adapters/{adapter_name:path}", ["DELETE"]),
    ]
    assert client.get("/v1/models").json() == {"data": ["base"]}
    assert client.post("/adapters", json={"name": "a", "src": "/a"}).status_code == 200
    assert client.delete("/adapters/a").text == "Adapter a unregistered"


def test_bootstrap_twice_does_not_duplicate_routes() -> None:
    define_handlers()
    app = FastAPI()

    bootstrap(app)
    bootstrap(app)

    assert adapter_routes(app) == [
        ("/adapters", ["POST"]),
        ("/adapters/{adapter_name:path}", ["DELETE"]),
    ]


def test_rebootstrap_after_redefining_serves_the_new_handler() -> None:
    app = FastAPI()

    @register_load_adapter_handler({"name": "body.name"})
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response("old", status_code=201)

    bootstrap(app)

    @register_load_adapter_handler({"name": "body.name"})
    async def load_again(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response("new", status_code=201)

    bootstrap(app)

    response = TestClient(app).post("/adapters", json={"name": "a", "src": "/a"})
    assert response.text == "new"
    assert len(adapter_routes(app)) == 1


def test_reregistering_replaces_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="lora_lab")

    define_handlers()
    define_handlers()  # a notebook cell run twice

    assert len(handler_registry) == 2
    replaced = [r for r in caplog.records if "Replaced" in r.getMessage()]
    assert len(replaced) == 2
    assert all(record.levelno == logging.INFO for record in replaced)
    assert "register_adapter" in replaced[0].getMessage()


def test_an_explicit_registry_keeps_handlers_apart(registry: HandlerRegistry) -> None:
    define_handlers(registry)

    assert len(registry) == 2
    assert len(handler_registry) == 0
    assert adapter_routes(bootstrap(FastAPI())) == []
    assert len(adapter_routes(bootstrap(FastAPI(), registry=registry))) == 2


def test_clear_forgets_every_handler() -> None:
    define_handlers()

    handler_registry.clear()

    assert len(handler_registry) == 0
    assert not handler_registry.has_handler("register_adapter")


def test_handlers_registered_after_bootstrap_need_another_call() -> None:
    app = bootstrap(FastAPI())
    define_handlers()

    assert TestClient(app).post("/adapters", json={}).status_code == 404
    bootstrap(app)
    assert (
        TestClient(app).post("/adapters", json={"name": "a", "src": "/a"}).status_code
        == 200
    )


def test_passthrough_handler_is_mounted_unchanged() -> None:
    @register_load_adapter_handler(request_shape=None)
    async def load(raw_request: Request) -> dict[str, Any]:
        return {"raw": (await raw_request.body()).decode()}

    assert handler_registry.get_handler("register_adapter") is load
    client = TestClient(bootstrap(FastAPI()))
    response = client.post("/adapters", content=b"anything")

    assert response.json() == {"raw": "anything"}


def test_empty_request_shape_validates_and_passes_an_empty_namespace() -> None:
    seen: list[SimpleNamespace] = []

    @register_load_adapter_handler(request_shape={})
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        seen.append(data)
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI()))

    assert client.post("/adapters", json={"name": "a"}).status_code == 400
    assert client.post("/adapters", json={"name": "a", "src": "/a"}).status_code == 200
    assert seen == [SimpleNamespace()]


@pytest.mark.parametrize(
    "handler_type", [LoRAHandlerType.REGISTER_ADAPTER, "register_adapter"], ids=str
)
def test_factory_takes_the_enum_member_or_its_value(handler_type: Any) -> None:
    decorator = create_lora_transform_decorator(handler_type)

    @decorator(request_shape={"name": "body.name"})
    async def load(data: SimpleNamespace, raw_request: Request) -> Response:
        return Response(status_code=200)

    client = TestClient(bootstrap(FastAPI()))
    assert client.post("/adapters", json={"name": "a", "src": "/a"}).status_code == 200


def test_unknown_lora_handler_type_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="register_adapter"):
        create_lora_transform_decorator("load_adapter")


def test_bad_shape_raises_when_the_decorator_is_made() -> None:
    with pytest.raises(ValueError, match=r'headers\."X-Amzn-SageMaker-Adapter-Alias"'):
        register_load_adapter_handler(
            {"alias": "headers.X-Amzn-SageMaker-Adapter-Alias"}
        )
    assert len(handler_registry) == 0


class Summarize(BaseApiTransform):
    route = RouteConfig(path="/summaries", method="POST", summary="Summarize text")


class Shout(BaseApiTransform):
    """A transform without a route: the user mounts it."""


def resolve(handler_type: str) -> type[BaseApiTransform]:
    return {"summarize": Summarize, "shout": Shout}[handler_type]


def test_custom_handler_type_with_a_route(registry: HandlerRegistry) -> None:
    @create_transform_decorator("summarize", resolve, registry=registry)(
        request_shape={"text": "body.text", "style": "query_params.style"}
    )
    async def summarize(data: SimpleNamespace, raw_request: Request) -> dict[str, str]:
        return {"summary": f"{data.style}: {data.text[:5]}"}

    client = TestClient(bootstrap(FastAPI(), registry=registry))
    response = client.post("/summaries?style=short", json={"text": "a long text"})

    assert response.json() == {"summary": "short: a lon"}


def test_custom_type_without_a_route_is_mounted_by_the_user(
    registry: HandlerRegistry,
) -> None:
    app = FastAPI()

    @app.post("/shout")
    @create_transform_decorator("shout", resolve, registry=registry)(
        request_shape={"word": "body.word"}, response_shape={"loud": "body.said"}
    )
    async def shout(data: SimpleNamespace, raw_request: Request) -> dict[str, str]:
        return {"said": data.word.upper(), "dropped": "by the response shape"}

    bootstrap(app, registry=registry)

    assert TestClient(app).post("/shout", json={"word": "hi"}).json() == {"loud": "HI"}
    assert [r.path for r in app.router.routes if isinstance(r, APIRoute)] == ["/shout"]


def test_sagemaker_module_offers_the_production_names() -> None:
    from lora_lab import sagemaker
    from lora_lab.sagemaker import lora

    for name in (
        "register_load_adapter_handler",
        "register_unload_adapter_handler",
        "inject_adapter_id",
        "bootstrap",
        "RouteConfig",
        "create_lora_transform_decorator",
        "create_transform_decorator",
        "LoRAHandlerType",
        "SageMakerLoRAApiHeader",
        "BaseApiTransform",
        "handler_registry",
    ):
        assert getattr(sagemaker, name) is getattr(lora_lab, name), name
    assert lora.create_lora_transform_decorator is create_lora_transform_decorator
    assert sagemaker.SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER == (
        "X-Amzn-SageMaker-Adapter-Identifier"
    )


def test_info_logs_never_carry_bodies_or_header_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="lora_lab")
    define_handlers()
    client = TestClient(bootstrap(FastAPI()))

    client.post(
        "/adapters",
        json={"name": "secret-name", "src": "s3://secret-bucket"},
        headers={"X-Amzn-SageMaker-Adapter-Alias": "secret-alias"},
    )
    client.post("/adapters", json={"name": "", "src": "s3://secret-bucket"})

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Answered POST /adapters with 400" in logged
    assert "secret" not in logged

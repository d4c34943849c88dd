"""pytest fixtures for testing your own SageMaker adapter handlers.

Installing lora_lab registers this plugin with pytest; nothing needs
enabling. Every fixture name starts with ``lora_``, and none is autouse, so
a test that asks for none of them is not touched::

    from lora_lab import register_load_adapter_handler

    def test_register(lora_registry, lora_client):
        @register_load_adapter_handler(
            {"name": "body.name", "src": "body.src"}, registry=lora_registry
        )
        async def load(data, raw_request):
            return {"loaded": data.name}

        client = lora_client()  # bootstraps an app over lora_registry
        assert client.register("support", "s3://b/s").text == (
            "Adapter support registered"
        )

Run ``pytest -p no:lora_lab`` to leave the plugin out.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from fastapi import FastAPI

from lora_lab.registry import HandlerRegistry
from lora_lab.routes import bootstrap

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from lora_lab.engine import LoRAEngine
    from lora_lab.testing import SageMakerClient


class AppFactory(Protocol):
    """The ``lora_app`` fixture: bootstrap an app over ``lora_registry``."""

    def __call__(self, app: FastAPI | None = None) -> FastAPI:
        """Mount the handlers registered so far on ``app`` and return it.

        Without ``app``, the test's own ``FastAPI()`` is used, the same one
        at every call: call it again after registering more handlers.
        """
        ...


class ClientFactory(Protocol):
    """The ``lora_client`` fixture: a SageMakerClient for an app."""

    def __call__(self, app: ASGIApp | None = None, **options: Any) -> SageMakerClient:
        """Return a new client, its lifespan started, closed after the test.

        Without ``app``, it calls ``lora_app()`` (the test's app, with every
        handler registered so far). ``options`` go to
        :class:`~lora_lab.testing.SageMakerClient`, such as ``check=False``.
        """
        ...


class SampleAdapterFactory(Protocol):
    """The ``lora_sample_adapter`` fixture: write a PEFT adapter folder."""

    def __call__(self, name: str = "adapter", rank: int = 8, **options: Any) -> Path:
        """Write adapter ``name`` of rank ``rank`` under ``tmp_path``; return it.

        ``options`` go to :func:`lora_lab.engine.make_sample_adapter`, such
        as ``with_tensors=False`` for weights every engine refuses.
        """
        ...


@pytest.fixture
def lora_registry() -> HandlerRegistry:
    """Give the test a handler registry of its own.

    Pass it to the decorators (``registry=lora_registry``) so that the
    test's handlers neither see nor replace any other test's.
    """
    return HandlerRegistry()


@pytest.fixture
def lora_app(lora_registry: HandlerRegistry) -> AppFactory:
    """Give the test a function that bootstraps an app over ``lora_registry``.

    Register the handlers first, then call it: ``app = lora_app()``. Pass
    an app of your own (``lora_app(create_my_app())``) to mount them there.
    """
    own: list[FastAPI] = []

    def make(app: FastAPI | None = None) -> FastAPI:
        if app is None:
            if not own:
                own.append(FastAPI())
            app = own[0]
        return bootstrap(app, registry=lora_registry)

    return make


@pytest.fixture
def lora_client(lora_app: AppFactory) -> Iterator[ClientFactory]:
    """Give the test a function that makes a SageMakerClient for an app.

    ``lora_client()`` bootstraps the test's app over ``lora_registry`` and
    returns a client for it; ``lora_client(app)`` calls an app of your own.
    The client checks every call (see
    :class:`~lora_lab.testing.SageMakerClient`), runs the app's lifespan and
    is closed when the test ends.
    """
    # Imported here: the client needs the testing extra, the others do not.
    _require("lora_lab.testing", "testing")
    from lora_lab.testing import SageMakerClient

    with contextlib.ExitStack() as clients:

        def make(app: ASGIApp | None = None, **options: Any) -> SageMakerClient:
            client = SageMakerClient(lora_app() if app is None else app, **options)
            return clients.enter_context(client)

        yield make


@pytest.fixture
def lora_engine() -> LoRAEngine:
    """Give the test a new reference engine, ``LoRAEngine()``.

    It serves ``toy-base`` with four adapter slots (``max_loras``) and
    adapters of rank 16 at most (``max_lora_rank``); build a
    ``LoRAEngine`` yourself for other limits. Needs the ``engine`` extra.
    """
    _require("lora_lab.engine", "engine")
    from lora_lab.engine import LoRAEngine

    return LoRAEngine()


@pytest.fixture
def lora_sample_adapter(tmp_path: Path) -> SampleAdapterFactory:
    """Give the test a function that writes small PEFT adapter folders.

    ``lora_sample_adapter("support", rank=8)`` writes
    ``tmp_path/adapters/support`` (a config and safetensors weights) and
    returns its path, ready to register. Needs the ``engine`` extra.
    """
    _require("lora_lab.engine", "engine")
    from lora_lab.engine import make_sample_adapter

    def make(name: str = "adapter", rank: int = 8, **options: Any) -> Path:
        return make_sample_adapter(tmp_path / "adapters" / name, rank=rank, **options)

    return make


def _require(module: str, extra: str) -> None:
    # Imported when a fixture asks for it: pytest loads this plugin wherever
    # lora_lab is installed, with or without the extras.
    try:
        importlib.import_module(module)
    except ImportError as error:
        missing = error.name or str(error)
    else:
        return
    pytest.fail(
        f"this fixture needs {module}, which needs {missing}: "
        f"pip install 'lora_lab[{extra}]'",
        pytrace=False,
    )

"""Test a container the way SageMaker calls it, in pytest and in notebooks.

:class:`SageMakerClient` sends SageMaker's adapter and inference requests to
an app in process, or to a running container, and raises an
``AssertionError`` that shows the request and the response when a call
fails::

    from lora_lab.testing import SageMakerClient

    client = SageMakerClient(app)
    client.register("support", "s3://bucket/support")
    assert client.describe("support").json()["name"] == "support"

Installing lora_lab also gives pytest its fixtures (``lora_registry``,
``lora_app``, ``lora_client``, ...): see :mod:`lora_lab.pytest_plugin`.
Needs ``httpx2`` (``pip install 'lora_lab[testing]'``).
"""

try:
    import httpx2  # noqa: F401
except ImportError as error:
    raise ImportError(
        "lora_lab.testing needs httpx2: pip install 'lora_lab[testing]'"
    ) from error

from lora_lab.testing.async_client import AsyncSageMakerClient
from lora_lab.testing.calls import adapter_path
from lora_lab.testing.client import SageMakerClient
from lora_lab.testing.failure import SageMakerCallError

__all__ = [
    "AsyncSageMakerClient",
    "SageMakerCallError",
    "SageMakerClient",
    "adapter_path",
]

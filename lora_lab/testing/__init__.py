"""Test a container the way SageMaker calls it, in pytest and in notebooks.

:class:`SageMakerClient` sends SageMaker's adapter and inference requests to
an app in process, or to a running container, and raises an
``AssertionError`` that shows the request and the response when a call
fails::

    from lora_lab.testing import SageMakerClient

    client = SageMakerClient(app)
    client.register("support", "s3://bucket/support")
    assert client.describe("support").json()["name"] == "support"

:func:`assert_request_shape` runs one of lora_lab's example requests (or
a case file of your own) through your handler's decorator and checks what
the handler would receive.

Installing lora_lab also gives pytest its fixtures (``lora_registry``,
``lora_app``, ``lora_client``, ...): see :mod:`lora_lab.pytest_plugin`.
Needs the ``testing`` extra (``pip install 'lora_lab[testing]'``).
"""

try:
    from lora_lab.testing.async_client import AsyncSageMakerClient
    from lora_lab.testing.calls import adapter_path
    from lora_lab.testing.cases import assert_request_shape
    from lora_lab.testing.client import SageMakerClient
    from lora_lab.testing.failure import SageMakerCallError
except ModuleNotFoundError as error:
    raise ModuleNotFoundError(
        f"lora_lab.testing needs {error.name}, which the testing extra installs: "
        "pip install 'lora_lab[testing]'",
        name=error.name,
    ) from error

__all__ = [
    "AsyncSageMakerClient",
    "SageMakerCallError",
    "SageMakerClient",
    "adapter_path",
    "assert_request_shape",
]

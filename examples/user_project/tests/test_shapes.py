"""My shapes, against the requests SageMaker sends (lora_lab's case files)."""

from __future__ import annotations

from typing import Any

import pytest
from my_container.server import REGISTER_SHAPE, UNREGISTER_SHAPE

from lora_lab import register_load_adapter_handler, register_unload_adapter_handler
from lora_lab.testing import assert_request_shape

REGISTER = register_load_adapter_handler(request_shape=REGISTER_SHAPE)
UNREGISTER = register_unload_adapter_handler(request_shape=UNREGISTER_SHAPE)


@pytest.mark.parametrize(
    ("case", "values"),
    [
        (
            "register-query-string",
            {"lora_name": "fr-translator", "lora_path": "s3://bucket/fr"},
        ),
        ("register-browser-curl", {"lora_name": "o'brien", "lora_path": "s3://b/o"}),
        ("register-extra-field", {"lora_name": "a", "lora_path": "s3://b/a"}),
    ],
)
def test_register_reads_what_sagemaker_sends(case: str, values: Any) -> None:
    assert_request_shape(REGISTER, case, values={**values, "load_inplace": None})


@pytest.mark.parametrize(
    "case", ["register-missing-src", "register-blank-name", "register-body-array"]
)
def test_bad_register_requests_never_reach_my_handler(case: str) -> None:
    result = assert_request_shape(REGISTER, case)

    assert result.handler_input is None


def test_unregister_reads_a_quoted_name() -> None:
    assert_request_shape(
        UNREGISTER, "unregister-percent-encoded", values={"lora_name": "café au lait"}
    )

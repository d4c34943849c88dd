"""What SageMaker's requests carry, per handler type: the facts shapes are linted on.

A request shape can only find what the request carries. SageMaker sends a
register call as ``POST /adapters`` with ``name``, ``src``, ``preload`` and
``pin`` (in the query string, or as a JSON body when called by hand), an
unregister call as ``DELETE /adapters/{adapter_name}`` with nothing else,
list, describe and update calls with their query string or flags, and
inference calls with whatever body the model server defines.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple

ADAPTER_IDENTIFIER_HEADER = "X-Amzn-SageMaker-Adapter-Identifier"
ADAPTER_ALIAS_HEADER = "X-Amzn-SageMaker-Adapter-Alias"


class RequestContract(NamedTuple):
    """What the requests of one handler type can carry.

    ``fields`` maps each document root to the keys its requests can carry
    there, or to None when any key may come (headers, or the body of an
    inference request). An empty set means the root is always empty; no
    ``fields`` at all, that any key may come under every root.
    ``samples`` are request documents over the roots whose keys are known,
    one per kind of request SageMaker sends; an expression that is null on
    every sample is null on every request.
    """

    handler_type: str
    request: str = "the request"
    fields: Mapping[str, frozenset[str] | None] | None = None
    samples: tuple[Mapping[str, Any], ...] = ()
    has_body: bool = True
    keys_are_body_paths: bool = False
    """True when the shape's keys are body paths to write to (inject)."""
    open_roots: frozenset[str] = frozenset()
    """Roots where a client may send fields of its own beyond ``fields``."""
    known_headers: tuple[str, ...] = (ADAPTER_IDENTIFIER_HEADER, ADAPTER_ALIAS_HEADER)

    def known_fields(self, root: str) -> frozenset[str] | None:
        """Return the keys a request can carry under ``root``; None for any."""
        return None if self.fields is None else self.fields.get(root)


_REGISTER_FIELDS = frozenset(("name", "src", "preload", "pin"))
_SAMPLE_NAME = "my-adapter"
_SAMPLE_SOURCE = "s3://my-bucket/adapters/my-adapter"
_REGISTER_BODY = {
    "name": _SAMPLE_NAME,
    "src": _SAMPLE_SOURCE,
    "preload": True,
    "pin": False,
}

SAGEMAKER_CONTRACTS: Mapping[str, RequestContract] = {
    "register_adapter": RequestContract(
        handler_type="register_adapter",
        request="SageMaker's register request (POST /adapters)",
        fields={
            "body": _REGISTER_FIELDS,
            "headers": None,
            "query_params": _REGISTER_FIELDS,
            "path_params": frozenset(),
        },
        samples=(
            # SageMaker's own call: the fields in the query string.
            {
                "body": _REGISTER_BODY,
                "query_params": {"name": _SAMPLE_NAME, "src": _SAMPLE_SOURCE},
                "path_params": {},
            },
            {
                "body": _REGISTER_BODY,
                "query_params": {
                    "name": _SAMPLE_NAME,
                    "src": _SAMPLE_SOURCE,
                    "preload": "true",
                    "pin": "false",
                },
                "path_params": {},
            },
            # The same call with a JSON body, as sent by hand.
            {"body": _REGISTER_BODY, "query_params": {}, "path_params": {}},
        ),
        # Engines take options of their own here, such as vLLM's load_inplace.
        open_roots=frozenset(("body", "query_params")),
    ),
    "unregister_adapter": RequestContract(
        handler_type="unregister_adapter",
        request="SageMaker's unregister request (DELETE /adapters/{adapter_name})",
        fields={
            "body": frozenset(),
            "headers": None,
            "query_params": frozenset(),
            "path_params": frozenset(("adapter_name",)),
        },
        samples=(
            {
                "body": None,
                "query_params": {},
                "path_params": {"adapter_name": _SAMPLE_NAME},
            },
        ),
        has_body=False,
    ),
    "list_adapters": RequestContract(
        handler_type="list_adapters",
        request="SageMaker's list request (GET /adapters)",
        fields={
            "body": frozenset(),
            "headers": None,
            "query_params": frozenset(("limit", "next_page_token")),
            "path_params": frozenset(),
        },
        samples=(
            {
                "body": None,
                "query_params": {"limit": 100, "next_page_token": None},
                "path_params": {},
            },
            {
                "body": None,
                "query_params": {"limit": 10, "next_page_token": 10},
                "path_params": {},
            },
        ),
        has_body=False,
    ),
    "describe_adapter": RequestContract(
        handler_type="describe_adapter",
        request="SageMaker's describe request (GET /adapters/{adapter_name})",
        fields={
            "body": frozenset(),
            "headers": None,
            "query_params": frozenset(),
            "path_params": frozenset(("adapter_name",)),
        },
        samples=(
            {
                "body": None,
                "query_params": {},
                "path_params": {"adapter_name": _SAMPLE_NAME},
            },
        ),
        has_body=False,
    ),
    "update_adapter": RequestContract(
        handler_type="update_adapter",
        request="SageMaker's update request (POST /adapters/{adapter_name}/update)",
        fields={
            "body": frozenset(("preload", "pin")),
            "headers": None,
            "query_params": frozenset(("preload", "pin")),
            "path_params": frozenset(("adapter_name",)),
        },
        samples=(
            {
                "body": {"preload": None, "pin": True},
                "query_params": {"pin": "true"},
                "path_params": {"adapter_name": _SAMPLE_NAME},
            },
            {
                "body": {"preload": False, "pin": None},
                "query_params": {},
                "path_params": {"adapter_name": _SAMPLE_NAME},
            },
        ),
        open_roots=frozenset(("body", "query_params")),
    ),
    "inject_adapter_id": RequestContract(
        handler_type="inject_adapter_id",
        request="an inference request",
        keys_are_body_paths=True,
    ),
}
"""The contracts of SageMaker's LoRA handler types, by handler type name."""


def contract_for(handler_type: str | Enum | RequestContract | None) -> RequestContract:
    """Return the contract of ``handler_type``.

    A type SageMaker does not define (a handler type of your own) gets a
    contract that allows any key under every root, so only the checks that
    need no knowledge of the request apply.
    """
    if isinstance(handler_type, RequestContract):
        return handler_type
    if isinstance(handler_type, Enum):
        handler_type = str(handler_type.value)
    name = handler_type or "custom"
    return SAGEMAKER_CONTRACTS.get(name) or RequestContract(handler_type=name)

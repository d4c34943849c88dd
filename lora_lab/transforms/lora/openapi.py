"""What ``/docs`` shows for the adapter routes: request schemas and responses."""

from __future__ import annotations

from typing import Any

_NAME_PARAMETER = {
    "name": "adapter_name",
    "in": "path",
    "required": True,
    "description": "The adapter's name; it may contain '/'.",
    "schema": {"type": "string"},
}
_ALIAS_PARAMETER = {
    "name": "X-Amzn-SageMaker-Adapter-Alias",
    "in": "header",
    "required": False,
    "description": "A name for the adapter in SageMaker's messages.",
    "schema": {"type": "string"},
}
_FLAGS = {
    "preload": {
        "type": "boolean",
        "description": "Load the adapter's weights now rather than on first use.",
    },
    "pin": {
        "type": "boolean",
        "description": "Keep the adapter loaded; a pinned adapter must be preloaded.",
    },
}
_REGISTER_FIELDS = {
    "name": {"type": "string", "minLength": 1, "description": "The adapter's name."},
    "src": {
        "type": "string",
        "minLength": 1,
        "description": "Where the adapter's weights are: an S3 URI or a local path.",
    },
    "preload": {**_FLAGS["preload"], "default": True},
    "pin": {**_FLAGS["pin"], "default": False},
}


def _query(
    fields: dict[str, Any], required: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"{schema['description']} Used when the body is empty"
            + (" (then required)." if name in required else "."),
            "schema": {
                key: value for key, value in schema.items() if key != "description"
            },
        }
        for name, schema in fields.items()
    ]


def _body(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": fields,
                    "required": required,
                    "additionalProperties": True,
                }
            }
        },
    }


REGISTER: dict[str, Any] = {
    "requestBody": _body(_REGISTER_FIELDS, ["name", "src"]),
    "parameters": [*_query(_REGISTER_FIELDS, ("name", "src")), _ALIAS_PARAMETER],
}
UPDATE: dict[str, Any] = {
    "requestBody": _body(_FLAGS, []),
    "parameters": [_NAME_PARAMETER, *_query(_FLAGS), _ALIAS_PARAMETER],
}
NAMED: dict[str, Any] = {"parameters": [_NAME_PARAMETER, _ALIAS_PARAMETER]}
LIST: dict[str, Any] = {
    "parameters": [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "The most adapters to return.",
            "schema": {"type": "integer", "minimum": 1, "default": 100},
        },
        {
            "name": "next_page_token",
            "in": "query",
            "required": False,
            "description": "The token a previous page returned, to get the next one.",
            "schema": {"type": "integer", "minimum": 0},
        },
    ]
}

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "location": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
_ERRORS = {
    400: "The request is invalid, or the adapter's weights or rank are not accepted.",
    404: "The adapter was not found.",
    409: "An adapter of that name is already registered.",
    413: "The request body is larger than the call accepts (8 MiB by default).",
    424: "The engine failed.",
    507: "There is no free adapter slot.",
}


def responses(
    verb: str | None, *statuses: int, described: bool = False, listed: bool = False
) -> dict[int | str, dict[str, Any]]:
    """Describe a route's success and its possible errors."""
    success: dict[str, Any]
    if verb is not None:
        success = {
            "description": f"Adapter <alias or name> {verb}",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    elif listed:
        success = {
            "description": "A page of adapters, as the handler returns it.",
            "content": {
                "application/json": {
                    "example": {
                        "adapters": [{"name": "a1", "src": "s3://bucket/a1"}],
                        "next_page_token": None,
                    }
                }
            },
        }
    else:
        success = {
            "description": "The adapter, as the handler describes it.",
            "content": {
                "application/json": {
                    "example": {
                        "name": "a1",
                        "src": "s3://bucket/a1",
                        "preload": True,
                        "pin": False,
                    }
                }
            },
        }
    result: dict[int | str, dict[str, Any]] = {200: success}
    for status in (400, *statuses, 424):
        result[status] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        }
    return result

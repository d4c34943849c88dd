"""Reading and checking the fields of SageMaker's adapter calls."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from lora_lab.errors import Problem, RequestError
from lora_lab.transforms.document import (
    BufferedRequest,
    json_type_name,
    parse_json_object,
    read_body,
)

REQUIRED = {
    "name": "the adapter's name",
    "src": "where the adapter's weights are, such as an S3 URI or a local path",
}
FLAGS = ("preload", "pin")
_QUERY_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


async def read_fields(
    request: Request, purpose: str, max_body_size: int | None
) -> tuple[dict[str, Any], str, Request]:
    """Return the fields sent, where they came from, and the request to hand on.

    The fields come from the JSON body or, when the body is empty, from the
    query string, which is how SageMaker sends them. A body over
    ``max_body_size`` bytes is refused with 413.
    """
    raw = await read_body(request, max_body_size)
    if raw.strip():
        sent = parse_json_object(raw, purpose=purpose)
        return sent, "body", BufferedRequest(request, body=raw, payload=sent)
    return dict(request.query_params), "query", BufferedRequest(request, body=raw)


def well_formed_register_fields(sent: dict[str, Any]) -> dict[str, Any] | None:
    """Return the register fields of a well-formed body in one step, else None.

    The request as SageMaker sends it, checked without building problem
    lists; anything else takes the long way, which says what is wrong.
    """
    name = sent.get("name")
    src = sent.get("src")
    preload = sent.get("preload", True)
    pin = sent.get("pin", False)
    if (
        isinstance(name, str)
        and isinstance(src, str)
        and name.strip()
        and src.strip()
        and type(preload) is bool
        and type(pin) is bool
        and (preload or not pin)
        and (name.isascii() or _is_text(name))
        and (src.isascii() or _is_text(src))
    ):
        return {"name": name, "src": src, "preload": preload, "pin": pin}
    return None


def check_repeats(query: QueryParams, names: tuple[str, ...]) -> list[Problem]:
    """Report fields given more than once in the query string."""
    problems = []
    for name in names:
        count = len(query.getlist(name))
        if count > 1:
            problems.append(
                Problem(
                    name,
                    f"{name} is given {count} times in the query string; give it once",
                    "query",
                )
            )
    return problems


def check_name_and_src(
    sent: dict[str, Any], location: str
) -> tuple[dict[str, str], list[Problem]]:
    """Check that ``name`` and ``src`` are non-empty strings."""
    fields: dict[str, str] = {}
    problems: list[Problem] = []
    for name, meaning in REQUIRED.items():
        value = sent.get(name)
        if value is None:
            problems.append(
                Problem(
                    name, f"{name} is required: {meaning}, a non-empty string", location
                )
            )
        elif not isinstance(value, str):
            problems.append(
                Problem(
                    name,
                    f"{name} must be a string, got {json_type_name(value)}",
                    location,
                )
            )
        elif not _is_text(value):
            problems.append(
                Problem(
                    name,
                    f"{name} must be valid Unicode text; it holds an unpaired "
                    "surrogate escape (\\ud800 to \\udfff)",
                    location,
                )
            )
        elif not value.strip():
            problems.append(
                Problem(name, f"{name} must not be empty or only whitespace", location)
            )
        else:
            fields[name] = value
    return fields, problems


def check_flags(
    sent: dict[str, Any], location: str, defaults: dict[str, bool | None]
) -> tuple[dict[str, bool | None], list[Problem]]:
    """Check ``preload`` and ``pin``; a pinned adapter must be preloaded.

    A flag that is null counts as not given, as a null ``name`` does.
    """
    fields: dict[str, bool | None] = {}
    problems: list[Problem] = []
    for name in FLAGS:
        value = sent.get(name)
        if value is None:
            value = defaults[name]
        if location == "query" and isinstance(value, str):
            value = _QUERY_BOOLEANS.get(value.strip().lower(), value)
        if value is None or isinstance(value, bool):
            fields[name] = value
        else:
            problems.append(
                Problem(
                    name,
                    f"{name} must be true or false, got {json_type_name(value)}",
                    location,
                )
            )
    if fields.get("pin") is True and fields.get("preload") is False:
        problems.append(
            Problem(
                "pin",
                "a pinned adapter is kept loaded, so it cannot be pinned with "
                "preload=false; set preload to true or pin to false",
                location,
            )
        )
    return fields, problems


def raise_problems(call: str, problems: list[Problem]) -> None:
    """Raise one :class:`RequestError` listing ``problems``, if there are any."""
    if problems:
        names = ", ".join(dict.fromkeys(problem.field for problem in problems))
        raise RequestError(f"Invalid {call} request: check {names}.", problems)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

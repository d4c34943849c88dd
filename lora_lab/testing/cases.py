"""Check a handler's request shape against a case file's request."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lora_lab.explorer import DecoratorSettings, Preview, preview
from lora_lab.explorer.cases import EXPECTATIONS, Case, load_case
from lora_lab.explorer.preview import DecoratorInput

CONTRACT_EXPECTATIONS = ("outcome", "status", "rejection_stage", "error_fields")
"""What a case expects of any shape: whether SageMaker's request is served."""

REPORT_LIMIT = 4000
"""The most characters of the preview a failure message shows."""


@dataclass(frozen=True)
class _Example:
    name: str
    request: str | dict[str, Any]
    decorator: DecoratorSettings | None
    expected: dict[str, Any]


def assert_request_shape(
    decorator: DecoratorInput | None,
    case: Case | str | Path,
    **expected: Any,
) -> Preview:
    """Run a case's request through ``decorator`` and check what happens.

    ``case`` is a :class:`~lora_lab.explorer.cases.Case`, the name of one
    of lora_lab's cases (``"register-query-string"``), or the path of a
    case file of your own, in the same JSON format (its ``decorator`` may
    be left out when you pass one). ``decorator`` is what you put on your
    handler, not applied (or its settings); None uses the case's own.

    With the case's own decorator, every expectation of the case is
    checked. With yours, only those that hold for any shape are (the
    case's ``outcome``, ``status``, ``rejection_stage`` and
    ``error_fields``: is SageMaker's request served?), unless the case is
    about its own shape failing; add your own as keywords, named as in a
    case file's ``expected`` (``values=``, ``handler_data=``,
    ``response_text=``...)::

        assert_request_shape(
            register_load_adapter_handler(request_shape=MY_SHAPE),
            "register-query-string",
            values={"lora_name": "q", "lora_path": "s3://bucket/q"},
        )

    Returns the :class:`~lora_lab.explorer.Preview`. Raises
    ``AssertionError`` listing each expectation that failed, with the
    preview's account of the request; ``ValueError`` for an unknown
    expectation, a decorator for another handler type than the case's, or
    nothing to check.
    """
    example = _example(case)
    unknown = [key for key in expected if key not in EXPECTATIONS]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} is not an expectation; use {', '.join(EXPECTATIONS)}"
        )
    if decorator is None:
        if example.decorator is None:
            raise ValueError(
                f"the case {example.name!r} has no decorator; pass the one to check"
            )
        decorator = example.decorator
        checks = {**example.expected, **expected}
    else:
        _check_handler_type(decorator, example)
        checks = {**_contract(example), **expected}
    if not checks:
        raise ValueError(
            f"nothing to check for the case {example.name!r}: name what you "
            "expect, such as values={...} or status=200"
        )

    result = preview(example.request, decorator)
    failures = [
        f"  {key}: expected {value!r}, got {actual(result, key)!r}"
        for key, value in checks.items()
        if actual(result, key) != value
    ]
    if failures:
        account = str(result)
        if len(account) > REPORT_LIMIT:
            rest = len(account) - REPORT_LIMIT
            account = f"{account[:REPORT_LIMIT]}... ({rest} more characters)"
        raise AssertionError(
            f"the case {example.name!r} through {result.decorator}:\n"
            + "\n".join(failures)
            + f"\n\nwhat happened:\n{account}"
        )
    return result


def actual(result: Preview, expectation: str) -> Any:
    """Return what ``result`` shows for ``expectation``, a case file's key.

    None when that part did not happen (no response, no rejection...).
    """
    handler_input = result.handler_input
    rejection = result.rejection
    if expectation == "outcome":
        return result.outcome
    if expectation == "status":
        return result.status
    if expectation == "values":
        return result.values
    if expectation == "finding_codes":
        return [finding.code for finding in result.findings]
    if expectation in ("response_text", "response_json"):
        if result.response is None:
            return None
        return (
            result.response.text
            if expectation == "response_text"
            else result.response.json
        )
    if expectation.startswith("handler_"):
        if handler_input is None:
            return None
        if expectation == "handler_data":
            return handler_input.data
        if expectation == "handler_body_json":
            return handler_input.request.json
        return dict(handler_input.request.path_params)
    if expectation in ("rejection_stage", "error_fields"):
        if rejection is None:
            return None
        if expectation == "rejection_stage":
            return rejection.stage
        return [error["field"] for error in rejection.errors]
    if expectation == "patch":
        return None if result.injection is None else result.injection.patch
    if expectation == "input_error_line":
        return None if result.input_error is None else result.input_error.line
    raise ValueError(
        f"{expectation!r} is not an expectation; use {', '.join(EXPECTATIONS)}"
    )


def _example(case: Case | str | Path) -> _Example:
    if isinstance(case, Case):
        return _Example(case.name, case.request, case.decorator, case.expected)
    if isinstance(case, Path) or case.endswith(".json"):
        return _read_file(Path(case))
    found = load_case(case)
    return _Example(found.name, found.request, found.decorator, found.expected)


def _read_file(path: Path) -> _Example:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read the case file: {error}") from None
    if not isinstance(data, dict) or "request" not in data:
        raise ValueError(f"{path}: a case file is a JSON object with a 'request'")
    expected = data.get("expected", {})
    unknown = [key for key in expected if key not in EXPECTATIONS]
    if unknown:
        raise ValueError(
            f"{path}: expected[{unknown[0]!r}] is not an expectation; use "
            f"{', '.join(EXPECTATIONS)}"
        )
    settings = None
    if data.get("decorator") is not None:
        try:
            settings = DecoratorSettings.from_dict(data["decorator"])
        except ValueError as error:
            raise ValueError(f"{path}: decorator: {error}") from None
    return _Example(data.get("name", path.stem), data["request"], settings, expected)


def _contract(example: _Example) -> dict[str, Any]:
    # A case whose own shape or decorator fails says nothing about yours.
    expected = example.expected
    if expected.get("rejection_stage") == "shape" or expected.get("outcome") == (
        "invalid_decorator"
    ):
        return {}
    return {key: expected[key] for key in CONTRACT_EXPECTATIONS if key in expected}


def _check_handler_type(decorator: DecoratorInput, example: _Example) -> None:
    if example.decorator is None:
        return
    if isinstance(decorator, Mapping):
        decorator = DecoratorSettings.from_dict(decorator)
    handler_type = getattr(decorator, "handler_type", None)
    if handler_type is not None and handler_type != example.decorator.handler_type:
        raise ValueError(
            f"the case {example.name!r} is for the {example.decorator.handler} "
            f"handler; the decorator given is for {handler_type}"
        )

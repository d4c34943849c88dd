"""DecoratorSettings: every handler type as data, to a decorator and back."""

from __future__ import annotations

import pytest

from lora_lab import (
    HandlerRegistry,
    inject_adapter_id,
    register_describe_adapter_handler,
    register_list_adapters_handler,
    register_update_adapter_handler,
)
from lora_lab.explorer import DecoratorSettings, SettingsError, preview
from lora_lab.explorer.settings import HANDLER_TYPES


@pytest.mark.parametrize(
    ("kind", "factory", "route"),
    [
        ("list", "register_list_adapters_handler", "GET /adapters"),
        (
            "describe",
            "register_describe_adapter_handler",
            "GET /adapters/{adapter_name:path}",
        ),
        (
            "update",
            "register_update_adapter_handler",
            "POST /adapters/{adapter_name:path}/update",
        ),
    ],
)
def test_each_routed_type_makes_its_decorator(
    kind: str, factory: str, route: str
) -> None:
    settings = DecoratorSettings.from_dict(
        {"handler": kind, "request_shape": {"n": "path_params.adapter_name"}}
    )
    registry = HandlerRegistry()
    decorator = settings.decorator(registry=registry)

    assert decorator.handler_type == HANDLER_TYPES[kind] == settings.handler_type
    assert settings.source() == (
        f'@{factory}(request_shape={{"n": "path_params.adapter_name"}})'
    )
    assert DecoratorSettings.of(decorator) == settings
    assert DecoratorSettings.from_dict(settings.to_dict()) == settings
    assert preview("GET /adapters HTTP/1.1\n\n", settings).route == route
    assert list(registry) == []


def test_prepend_round_trips_and_previews() -> None:
    settings = DecoratorSettings.from_dict(
        {
            "handler": "inject",
            "adapter_path": "model",
            "prepend": True,
            "separator": ":",
        }
    )
    assert settings.source() == (
        "@inject_adapter_id('model', prepend=True, separator=':')"
    )
    assert settings.to_dict()["prepend"] is True
    made = inject_adapter_id("model", prepend=True, separator=":")
    assert DecoratorSettings.of(made) == settings

    result = preview(
        {
            "method": "POST",
            "path": "/v1/completions",
            "headers": {"X-Amzn-SageMaker-Adapter-Identifier": "fr"},
            "body": {"model": "base"},
        },
        settings,
    )
    assert result.injection is not None
    assert result.injection.body_after == {"model": "fr:base"}


def test_replace_and_append_keep_their_dict_form() -> None:
    append = DecoratorSettings("inject", adapter_path="m", append=True, separator=":")
    assert "prepend" not in append.to_dict()
    assert DecoratorSettings.of(inject_adapter_id("m", append=True, separator=":")) == (
        append
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"handler": "lists"}, "handler must be one of register, unregister, list"),
        ({"handler": "inject", "prepend": "yes"}, "prepend must be true or false"),
        (
            {"handler": "list", "prepend": True},
            "'prepend' is not a setting of the list",
        ),
        ({"handler": "update", "request_shape": "body.pin"}, "request_shape must be"),
    ],
)
def test_bad_settings_name_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        DecoratorSettings.from_dict(data)


def test_append_and_prepend_at_once_is_an_invalid_decorator() -> None:
    result = preview(
        "POST /v1/completions HTTP/1.1\n\n{}",
        DecoratorSettings(
            "inject", adapter_path="m", append=True, prepend=True, separator=":"
        ),
    )
    assert result.outcome == "invalid_decorator"
    assert result.input_error is not None
    assert "not both" in result.input_error.message


def test_the_core_factories_are_the_ones_named() -> None:
    names = {
        "list": register_list_adapters_handler,
        "describe": register_describe_adapter_handler,
        "update": register_update_adapter_handler,
    }
    for kind, factory in names.items():
        assert DecoratorSettings(kind).factory_name == factory.__name__

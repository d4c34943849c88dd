"""LoRAEngine's Python API: load, unload, generate, and each refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from lora_lab.engine import (
    AdapterAlreadyLoaded,
    AdapterNotFound,
    BadEngineRequest,
    EngineError,
    InvalidAdapter,
    LoRAEngine,
    ModelNotFound,
    NoFreeSlot,
    RankTooLarge,
)
from tests.conftest import SampleAdapters

pytestmark = pytest.mark.anyio


def words_after_arrow(text: str) -> list[str]:
    return text.split(" -> ", 1)[1].split()


async def test_load_describes_the_adapter_and_lists_it(samples: SampleAdapters) -> None:
    engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)

    info = await engine.load_adapter("support", str(samples.support))

    assert (info.name, info.rank, info.target_modules) == (
        "support",
        8,
        ("q_proj", "v_proj"),
    )
    assert dict(engine.adapters) == {"support": info}
    with pytest.raises(TypeError):
        engine.adapters["other"] = info  # type: ignore[index]


async def test_generate_names_who_answered_and_what_was_asked(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine(base_model="toy-base")
    await engine.load_adapter("support", str(samples.support))

    base = await engine.generate("toy-base", "Where is my order?", max_tokens=5)
    by_name = await engine.generate("support", "Where is my order?", max_tokens=5)
    by_pair = await engine.generate("toy-base:support", "Where is my order?", 5)

    assert base.startswith('[toy-base] re: "Where is my order?" -> ')
    assert by_name.startswith('[toy-base+support r=8] re: "Where is my order?" -> ')
    assert by_pair == by_name
    assert words_after_arrow(base) != words_after_arrow(by_name)
    assert len(words_after_arrow(by_name)) == 5


async def test_generate_is_deterministic_across_engines(
    samples: SampleAdapters,
) -> None:
    answers = []
    for _ in range(2):
        engine = LoRAEngine()
        await engine.load_adapter("support", str(samples.support))
        answers.append(await engine.generate("support", "Hi", max_tokens=12))

    assert answers[0] == answers[1]


async def test_load_inplace_replaces_the_adapter(samples: SampleAdapters) -> None:
    engine = LoRAEngine()
    await engine.load_adapter("support", str(samples.support))
    before = await engine.generate("support", "Hi")

    info = await engine.load_adapter(
        "support", str(samples.support_v2), load_inplace=True
    )

    assert info.rank == 4
    assert engine.adapters["support"].path == samples.support_v2.resolve()
    assert await engine.generate("support", "Hi") != before


async def test_load_inplace_of_a_new_name_loads_it(samples: SampleAdapters) -> None:
    engine = LoRAEngine()

    await engine.load_adapter("support", str(samples.support), load_inplace=True)

    assert list(engine.adapters) == ["support"]


async def test_loading_a_loaded_name_again_is_refused(samples: SampleAdapters) -> None:
    engine = LoRAEngine()
    first = await engine.load_adapter("support", str(samples.support))

    with pytest.raises(AdapterAlreadyLoaded) as caught:
        await engine.load_adapter("support", str(samples.support_v2))

    assert caught.value.status_code == 400
    assert caught.value.param == "lora_name"
    assert "'support' is already loaded" in caught.value.message
    assert "load_inplace" in caught.value.message
    assert engine.adapters["support"] is first


async def test_a_failed_inplace_load_keeps_the_loaded_adapter(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine()
    first = await engine.load_adapter("support", str(samples.support))

    with pytest.raises(InvalidAdapter):
        await engine.load_adapter("support", str(samples.empty), load_inplace=True)

    assert engine.adapters["support"] is first


async def test_rank_above_max_lora_rank_is_refused(samples: SampleAdapters) -> None:
    engine = LoRAEngine(max_lora_rank=16)

    with pytest.raises(RankTooLarge) as caught:
        await engine.load_adapter("wide", str(samples.wide))

    assert caught.value.status_code == 400
    assert caught.value.message == (
        "Invalid adapter: LoRA rank 32 of adapter 'wide' is greater than "
        "max_lora_rank 16."
    )
    assert isinstance(caught.value, InvalidAdapter)
    assert not engine.adapters


async def test_no_free_slot_is_refused_but_inplace_replacement_is_not(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine(max_loras=2)
    await engine.load_adapter("one", str(samples.support))
    await engine.load_adapter("two", str(samples.support))

    with pytest.raises(NoFreeSlot) as caught:
        await engine.load_adapter("three", str(samples.support))
    await engine.load_adapter("two", str(samples.support_v2), load_inplace=True)

    assert caught.value.status_code == 400
    assert "all 2 adapter slots (max_loras) are taken by one, two" in str(caught.value)
    assert list(engine.adapters) == ["one", "two"]
    assert engine.adapters["two"].rank == 4


async def test_missing_folder_is_not_found_and_nothing_is_loaded(
    tmp_path: Path,
) -> None:
    engine = LoRAEngine()

    with pytest.raises(AdapterNotFound) as caught:
        await engine.load_adapter("gone", str(tmp_path / "gone"))

    assert caught.value.status_code == 404
    assert not engine.adapters


async def test_unload_removes_the_adapter(samples: SampleAdapters) -> None:
    engine = LoRAEngine()
    await engine.load_adapter("support", str(samples.support))

    info = await engine.unload_adapter("support")

    assert info.name == "support"
    assert not engine.adapters
    with pytest.raises(ModelNotFound):
        await engine.generate("support", "Hi")


async def test_unloading_an_unknown_adapter_is_not_found() -> None:
    engine = LoRAEngine()

    with pytest.raises(ModelNotFound) as caught:
        await engine.unload_adapter("billing")

    assert caught.value.status_code == 404
    assert caught.value.param == "lora_name"
    assert "The adapter 'billing' cannot be found" in caught.value.message


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("billing", "The model 'billing' does not exist"),
        ("toy-base:billing", "The model 'toy-base:billing' does not exist"),
        ("other-base:support", "The model 'other-base:support' does not exist"),
    ],
)
async def test_generating_with_an_unknown_model_is_not_found(
    samples: SampleAdapters, model: str, expected: str
) -> None:
    engine = LoRAEngine()
    await engine.load_adapter("support", str(samples.support))

    with pytest.raises(ModelNotFound) as caught:
        await engine.generate(model, "Hi")

    assert caught.value.status_code == 404
    assert caught.value.param == "model"
    assert expected in caught.value.message
    assert "adapters: 'support'" in caught.value.message


@pytest.mark.parametrize(
    ("call", "param", "expected"),
    [
        (("load", "", "/x"), "lora_name", "lora_name must be a non-empty string"),
        (("load", None, "/x"), "lora_name", "got None"),
        (("load", "a", 5), "lora_path", "lora_path must be a non-empty string"),
        (("load", "a", "/x", "yes"), "load_inplace", "must be true or false"),
        (("load", "toy-base", "/x"), "lora_name", "is the base model's"),
        (("unload", "toy-base"), "lora_name", "only adapters can be unloaded"),
        (("unload", " "), "lora_name", "lora_name must be a non-empty string"),
        (("generate", "toy-base", 5), "prompt", "prompt must be a string"),
        (("generate", "toy-base", "Hi", 0), "max_tokens", "from 1 to 1024, got 0"),
        (("generate", "toy-base", "Hi", 1025), "max_tokens", "got 1025"),
        (("generate", "toy-base", "Hi", True), "max_tokens", "got True"),
        (("generate", "toy-base", "Hi", "5"), "max_tokens", "got '5'"),
        (("generate", "", "Hi"), "model", "model must be a non-empty string"),
        (("generate", "toy-base:", "Hi"), "model", "names no adapter after ':'"),
    ],
)
async def test_bad_arguments_are_refused_naming_the_parameter(
    call: tuple[object, ...], param: str, expected: str
) -> None:
    engine = LoRAEngine(base_model="toy-base")
    method = {
        "load": engine.load_adapter,
        "unload": engine.unload_adapter,
        "generate": engine.generate,
    }[str(call[0])]

    with pytest.raises(BadEngineRequest) as caught:
        await method(*call[1:])  # type: ignore[operator]

    assert caught.value.status_code == 400
    assert caught.value.param == param
    assert expected in caught.value.message


async def test_every_error_becomes_a_json_error_body() -> None:
    engine = LoRAEngine()

    with pytest.raises(EngineError) as caught:
        await engine.unload_adapter("billing")

    assert caught.value.to_dict() == {
        "error": {
            "message": caught.value.message,
            "type": "NotFoundError",
            "param": "lora_name",
            "code": 404,
        }
    }


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"base_model": ""}, "base_model must be a non-empty string"),
        ({"max_loras": 0}, "max_loras must be a positive integer"),
        ({"max_lora_rank": 2.5}, "max_lora_rank must be a positive integer"),
    ],
)
def test_engine_limits_must_be_sensible(
    arguments: dict[str, object], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        LoRAEngine(**arguments)  # type: ignore[arg-type]


async def test_update_records_the_pin_and_keeps_the_rest(
    samples: SampleAdapters,
) -> None:
    engine = LoRAEngine()
    loaded = await engine.load_adapter("support", str(samples.support))

    pinned = await engine.update_adapter("support", pinned=True)
    unchanged = await engine.update_adapter("support")

    assert (loaded.pinned, pinned.pinned, unchanged.pinned) == (False, True, True)
    assert pinned.rank == loaded.rank
    assert engine.adapters["support"].pinned is True
    with pytest.raises(ModelNotFound):
        await engine.update_adapter("billing", pinned=False)

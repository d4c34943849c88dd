"""make_sample_adapter writes real PEFT folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors import safe_open

from lora_lab.engine import make_sample_adapter


def test_writes_a_peft_config_and_lora_weights(tmp_path: Path) -> None:
    folder = make_sample_adapter(
        tmp_path / "nested" / "adapter", rank=4, target_modules=["o_proj"], num_layers=3
    )

    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA"
    assert config["r"] == 4
    assert config["target_modules"] == ["o_proj"]
    with safe_open(str(folder / "adapter_model.safetensors"), framework="numpy") as f:
        names = sorted(f.keys())
        shape = f.get_slice(names[0]).get_shape()
    assert len(names) == 6
    assert names[0] == "base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight"
    assert shape == [4, 32]


def test_same_seed_same_bytes_other_seed_other_weights(tmp_path: Path) -> None:
    first = make_sample_adapter(tmp_path / "a", seed=3)
    again = make_sample_adapter(tmp_path / "b", seed=3)
    other = make_sample_adapter(tmp_path / "c", seed=4)

    weights = "adapter_model.safetensors"
    assert (first / weights).read_bytes() == (again / weights).read_bytes()
    assert (first / weights).read_bytes() != (other / weights).read_bytes()


def test_without_tensors_writes_an_empty_weights_file(tmp_path: Path) -> None:
    folder = make_sample_adapter(tmp_path / "broken", with_tensors=False)

    with safe_open(str(folder / "adapter_model.safetensors"), framework="numpy") as f:
        assert list(f.keys()) == []


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"rank": 0}, "rank must be a positive integer"),
        ({"num_layers": True}, "num_layers must be a positive integer"),
        ({"target_modules": []}, "target_modules must be module names"),
        ({"target_modules": ["self_attn.q_proj"]}, "target_modules must be module"),
    ],
)
def test_bad_arguments_raise_value_error(
    tmp_path: Path, arguments: dict[str, object], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        make_sample_adapter(tmp_path / "x", **arguments)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()

"""Reading adapter folders: what is read, and every folder that is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from lora_lab.engine import (
    AdapterNotFound,
    BadEngineRequest,
    InvalidAdapter,
    make_sample_adapter,
    read_adapter,
)
from tests.conftest import SampleAdapters


def copy_adapter(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_reads_rank_modules_and_tensor_shapes(samples: SampleAdapters) -> None:
    info = read_adapter("support", str(samples.support))

    assert info.name == "support"
    assert info.path == samples.support.resolve()
    assert info.rank == 8
    assert info.target_modules == ("q_proj", "v_proj")
    assert len(info.tensors) == 8  # 2 layers x 2 modules x (lora_A, lora_B)
    prefix = "base_model.model.model.layers.0.self_attn.q_proj"
    assert info.tensors[f"{prefix}.lora_A.weight"] == (8, 32)
    assert info.tensors[f"{prefix}.lora_B.weight"] == (32, 8)


def test_missing_folder_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(AdapterNotFound) as caught:
        read_adapter("gone", str(tmp_path / "gone"))

    error = caught.value
    assert error.status_code == 404
    assert error.param == "lora_path"
    assert "no adapter found at" in error.message
    assert str(tmp_path / "gone") in error.message


def test_a_file_is_not_an_adapter_folder(tmp_path: Path) -> None:
    file = tmp_path / "adapter.safetensors"
    file.write_bytes(b"")

    with pytest.raises(AdapterNotFound, match="a file; give the folder"):
        read_adapter("file", str(file))


def test_folder_without_config_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(AdapterNotFound, match=r"no adapter_config\.json"):
        read_adapter("bare", str(tmp_path))


def test_weights_without_tensors_are_refused(samples: SampleAdapters) -> None:
    with pytest.raises(InvalidAdapter) as caught:
        read_adapter("empty", str(samples.empty))

    assert caught.value.status_code == 400
    assert "doesn't contain tensors" in caught.value.message
    assert "holds none" in caught.value.message


def test_missing_weights_file_is_refused_and_a_bin_file_mentioned(
    samples: SampleAdapters, tmp_path: Path
) -> None:
    folder = copy_adapter(samples.support, tmp_path / "bin")
    (folder / "adapter_model.safetensors").unlink()
    (folder / "adapter_model.bin").write_bytes(b"pickled")

    with pytest.raises(InvalidAdapter) as caught:
        read_adapter("bin", str(folder))

    assert "doesn't contain tensors: no adapter_model.safetensors" in str(caught.value)
    assert "adapter_model.bin is there" in str(caught.value)


def test_corrupt_weights_file_is_refused(
    samples: SampleAdapters, tmp_path: Path
) -> None:
    folder = copy_adapter(samples.support, tmp_path / "corrupt")
    (folder / "adapter_model.safetensors").write_bytes(b"not a safetensors file")

    with pytest.raises(
        InvalidAdapter, match=r"adapter_model\.safetensors .* cannot be"
    ):
        read_adapter("corrupt", str(folder))


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("{not json", "cannot be read as JSON"),
        ("[8]", "must hold a JSON object"),
        (json.dumps({"lora_alpha": 16}), "'r' as a positive integer, got None"),
        (json.dumps({"r": 0}), "'r' as a positive integer, got 0"),
        (json.dumps({"r": "8"}), "'r' as a positive integer, got '8'"),
        (json.dumps({"r": True}), "'r' as a positive integer, got True"),
        (json.dumps({"r": 8, "peft_type": "IA3"}), "describes a 'IA3' adapter"),
    ],
)
def test_unusable_config_is_refused(
    samples: SampleAdapters, tmp_path: Path, config_text: str, expected: str
) -> None:
    folder = copy_adapter(samples.support, tmp_path / "config")
    (folder / "adapter_config.json").write_text(config_text)

    with pytest.raises(InvalidAdapter) as caught:
        read_adapter("config", str(folder))

    assert expected in caught.value.message
    assert caught.value.param == "lora_path"


def write_weights(folder: Path, tensors: dict[str, tuple[int, int]]) -> None:
    arrays = {
        name: np.zeros(shape, dtype=np.float32) for name, shape in tensors.items()
    }
    save_file(arrays, str(folder / "adapter_model.safetensors"))


@pytest.mark.parametrize(
    ("tensors", "expected"),
    [
        ({"model.embed_tokens.weight": (4, 8)}, "'model.embed_tokens.weight' .* not a"),
        (
            {"m.q_proj.lora_A.weight": (4, 32), "m.q_proj.lora_B.weight": (32, 4)},
            r"shape \[4, 32\], which does not fit the rank r=8",
        ),
        ({"m.q_proj.lora_A.weight": (8, 32)}, "'m.q_proj' .* has no lora_B weight"),
        ({"m.q_proj.lora_B.weight": (32, 8)}, "'m.q_proj' .* has no lora_A weight"),
    ],
)
def test_weights_that_are_not_lora_pairs_of_the_rank_are_refused(
    samples: SampleAdapters,
    tmp_path: Path,
    tensors: dict[str, tuple[int, int]],
    expected: str,
) -> None:
    folder = copy_adapter(samples.support, tmp_path / "weights")
    write_weights(folder, tensors)

    with pytest.raises(InvalidAdapter, match=expected):
        read_adapter("weights", str(folder))


def test_peft_names_with_the_adapter_name_inside_are_read(tmp_path: Path) -> None:
    folder = make_sample_adapter(tmp_path / "named", rank=2)
    write_weights(
        folder,
        {
            "m.k_proj.lora_A.default.weight": (2, 4),
            "m.k_proj.lora_B.default.weight": (4, 2),
        },
    )

    assert read_adapter("named", str(folder)).target_modules == ("k_proj",)


def test_a_uri_is_refused_as_not_local() -> None:
    with pytest.raises(BadEngineRequest) as caught:
        read_adapter("remote", "s3://bucket/adapters/support")

    assert caught.value.status_code == 400
    assert caught.value.param == "lora_path"
    assert "local folders only" in caught.value.message

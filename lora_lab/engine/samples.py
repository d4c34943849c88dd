"""Write small PEFT LoRA adapter folders, so examples need no downloads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from lora_lab.engine.adapters import CONFIG_FILE, WEIGHTS_FILE


def make_sample_adapter(
    path: str | Path,
    rank: int = 8,
    *,
    target_modules: Sequence[str] = ("q_proj", "v_proj"),
    num_layers: int = 2,
    hidden_size: int = 32,
    base_model: str = "toy-base",
    with_tensors: bool = True,
    seed: int = 0,
) -> Path:
    """Write a PEFT LoRA adapter folder at ``path`` and return its path.

    The folder holds ``adapter_config.json`` and ``adapter_model.safetensors``
    with a ``lora_A``/``lora_B`` pair of rank ``rank`` for each target module
    of each of ``num_layers`` layers, named as PEFT names them. The weights
    are small random numbers drawn from ``seed``. With ``with_tensors=False``
    the weights file holds no tensors, which every engine refuses: use it to
    show that error::

        good = make_sample_adapter(tmp / "support", rank=8)
        too_big = make_sample_adapter(tmp / "wide", rank=64)
        broken = make_sample_adapter(tmp / "broken", with_tensors=False)

    Raises ``ValueError`` for a rank, layer count or hidden size below 1, or
    a target module name that is empty or holds a dot.
    """
    for argument, value in (
        ("rank", rank),
        ("num_layers", num_layers),
        ("hidden_size", hidden_size),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{argument} must be a positive integer, got {value!r}")
    modules = list(target_modules)
    if not modules or any(not m or "." in m for m in modules):
        raise ValueError(
            "target_modules must be module names without dots, such as "
            f"['q_proj', 'v_proj'], got {modules!r}"
        )

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base_model,
        "r": rank,
        "lora_alpha": 2 * rank,
        "lora_dropout": 0.0,
        "target_modules": modules,
        "bias": "none",
        "inference_mode": True,
    }
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")

    tensors: dict[str, np.ndarray] = {}
    if with_tensors:
        generator = np.random.default_rng(seed)
        for layer in range(num_layers):
            for module in modules:
                prefix = f"base_model.model.model.layers.{layer}.self_attn.{module}"
                shape_a, shape_b = (rank, hidden_size), (hidden_size, rank)
                tensors[f"{prefix}.lora_A.weight"] = _weights(generator, shape_a)
                tensors[f"{prefix}.lora_B.weight"] = _weights(generator, shape_b)
    save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": "pt"})
    return folder


def _weights(generator: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return (generator.standard_normal(shape) * 0.01).astype(np.float32)

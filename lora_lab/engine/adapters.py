"""Read a PEFT LoRA adapter folder: its config, tensor names and shapes.

Only the safetensors header is read (names, shapes), never the weights, so
reading an adapter costs the same whatever its size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetensors import SafetensorError, safe_open

from lora_lab.engine.errors import AdapterNotFound, BadEngineRequest, InvalidAdapter

CONFIG_FILE = "adapter_config.json"
WEIGHTS_FILE = "adapter_model.safetensors"

# PEFT names a weight <prefix>.<module>.lora_A.weight (or lora_B), sometimes
# with the adapter's own name before ".weight".
_LORA_TENSOR = re.compile(
    r"^(?P<prefix>.+)\.(?P<module>[^.]+)\.lora_(?P<side>[AB])(?:\.[^.]+)?\.weight$"
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
MAX_PATH_LENGTH = 4096
"""The longest ``lora_path`` read, in characters: Linux's PATH_MAX."""


@dataclass(frozen=True)
class AdapterInfo:
    """A loaded adapter as the engine sees it.

    ``rank`` is the config's ``r``; ``target_modules`` the modules the
    weights adapt, read from the tensor names (``q_proj``, ``v_proj``...);
    ``tensors`` each tensor's name and shape.
    """

    name: str
    path: Path
    rank: int
    target_modules: tuple[str, ...]
    tensors: Mapping[str, tuple[int, ...]]
    pinned: bool = False
    """Whether SageMaker asked to keep it loaded; this engine evicts none."""


def read_adapter(name: str, path: str) -> AdapterInfo:
    """Read the adapter folder at ``path`` and describe it as adapter ``name``.

    Raises :class:`AdapterNotFound` when ``path`` is not a folder holding an
    ``adapter_config.json`` (or cannot be looked at: too long, not
    readable), and :class:`InvalidAdapter` when the config or the weights
    cannot be served: unreadable, no tensors, tensors that are not LoRA
    weights, or shapes that disagree with the config's rank. Any local
    path is read, ``..`` and ``~`` included: the adapter API is the
    operator's, not the inference caller's.
    """
    if len(path) > MAX_PATH_LENGTH:
        raise BadEngineRequest(
            f"Loading adapter {name!r} failed: no adapter found at a lora_path of "
            f"{len(path):,} characters, more than the {MAX_PATH_LENGTH:,} a path "
            "can have.",
            param="lora_path",
        )
    if _URI.match(path):
        raise BadEngineRequest(
            f"Cannot load adapter {name!r} from {path!r}: this engine reads local "
            "folders only; download the adapter and give its folder's path.",
            param="lora_path",
        )
    try:
        folder = _adapter_folder(name, path)
    except (OSError, RuntimeError) as error:
        # A name too long for the file system, a folder the server may not
        # read, ~user of no such user: all say there is no adapter to load.
        reason = getattr(error, "strerror", None) or str(error)
        raise AdapterNotFound(
            f"Loading adapter {name!r} failed: no adapter found at {path!r} "
            f"({reason}).",
            param="lora_path",
        ) from None

    rank = _read_rank(folder / CONFIG_FILE, path)
    tensors = _read_tensor_shapes(folder, path)
    modules = _check_lora_tensors(tensors, rank, path)
    return AdapterInfo(
        name=name,
        path=folder.resolve(),
        rank=rank,
        target_modules=modules,
        tensors=tensors,
    )


def _adapter_folder(name: str, path: str) -> Path:
    """Return the folder ``path`` names, checked to hold an adapter config."""
    folder = Path(path).expanduser()
    if not folder.exists():
        raise AdapterNotFound(
            f"Loading adapter {name!r} failed: no adapter found at {path!r} "
            "(no such folder).",
            param="lora_path",
        )
    if not folder.is_dir():
        raise AdapterNotFound(
            f"Loading adapter {name!r} failed: no adapter found at {path!r}, a "
            "file; give the folder "
            f"that holds {CONFIG_FILE} and {WEIGHTS_FILE}.",
            param="lora_path",
        )
    if not (folder / CONFIG_FILE).is_file():
        raise AdapterNotFound(
            f"Loading adapter {name!r} failed: no adapter found at {path!r} "
            f"(the folder has no {CONFIG_FILE}).",
            param="lora_path",
        )
    return folder


def _read_rank(config_file: Path, path: str) -> int:
    try:
        config: Any = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InvalidAdapter(
            f"{CONFIG_FILE} in {path!r} cannot be read as JSON: {error}",
            param="lora_path",
        ) from None
    if not isinstance(config, dict):
        raise InvalidAdapter(
            f"{CONFIG_FILE} in {path!r} must hold a JSON object.", param="lora_path"
        )
    peft_type = config.get("peft_type", "LORA")
    if peft_type != "LORA":
        raise InvalidAdapter(
            f"{CONFIG_FILE} in {path!r} describes a {peft_type!r} adapter; "
            "this engine serves LORA adapters only.",
            param="lora_path",
        )
    rank = config.get("r")
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise InvalidAdapter(
            f"{CONFIG_FILE} in {path!r} must give the rank 'r' as a positive "
            f"integer, got {rank!r}.",
            param="lora_path",
        )
    return rank


def _read_tensor_shapes(folder: Path, path: str) -> dict[str, tuple[int, ...]]:
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        hint = ""
        if (folder / "adapter_model.bin").is_file():
            hint = "; adapter_model.bin is there, but only safetensors are read"
        raise InvalidAdapter(
            f"{path!r} doesn't contain tensors: no {WEIGHTS_FILE}{hint}.",
            param="lora_path",
        )
    try:
        with safe_open(str(weights), framework="numpy") as handle:
            names: list[str] = handle.keys()
            shapes = {name: tuple(handle.get_slice(name).get_shape()) for name in names}
    except (SafetensorError, OSError) as error:
        raise InvalidAdapter(
            f"{WEIGHTS_FILE} in {path!r} cannot be read: {error}", param="lora_path"
        ) from None
    if not shapes:
        raise InvalidAdapter(
            f"{path!r} doesn't contain tensors: {WEIGHTS_FILE} holds none.",
            param="lora_path",
        )
    return shapes


def _check_lora_tensors(
    tensors: Mapping[str, tuple[int, ...]], rank: int, path: str
) -> tuple[str, ...]:
    """Check every tensor is half of a LoRA pair of rank ``rank``; return modules."""
    sides: dict[str, set[str]] = {}
    modules: set[str] = set()
    for key, shape in tensors.items():
        match = _LORA_TENSOR.match(key)
        if match is None:
            raise InvalidAdapter(
                f"Tensor {key!r} in {path!r} is not a LoRA weight; expected names "
                "ending in '.lora_A.weight' or '.lora_B.weight'.",
                param="lora_path",
            )
        side = match["side"]
        # lora_A is (rank, in_features) and lora_B (out_features, rank).
        found = shape[0] if side == "A" else shape[-1]
        if len(shape) != 2 or found != rank:
            raise InvalidAdapter(
                f"Tensor {key!r} in {path!r} has shape {list(shape)}, which does "
                f"not fit the rank r={rank} of {CONFIG_FILE}.",
                param="lora_path",
            )
        sides.setdefault(f"{match['prefix']}.{match['module']}", set()).add(side)
        modules.add(match["module"])
    for layer, present in sides.items():
        if present != {"A", "B"}:
            missing = "lora_B" if "A" in present else "lora_A"
            raise InvalidAdapter(
                f"{layer!r} in {path!r} has no {missing} weight; LoRA needs both.",
                param="lora_path",
            )
    return tuple(sorted(modules))

"""The in-memory LoRA engine: load, unload and generate with adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from lora_lab.engine.adapters import AdapterInfo, read_adapter
from lora_lab.engine.errors import (
    AdapterAlreadyLoaded,
    BadEngineRequest,
    ModelNotFound,
    NoFreeSlot,
    RankTooLarge,
)
from lora_lab.engine.generation import toy_completion
from lora_lab.terminal import Inert

logger = logging.getLogger(__name__)

MAX_TOKENS_LIMIT = 1024
"""The most words one generate call may ask for."""


class LoRAEngine:
    """Serve a base model and up to ``max_loras`` LoRA adapters, in memory.

    It reads real PEFT adapter folders and refuses what an open-source
    engine refuses, with the same HTTP statuses; its generation is a
    deterministic toy that names the adapter that answered::

        engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
        await engine.load_adapter("support", "/adapters/support")
        await engine.generate("toy-base:support", "Hello", max_tokens=4)

    Calls for the same adapter name run one at a time, in the order they
    arrived; calls for different names run side by side.
    """

    def __init__(
        self, base_model: str = "toy-base", max_loras: int = 4, max_lora_rank: int = 16
    ) -> None:
        if not isinstance(base_model, str) or not base_model.strip():
            raise ValueError(
                f"base_model must be a non-empty string, got {base_model!r}"
            )
        limits = {"max_loras": max_loras, "max_lora_rank": max_lora_rank}
        for argument, value in limits.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"{argument} must be a positive integer, got {value!r}"
                )
        self.base_model = base_model
        self.max_loras = max_loras
        self.max_lora_rank = max_lora_rank
        self._adapters: dict[str, AdapterInfo] = {}
        self._locks = _NameLocks()

    @property
    def adapters(self) -> Mapping[str, AdapterInfo]:
        """The loaded adapters by name, in load order (a read-only view)."""
        return MappingProxyType(self._adapters)

    async def load_adapter(
        self, name: str, path: str, load_inplace: bool = False
    ) -> AdapterInfo:
        """Load the PEFT adapter folder at ``path`` as ``name`` and describe it.

        With ``load_inplace=True`` an adapter already loaded under ``name``
        is replaced, once the new one has been read; otherwise that is
        refused. Raises :class:`~lora_lab.engine.EngineError` subclasses:
        ``BadEngineRequest`` (400) for a bad argument, ``AdapterNotFound``
        (404) when ``path`` is not an adapter folder, ``InvalidAdapter``
        (400) for weights that cannot be served, ``RankTooLarge`` (400)
        above ``max_lora_rank``, ``AdapterAlreadyLoaded`` (400) and
        ``NoFreeSlot`` (400) when ``max_loras`` adapters are loaded.
        """
        name = _require_text(name, "lora_name")
        path = _require_text(path, "lora_path")
        if not isinstance(load_inplace, bool):
            raise BadEngineRequest(
                f"load_inplace must be true or false, got {load_inplace!r}.",
                param="load_inplace",
            )
        if name == self.base_model:
            raise BadEngineRequest(
                f"The adapter name {name!r} is the base model's; choose another.",
                param="lora_name",
            )

        async with self._locks.hold(name):
            if name in self._adapters and not load_inplace:
                raise AdapterAlreadyLoaded(
                    f"The adapter {name!r} is already loaded; unload it first, or "
                    "set load_inplace to true to replace it.",
                    param="lora_name",
                )
            self._check_free_slot(name)
            info = await asyncio.to_thread(read_adapter, name, path)
            if info.rank > self.max_lora_rank:
                raise RankTooLarge(
                    f"LoRA rank {info.rank} of adapter {name!r} is greater than "
                    f"max_lora_rank {self.max_lora_rank}.",
                    param="lora_path",
                )
            # Other names may have taken the last slot while the folder was
            # read; checking again with no await before the insert makes the
            # check and the insert one step for the event loop.
            self._check_free_slot(name)
            replaced = self._adapters.pop(name, None)
            self._adapters[name] = info
        # The name is the adapter's identity, as in its URL; where the weights
        # came from is what the client sent, kept out of INFO.
        logger.info(
            "%s adapter %s (rank %d)",
            "Replaced" if replaced else "Loaded",
            Inert(name),
            info.rank,
        )
        logger.debug("Adapter %s was read from %s", Inert(name), Inert(str(info.path)))
        return info

    async def unload_adapter(self, name: str) -> AdapterInfo:
        """Unload the adapter ``name`` and return what it was.

        Raises ``ModelNotFound`` (404) when no adapter of that name is
        loaded, and ``BadEngineRequest`` (400) for the base model's name.
        """
        name = _require_text(name, "lora_name")
        if name == self.base_model:
            raise BadEngineRequest(
                f"{name!r} is the base model; only adapters can be unloaded.",
                param="lora_name",
            )
        async with self._locks.hold(name):
            info = self._adapters.pop(name, None)
            if info is None:
                raise ModelNotFound(
                    f"The adapter {name!r} cannot be found: it is not loaded. "
                    f"{self._served()}",
                    param="lora_name",
                )
        logger.info("Unloaded adapter %s", Inert(name))
        return info

    async def update_adapter(
        self, name: str, *, pinned: bool | None = None
    ) -> AdapterInfo:
        """Change how the adapter ``name`` is kept and return it as it now is.

        This engine loads every adapter when asked and evicts none, so
        ``pinned`` is recorded and reported, not acted on; None leaves it as
        it is. Raises ``ModelNotFound`` (404) when no adapter of that name
        is loaded.
        """
        name = _require_text(name, "lora_name")
        async with self._locks.hold(name):
            info = self._adapters.get(name)
            if info is None:
                raise ModelNotFound(
                    f"The adapter {name!r} cannot be found: it is not loaded. "
                    f"{self._served()}",
                    param="lora_name",
                )
            if pinned is not None:
                info = self._adapters[name] = replace(info, pinned=pinned)
        return info

    async def generate(self, model: str, prompt: str, max_tokens: int = 16) -> str:
        """Answer ``prompt`` with ``model`` and return the text.

        ``model`` is the base model's name, an adapter's name, or
        ``"<base model>:<adapter>"``. Raises ``ModelNotFound`` (404) for a
        model that is not served and ``BadEngineRequest`` (400) for a
        prompt that is not a string or ``max_tokens`` outside 1 to 1024.
        """
        model = _require_text(model, "model")
        if not isinstance(prompt, str):
            raise BadEngineRequest(
                f"prompt must be a string, got {type(prompt).__name__}.",
                param="prompt",
            )
        if (
            isinstance(max_tokens, bool)
            or not isinstance(max_tokens, int)
            or not 1 <= max_tokens <= MAX_TOKENS_LIMIT
        ):
            raise BadEngineRequest(
                f"max_tokens must be an integer from 1 to {MAX_TOKENS_LIMIT}, "
                f"got {max_tokens!r}.",
                param="max_tokens",
            )

        name = self._adapter_name(model)
        if name is None:
            return toy_completion(self.base_model, prompt, max_tokens)
        async with self._locks.hold(name):
            info = self._adapters.get(name)
            if info is None:
                raise ModelNotFound(
                    f"The model {model!r} does not exist: no adapter {name!r} is "
                    f"loaded. {self._served()}",
                    param="model",
                )
            # Yield as a real engine does between tokens, so that an unload
            # queued for this adapter waits until the answer is out.
            await asyncio.sleep(0)
            speaker = f"{self.base_model}+{name} r={info.rank}"
            return toy_completion(speaker, prompt, max_tokens, weights=str(info.path))

    def _adapter_name(self, model: str) -> str | None:
        """Return the adapter ``model`` names, or None for the base model."""
        if model == self.base_model:
            return None
        if model in self._adapters:
            return model
        prefix = f"{self.base_model}:"
        if model.startswith(prefix):
            name = model[len(prefix) :]
            if not name:
                raise BadEngineRequest(
                    f"The model {model!r} names no adapter after ':'.", param="model"
                )
            return name
        return model

    def _check_free_slot(self, name: str) -> None:
        if name not in self._adapters and len(self._adapters) >= self.max_loras:
            raise NoFreeSlot(
                f"Cannot load adapter {name!r}: all {self.max_loras} adapter slots "
                f"(max_loras) are taken by {', '.join(self._adapters)}. Unload one "
                "first.",
                param="lora_name",
            )

    def _served(self) -> str:
        names = ", ".join(repr(name) for name in self._adapters) or "none"
        return f"Served: base model {self.base_model!r}; adapters: {names}."

    def __repr__(self) -> str:
        return (
            f"LoRAEngine(base_model={self.base_model!r}, max_loras={self.max_loras}, "
            f"max_lora_rank={self.max_lora_rank}, adapters={list(self._adapters)})"
        )


@dataclass
class _NameLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class _NameLocks:
    """One lock per adapter name, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, _NameLock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        entry = self._locks.setdefault(name, _NameLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[name]

    def __len__(self) -> int:
        return len(self._locks)


def _require_text(value: Any, param: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadEngineRequest(
            f"{param} must be a non-empty string, got {value!r}.", param=param
        )
    return value

"""The toy text generator: deterministic words that say who answered what."""

from __future__ import annotations

import hashlib
import json
import random

_WORDS = (
    "amber", "birch", "cedar", "delta", "ember", "fable", "gamma", "harbor",
    "indigo", "juniper", "kernel", "lantern", "meadow", "nimbus", "orbit", "pebble",
    "quartz", "river", "signal", "tundra", "umber", "vector", "willow", "xenon",
    "yonder", "zephyr", "anchor", "beacon", "cobalt", "drift", "echo", "forge",
)  # fmt: skip


def toy_completion(
    speaker: str, prompt: str, max_tokens: int, *, weights: str = ""
) -> str:
    """Return ``[speaker] re: "prompt" ->`` followed by ``max_tokens`` words.

    The words are drawn from a seed made of ``speaker``, ``weights`` (what
    identifies the adapter's files) and ``prompt``, so the same model asked
    the same thing always answers the same, while another adapter, or the
    same name loaded in place from other files, answers differently. No
    model is run.
    """
    seed = hashlib.sha256(f"{speaker}\n{weights}\n{prompt}".encode()).digest()
    chooser = random.Random(int.from_bytes(seed[:8], "big"))
    words = " ".join(chooser.choice(_WORDS) for _ in range(max_tokens))
    return f"[{speaker}] re: {json.dumps(prompt, ensure_ascii=False)} -> {words}"

"""What importing a package adds, in a fresh interpreter, over ``import fastapi``."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

JUPYTER_MODULES = (
    "ipywidgets",
    "IPython",
    "ipykernel",
    "jupyter",
    "jupyter_client",
    "jupyter_core",
    "nbformat",
    "nbclient",
    "widgetsnbextension",
    "comm",
)

_PROBE = """
import json, sys, time
import fastapi
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "modules": sorted(sys.modules)}}))
"""


def import_cost(module: str) -> tuple[float, list[str]]:
    """Seconds ``import module`` takes after fastapi, and the modules then loaded."""
    # An installed package imports from compiled bytecode; let the warm-up
    # import write it even where the environment turns that off.
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    result = json.loads(completed.stdout)
    return result["seconds"], result["modules"]


def jupyter_modules(modules: list[str]) -> list[str]:
    """Return the Jupyter and ipywidgets modules among ``modules``."""
    return [name for name in modules if name.split(".")[0] in JUPYTER_MODULES]


def measure_imports(modules: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Time each import ``rounds`` times, interleaved, after one warm-up each."""
    for module in modules.values():
        import_cost(module)
    samples: dict[str, list[float]] = {name: [] for name in modules}
    for _ in range(rounds):
        for name, module in modules.items():
            samples[name].append(import_cost(module)[0])
    return samples


def median_ms(samples: list[float]) -> float:
    """The median of ``samples`` in milliseconds."""
    return statistics.median(samples) * 1e3

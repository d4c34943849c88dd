"""Tables of results, in Markdown, and the targets they are held to."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import os
import platform
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from benchmarks.apps import CONTROL
from benchmarks.imports import median_ms
from benchmarks.inprocess import Timing, slope
from benchmarks.overhttp import Load

_PACKAGES = ("fastapi", "starlette", "uvicorn", "model-hosting-container-standards")


@dataclass(frozen=True)
class Target:
    """One promise about speed, and whether this run keeps it."""

    name: str
    limit: str
    measured: str
    met: bool | None
    within_noise: bool = False
    """Missed, but by no more than a second floor differs from the first."""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "not measured"
        if self.met:
            return "met"
        return "within noise" if self.within_noise else "MISSED"


def machine() -> dict[str, str]:
    """Describe the machine and the software the run measured."""
    described = {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "load average at start (1, 5, 15 min)": ", ".join(
            f"{load:.2f}" for load in os.getloadavg()
        ),
    }
    for package in _PACKAGES:
        try:
            described[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    fast = all(importlib.util.find_spec(name) for name in ("uvloop", "httptools"))
    described["uvicorn loop"] = "uvloop, httptools" if fast else "asyncio, h11"
    return described


def machine_table(described: dict[str, str]) -> str:
    """Render the machine description."""
    rows = [f"| {key} | {value} |" for key, value in described.items()]
    return "\n".join(["## Machine", "", "| | |", "|---|---|", *rows, ""])


def in_process_table(timings: list[Timing], names: list[str]) -> str:
    """Render the in-process medians and ratios to the floor."""
    header = ["scenario", "body", *[_column(name) for name in names]]
    rows = []
    for timing in timings:
        cells = [timing.scenario.name, _size(timing.scenario.size)]
        for name in names:
            median = timing.median(name) * 1e6
            cells.append(
                f"{median:,.1f}"
                if name == "floor"
                else f"{median:,.1f} ({timing.ratio(name):.2f}x)"
            )
        rows.append(cells)
    return _table(
        "## In process (microseconds per request, median; ratio to the floor)",
        header,
        rows,
    )


def slope_table(timings: list[Timing], names: list[str]) -> str:
    """Render how each implementation's cost grows with the body's size."""
    rows = []
    for group, members in _size_groups(timings).items():
        floor_slope = slope(members, "floor")
        cells = [group, f"{floor_slope * 1e3:,.2f}"]
        for name in names[1:]:
            cells.append(f"{slope(members, name) / floor_slope:.2f}x")
        rows.append(cells)
    if not rows:
        return ""
    return _table(
        "## Growth with body size (floor: milliseconds per MB; ratio of slopes)",
        ["scenario", "floor", *names[1:]],
        rows,
    )


def http_table(loads: list[Load], names: list[str]) -> str:
    """Render throughput and latency under wrk, as ratios to the floor.

    Each ratio is the median over rounds of the round's ratio, with the
    lowest and highest round in brackets when there are several.
    """
    rows = []
    for load in loads:
        rate = statistics.median(load.requests_per_second["floor"])
        p50 = statistics.median(load.p50["floor"]) * 1e3
        p99 = statistics.median(load.p99["floor"]) * 1e3
        cells = [load.scenario.name, f"{rate:,.0f} / {p50:.2f} / {p99:.2f}"]
        for name in names[1:]:
            errors = f", {load.errors[name]} errors" if load.errors[name] else ""
            rounds = load.round_ratios("requests_per_second", name)
            spread = (
                f" ({min(rounds):.2f}-{max(rounds):.2f})" if len(rounds) > 1 else ""
            )
            cells.append(
                f"{load.ratio('requests_per_second', name):.2f}x{spread} / "
                f"{load.ratio('p50', name):.2f}x / {load.ratio('p99', name):.2f}x"
                f"{errors}"
            )
        rows.append(cells)
    return _table(
        "## Over HTTP (floor: requests/s / p50 ms / p99 ms; others: ratios, "
        "requests/s with the lowest and highest round)",
        ["scenario", "floor", *names[1:]],
        rows,
    )


def import_table(samples: dict[str, list[float]], jupyter: list[str]) -> str:
    """Render what each import adds over ``import fastapi``."""
    rows = [
        [name, f"{median_ms(values):.1f}", f"{min(values) * 1e3:.1f}"]
        for name, values in samples.items()
    ]
    found = ", ".join(jupyter) if jupyter else "none"
    table = _table(
        "## Import (milliseconds added over `import fastapi`)",
        ["package", "median", "fastest"],
        rows,
    )
    return (
        f"{table}Jupyter or ipywidgets modules loaded by `import lora_lab`: {found}\n"
    )


def targets(
    timings: list[Timing],
    loads: list[Load],
    import_samples: dict[str, list[float]],
    jupyter: list[str],
) -> list[Target]:
    """Hold lora_lab's figures to its targets."""
    found: list[Target] = []
    for operation in ("register", "unregister"):
        ratios = [t.ratio("lora_lab") for t in timings if t.scenario.group == operation]
        if ratios:
            worst = max(ratios)
            found.append(
                Target(operation, "<= 1.15x floor", f"{worst:.2f}x", worst <= 1.15)
            )
    inject = [t for t in timings if t.scenario.group.startswith("inject")]
    if inject:
        worst_timing = max(inject, key=lambda t: t.ratio("lora_lab"))
        worst = worst_timing.ratio("lora_lab")
        found.append(
            Target(
                "inject, every size and engine mode",
                "<= 1.10x floor",
                f"{worst:.2f}x ({worst_timing.scenario.name})",
                worst <= 1.10,
            )
        )
    slopes = [
        (group, slope(members, "lora_lab") / slope(members, "floor"))
        for group, members in _size_groups(timings).items()
    ]
    if slopes:
        group, worst = max(slopes, key=lambda item: item[1])
        found.append(
            Target(
                "growth with body size",
                "<= 1.10x the floor's slope",
                f"{worst:.2f}x ({group})",
                worst <= 1.10,
            )
        )
    if loads:
        found.extend(_http_targets(loads))
    else:
        found.append(Target("HTTP throughput", ">= 0.95x floor", "not run", None))
    if "lora_lab" in import_samples:
        added = median_ms(import_samples["lora_lab"])
        found.append(
            Target(
                "import lora_lab",
                "<= 15 ms over fastapi",
                f"{added:.1f} ms",
                added <= 15,
            )
        )
    found.append(
        Target(
            "import lora_lab loads no Jupyter",
            "none",
            ", ".join(jupyter) or "none",
            not jupyter,
        )
    )
    return found


def pooled_ratio(loads: list[Load], name: str) -> tuple[float, float, float]:
    """Pool every round of every scenario: ``name``'s throughput over the floor's.

    Returns the geometric mean of the round ratios and its 95% confidence
    interval (normal approximation on the logarithms). One scenario's five
    rounds move by a tenth on a shared machine; forty rounds pooled pin
    the common ratio down to a few per cent.
    """
    logs = [
        math.log(ratio)
        for load in loads
        for ratio in load.round_ratios("requests_per_second", name)
    ]
    centre = statistics.fmean(logs)
    if len(logs) < 2:
        return math.exp(centre), math.exp(centre), math.exp(centre)
    margin = 1.96 * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(centre), math.exp(centre - margin), math.exp(centre + margin)


def _http_targets(loads: list[Load]) -> list[Target]:
    has_control = all(CONTROL in load.requests_per_second for load in loads)
    estimate, low, high = pooled_ratio(loads, "lora_lab")
    measured = f"{estimate:.2f}x, 95% CI {low:.2f}-{high:.2f} ({len(loads)} scenarios)"
    if has_control:
        measured += f"; floor again {pooled_ratio(loads, CONTROL)[0]:.2f}x"
    pooled = Target(
        "HTTP throughput, pooled", ">= 0.95x floor", measured, estimate >= 0.95
    )

    def worst(name: str) -> tuple[float, Load]:
        load = min(loads, key=lambda x: x.ratio("requests_per_second", name))
        return load.ratio("requests_per_second", name), load

    ratio, load = worst("lora_lab")
    measured = f"{ratio:.2f}x ({load.scenario.name})"
    noise = False
    if has_control:
        control, control_load = worst(CONTROL)
        measured += f"; floor again {control:.2f}x ({control_load.scenario.name})"
        noise = control <= ratio
    return [
        pooled,
        Target(
            "HTTP throughput, worst scenario",
            ">= 0.95x floor",
            measured,
            ratio >= 0.95,
            within_noise=noise,
        ),
    ]


def targets_table(
    timings: list[Timing],
    loads: list[Load],
    import_samples: dict[str, list[float]],
    jupyter: list[str],
) -> str:
    """Render :func:`targets`."""
    rows = [
        [target.name, target.limit, target.measured, target.verdict]
        for target in targets(timings, loads, import_samples, jupyter)
    ]
    return _table(
        "## lora_lab's targets", ["target", "limit", "worst measured", ""], rows
    )


def summary_table(
    timings: list[Timing],
    loads: list[Load],
    import_samples: dict[str, list[float]],
    names: list[str],
) -> str:
    """Render one short table: every scenario family as a range of ratios."""
    rows = []
    for label in ("register", "unregister"):
        members = [t for t in timings if t.scenario.group == label]
        if members:
            rows.append([label, *[_ratio_range(members, name) for name in names[1:]]])
    sizes: dict[str, list[Timing]] = defaultdict(list)
    for timing in timings:
        if timing.scenario.group.startswith("inject"):
            sizes[timing.scenario.name.rsplit(" ", 1)[1]].append(timing)
    for size, members in sizes.items():
        rows.append(
            [
                f"inject {size} ({len(members)} variants)",
                *[_ratio_range(members, name) for name in names[1:]],
            ]
        )
    groups = _size_groups(timings)
    if groups:
        cells = []
        for name in names[1:]:
            ratios = [slope(m, name) / slope(m, "floor") for m in groups.values()]
            cells.append(_range(ratios))
        rows.append(["growth with body size (slope)", *cells])
    if loads:
        cells = []
        for name in names[1:]:
            ratios = [load.ratio("requests_per_second", name) for load in loads]
            cells.append(_range(ratios))
        rows.append([f"HTTP requests/s ({len(loads)} scenarios)", *cells])
    imported = [
        f"{median_ms(import_samples[name]):.1f} ms" if name in import_samples else ""
        for name in names[1:]
    ]
    rows.append(["import, over fastapi", *imported])
    return _table(
        "## Summary (ratio to the floor: lowest-highest, median in brackets)",
        ["", *names[1:]],
        rows,
    )


def as_json(results: dict[str, Any]) -> dict[str, Any]:
    """Return every sample of ``results`` in a form ``json.dumps`` takes."""
    return {
        "machine": results["machine"],
        "implementations": results["implementations"],
        "in_process": [
            {
                "scenario": t.scenario.name,
                "bytes": t.scenario.size,
                "seconds": t.samples,
            }
            for t in results["in_process"]
        ],
        "http": [
            {
                "scenario": load.scenario.name,
                "requests_per_second": load.requests_per_second,
                "p50_seconds": load.p50,
                "p99_seconds": load.p99,
                "errors": load.errors,
            }
            for load in results["http"]
        ],
        "imports_seconds": results["imports"],
    }


def _ratio_range(timings: list[Timing], name: str) -> str:
    return _range([timing.ratio(name) for timing in timings])


def _range(ratios: list[float]) -> str:
    if len(ratios) == 1:
        return f"{ratios[0]:.2f}x"
    median = statistics.median(ratios)
    return f"{min(ratios):.2f}-{max(ratios):.2f}x ({median:.2f}x)"


def _size_groups(timings: list[Timing]) -> dict[str, list[Timing]]:
    groups: dict[str, list[Timing]] = defaultdict(list)
    for timing in timings:
        if timing.scenario.group.startswith("inject"):
            groups[timing.scenario.group].append(timing)
    return {group: members for group, members in groups.items() if len(members) > 1}


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [title, "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _column(name: str) -> str:
    return name if name == "floor" else f"{name} (x floor)"


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.2f} MB"
    if size >= 1_000:
        return f"{size / 1e3:.1f} KB"
    return f"{size} B"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

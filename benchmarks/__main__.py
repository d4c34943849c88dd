"""Run the request-path benchmarks and print the tables: ``python -m benchmarks``.

Every figure is a median over rounds in which the implementations take turns,
and every ratio compares two implementations measured in this same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import imports, inprocess, overhttp, report
from benchmarks.apps import CONTROL, build_app, implementation_names
from benchmarks.scenarios import (
    SIZES,
    Scenario,
    all_scenarios,
    inject_scenario,
    register_scenario,
    unregister_scenario,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks ``argv`` asks for; return 1 if any check fails."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except AssertionError as mismatch:
        print(f"The implementations do not answer alike: {mismatch}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    names = implementation_names()
    results: dict[str, Any] = {"machine": report.machine(), "implementations": names}
    print(report.machine_table(results["machine"]), flush=True)
    if "production" not in names:
        print(
            "model-hosting-container-standards is not installed: comparing with "
            "the floor only (pip install '.[bench]' adds the production column).\n",
            flush=True,
        )

    sizes = ("200B", "1MB") if args.quick else tuple(SIZES)
    rounds = args.rounds or (9 if args.quick else 25)
    scenarios = [s for s in all_scenarios(sizes=sizes) if _wanted(s, args.only)]
    timings = _in_process(names, scenarios, rounds, args.batch_ms / 1e3)
    results["in_process"] = timings
    print(report.in_process_table(timings, names), flush=True)
    print(report.slope_table(timings, names), flush=True)

    loads: list[overhttp.Load] = []
    if args.no_http:
        print("Over HTTP: skipped (--no-http).\n")
    elif overhttp.wrk_path() is None:
        print(
            "Over HTTP: skipped, wrk is not installed. Install it with "
            "`apt-get install -y wrk` (make bench does, when it runs as root).\n"
        )
    else:
        http_scenarios = [
            s for s in _http_scenarios(args.quick) if _wanted(s, args.only)
        ]
        http_names = [*names, CONTROL] if args.http_control else names
        loads = _over_http(http_names, http_scenarios, args)
        print(report.http_table(loads, http_names), flush=True)
    results["http"] = loads

    modules = {"lora_lab": "lora_lab"}
    if "production" in names:
        modules["production"] = "model_hosting_container_standards.sagemaker"
    import_samples = imports.measure_imports(modules, 5 if args.quick else 15)
    jupyter = imports.jupyter_modules(imports.import_cost("lora_lab")[1])
    results["imports"] = import_samples
    print(report.import_table(import_samples, jupyter), flush=True)

    print(report.summary_table(timings, loads, import_samples, names), flush=True)
    print(report.targets_table(timings, loads, import_samples, jupyter), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(report.as_json(results), indent=2) + "\n")
    return 0


def _in_process(
    names: list[str], scenarios: list[Scenario], rounds: int, batch_seconds: float
) -> list[inprocess.Timing]:
    loop = asyncio.new_event_loop()
    apps = {name: build_app(name) for name in names}
    timings = []
    for scenario in scenarios:
        inprocess.check_same(apps, scenario, loop)
        timings.append(
            inprocess.measure(
                apps, scenario, loop, rounds=rounds, batch_seconds=batch_seconds
            )
        )
        print(f"  measured {scenario.name}", file=sys.stderr, flush=True)
    loop.close()
    return timings


def _over_http(
    names: list[str], scenarios: list[Scenario], args: argparse.Namespace
) -> list[overhttp.Load]:
    loads = []
    with overhttp.servers(names) as urls:
        for scenario in scenarios:
            overhttp.check_same_over_http(urls, scenario)
            loads.append(
                overhttp.load(
                    urls,
                    scenario,
                    rounds=args.http_rounds or (1 if args.quick else 5),
                    seconds=args.http_seconds,
                    connections=args.connections,
                )
            )
            print(f"  loaded {scenario.name}", file=sys.stderr, flush=True)
    return loads


def _http_scenarios(quick: bool) -> list[Scenario]:
    sizes = ("200B", "1MB") if quick else tuple(SIZES)
    scenarios = [register_scenario(), unregister_scenario()]
    scenarios += [inject_scenario("replace", "json", "chat", size) for size in sizes]
    scenarios += [
        inject_scenario("append", "bytes", "prompt", size) for size in ("200B", "1MB")
    ]
    return scenarios


def _wanted(scenario: Scenario, only: list[str] | None) -> bool:
    return not only or any(part in scenario.name for part in only)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Compare lora_lab's request path with the least work that "
        "does the job (the floor) and with the production package.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="two body sizes, fewer rounds"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="run only the scenarios whose name contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--rounds", type=int, default=0, help="in-process rounds (default 25)"
    )
    parser.add_argument(
        "--batch-ms",
        type=float,
        default=10.0,
        help="length of one in-process batch, in milliseconds of the floor's time",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    parser.add_argument(
        "--http-seconds", type=float, default=2.0, help="length of one wrk run"
    )
    parser.add_argument(
        "--http-rounds", type=int, default=0, help="wrk rounds (default 5)"
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk's open connections"
    )
    parser.add_argument(
        "--http-control",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also load a second floor server, to see how far two identical "
        "servers differ (on by default)",
    )
    parser.add_argument(
        "--json", type=Path, help="also write every sample to this JSON file"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())

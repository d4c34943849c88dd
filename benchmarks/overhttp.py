"""Load each app under uvicorn with wrk, on loopback only, bounded in time."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2

from benchmarks.scenarios import Scenario

HOST = "127.0.0.1"
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


@dataclass
class Load:
    """wrk's figures for one implementation, one sample per round."""

    scenario: Scenario
    requests_per_second: dict[str, list[float]]
    p50: dict[str, list[float]]
    p99: dict[str, list[float]]
    errors: dict[str, int]

    def round_ratios(self, figure: str, name: str, floor: str = "floor") -> list[float]:
        """Each round's figure for ``name`` over the floor's in the same round."""
        samples: dict[str, list[float]] = getattr(self, figure)
        return [
            mine / theirs
            for mine, theirs in zip(samples[name], samples[floor], strict=True)
        ]

    def ratio(self, figure: str, name: str, floor: str = "floor") -> float:
        """The median over rounds of ``name``'s figure over the floor's.

        As in process, pairing the rounds cancels the drift a shared
        machine puts on all servers of one round alike.
        """
        return statistics.median(self.round_ratios(figure, name, floor))


def wrk_path() -> str | None:
    """Return the path of wrk, or None when it is not installed."""
    return shutil.which("wrk")


def cpu_plan() -> tuple[set[int] | None, set[int] | None]:
    """Split the CPUs this process may use: ``(servers', wrk's)``.

    Given two or more, the servers share the first and wrk takes the rest,
    so that the server under load and its load generator never take turns
    on one core, which is most of the spread between rounds on a small
    machine. ``(None, None)``, nothing pinned, when there is only one CPU
    or the system cannot pin.
    """
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[0]}, set(cpus[1:])


def _pinned_to(cpus: set[int] | None) -> Callable[[], None] | None:
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


@contextlib.contextmanager
def servers(names: Sequence[str]) -> Iterator[dict[str, str]]:
    """Run one uvicorn per implementation; yield each one's base URL."""
    server_cpus, _ = cpu_plan()
    processes: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    try:
        for name in names:
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "benchmarks.serve", name, str(port)],
                    cwd=Path(__file__).resolve().parent.parent,
                    preexec_fn=_pinned_to(server_cpus),
                )
            )
            urls[name] = f"http://{HOST}:{port}"
        for url in urls.values():
            _wait_until_serving(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def check_same_over_http(urls: dict[str, str], scenario: Scenario) -> None:
    """Raise AssertionError unless every server answers ``scenario`` alike."""
    answers = {}
    with httpx2.Client(timeout=30) as client:
        for name, url in urls.items():
            response = client.request(
                scenario.method,
                url + scenario.path,
                content=scenario.body or None,
                headers=[(k.decode(), v.decode()) for k, v in scenario.headers],
            )
            answers[name] = (response.status_code, response.content)
    reference = answers["floor"]
    for name, answer in answers.items():
        if answer[0] != 200 or _normalised(answer) != _normalised(reference):
            raise AssertionError(
                f"{scenario.name} over HTTP: {name} answered {answer!r:.200}, "
                f"the floor {reference!r:.200}"
            )


def load(
    urls: dict[str, str],
    scenario: Scenario,
    *,
    rounds: int,
    seconds: float,
    connections: int,
) -> Load:
    """Run wrk against every server, interleaved, ``rounds`` times."""
    names = list(urls)
    result = Load(
        scenario,
        {name: [] for name in names},
        {name: [] for name in names},
        {name: [] for name in names},
        dict.fromkeys(names, 0),
    )
    with tempfile.TemporaryDirectory() as folder:
        script = _wrk_script(scenario, Path(folder))
        for name in names:
            _wrk(urls[name], scenario, script, 1.0, connections)
        for round_index in range(rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                output = _wrk(urls[name], scenario, script, seconds, connections)
                rate, p50, p99, errors = _parse(output)
                result.requests_per_second[name].append(rate)
                result.p50[name].append(p50)
                result.p99[name].append(p99)
                result.errors[name] += errors
    return result


def _wrk(
    url: str, scenario: Scenario, script: Path, seconds: float, connections: int
) -> str:
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "--script",
        str(script),
        url + scenario.path,
    ]
    _, wrk_cpus = cpu_plan()
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
        preexec_fn=_pinned_to(wrk_cpus),
    )
    return completed.stdout


def _wrk_script(scenario: Scenario, folder: Path) -> Path:
    body_file = folder / "body.json"
    body_file.write_bytes(scenario.body)
    lines = [f'wrk.method = "{scenario.method}"']
    if scenario.body:
        lines.append(f'local file = io.open("{body_file}", "rb")')
        lines.append("wrk.body = file:read('*a')")
        lines.append("file:close()")
    for name, value in scenario.headers:
        lines.append(f'wrk.headers["{name.decode()}"] = "{value.decode()}"')
    script = folder / "request.lua"
    script.write_text("\n".join(lines) + "\n")
    return script


def _parse(output: str) -> tuple[float, float, float, int]:
    rate_match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate_match is None:
        raise RuntimeError(f"wrk printed no request rate:\n{output}")
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx is not None:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(r"Socket errors:(.*)", output)
    if socket_errors is not None:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return (
        float(rate_match.group(1)),
        _seconds(latencies["50"]),
        _seconds(latencies["99"]),
        errors,
    )


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise RuntimeError(f"wrk printed a latency this cannot read: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _normalised(answer: tuple[int, bytes]) -> tuple[int, object]:
    status, body = answer
    with contextlib.suppress(ValueError):
        return status, json.loads(body)
    return status, body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_serving(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx2.get(url + "/openapi.json", timeout=2)
            return
        except httpx2.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start within {timeout:.0f}s")

"""Run ``lora-lab serve`` as a real process on a free loopback port."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2

# How long a server may take to answer its first /ping. Not an assertion
# about speed: a slow machine only makes the wait longer.
STARTUP_LIMIT = 30.0


@dataclass
class LiveServer:
    """A running ``lora-lab serve`` and what it printed before serving."""

    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    @property
    def banner(self) -> str:
        return self.stdout.read_text()

    @property
    def sample_folder(self) -> Path:
        """The temporary folder holding the sample adapters the banner names."""
        match = re.search(r"removed on exit\): (\S+)/sample \(rank 8\)", self.banner)
        assert match is not None, self.banner
        return Path(match[1])

    def stop(self) -> int:
        """Stop the server as ``kill`` would and return its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(timeout=STARTUP_LIMIT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def live_server(logs: Path, *arguments: str) -> Iterator[LiveServer]:
    """Start ``lora-lab serve <arguments>``, wait for /ping, stop it on exit."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("lora-lab")),
        "serve",
        "--port",
        str(port),
        *arguments,
    ]
    logs.mkdir(parents=True, exist_ok=True)
    stdout, stderr = logs / "stdout.txt", logs / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
    server = LiveServer(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        _wait_for_ping(server)
        yield server
    finally:
        server.stop()


def _wait_for_ping(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"lora-lab serve exited with {server.process.returncode}:\n"
                f"{server.stderr.read_text()}"
            )
        with contextlib.suppress(httpx2.TransportError):
            if httpx2.get(f"{server.url}/ping", timeout=1).status_code == 200:
                return
        time.sleep(0.05)
    raise AssertionError(f"lora-lab serve did not answer /ping at {server.url}")

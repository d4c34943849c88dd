"""``lora-lab explore``: serve the shape explorer as a web page on this machine.

Runs Voila on the notebook shipped in :mod:`lora_lab.explorer`, which shows
nothing but the explorer (the code is hidden), on 127.0.0.1 only. The
kernel Voila starts is always this Python, whatever kernels the user's
Jupyter knows, so it imports the same lora_lab. Needs the ``ui`` extra.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any

from lora_lab.cli.output import fail, write

DEFAULT_PORT = 8866
HOST = "127.0.0.1"
NOTEBOOK = "explorer.ipynb"


def add_parser(subparsers: Any) -> None:
    """Add the ``explore`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "explore",
        help="serve the interactive shape explorer as a web page",
        description="Serve the shape explorer on http://127.0.0.1:PORT/: paste a "
        "request, type a shape, and see what the handler receives as you type. "
        "Ctrl-C stops it.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the port to serve on (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not open the page in a browser",
    )


def run(args: argparse.Namespace) -> int:
    """Serve the explorer until interrupted; return Voila's exit status."""
    if not 0 < args.port < 65536:
        return fail("explore", f"--port must be between 1 and 65535, got {args.port}")
    missing = [
        name
        for name in ("voila", "ipywidgets", "ipykernel")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        return fail(
            "explore",
            f"the explorer page needs {', '.join(missing)}; install the ui extra "
            "with pip install 'lora_lab[ui]'",
        )
    with (
        resources.as_file(resources.files("lora_lab.explorer") / NOTEBOOK) as notebook,
        _this_python_as_kernel() as jupyter_path,
    ):
        command = voila_command(notebook, args.port, open_browser=not args.no_browser)
        environment = {**os.environ, "JUPYTER_PATH": jupyter_path}
        write(f"Serving the shape explorer on http://{HOST}:{args.port}/")
        write("Press Ctrl-C to stop it.")
        return _serve(command, environment)


def _serve(command: list[str], environment: dict[str, str]) -> int:
    """Run Voila until it ends; a stop asked of this process is passed on to it."""
    process = subprocess.Popen(command, env=environment)

    def stop(signum: int, frame: FrameType | None) -> None:
        process.send_signal(signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Voila stops its kernels on SIGTERM; wait until it has.
        process.send_signal(signal.SIGTERM)
        process.wait()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def voila_command(notebook: Path, port: int, *, open_browser: bool) -> list[str]:
    """Return the command that serves ``notebook`` with Voila on 127.0.0.1."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        # Fail on a busy port rather than serve on another one than announced.
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


@contextlib.contextmanager
def _this_python_as_kernel() -> Iterator[str]:
    """Yield a JUPYTER_PATH whose python3 kernel is the running interpreter."""
    with tempfile.TemporaryDirectory(prefix="lora-lab-explore-") as folder:
        kernel = Path(folder, "kernels", "python3")
        kernel.mkdir(parents=True)
        spec = {
            "argv": [
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
            ],
            "display_name": "Python 3 (lora_lab)",
            "language": "python",
        }
        (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        inherited = os.environ.get("JUPYTER_PATH")
        yield os.pathsep.join(filter(None, (folder, inherited)))

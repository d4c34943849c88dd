"""``lora-lab serve``: run an example container on a local port.

It builds the reference engine behind SageMaker's adapter API, writes two
sample adapters into a temporary folder (removed on exit), prints the
routes and curl commands that work as pasted, and serves with uvicorn
until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import logging
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from lora_lab.transforms.lora import SageMakerLoRAApiHeader

EXAMPLES = ("vllm", "sglang")


def add_parser(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "serve",
        help="run an example container with the reference engine",
        description=(
            "Serve the reference LoRA engine behind SageMaker's adapter API "
            "(/ping, /invocations, /adapters) and its own vLLM-style routes, "
            "with sample adapters to try them on."
        ),
    )
    parser.add_argument(
        "--example",
        choices=EXAMPLES,
        default="vllm",
        help="vllm: the adapter header replaces 'model'; sglang: it is appended "
        "as 'base:adapter' (default: vllm)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    parser.add_argument("--port", type=_port, default=8080, help="default: 8080")


def run(args: argparse.Namespace) -> int:
    """Serve the chosen example container until interrupted; return the status."""
    try:
        import uvicorn

        from lora_lab.engine import EXAMPLE_CONTAINERS, LoRAEngine, make_sample_adapter
    except ImportError as error:
        print(
            f"lora-lab serve needs the engine extra ({error.name} is missing): "
            "pip install 'lora_lab[engine]'",
            file=sys.stderr,
        )
        return 1

    with (
        _stopped_by_signal(),
        tempfile.TemporaryDirectory(prefix="lora-lab-serve-") as folder,
    ):
        sample = make_sample_adapter(Path(folder) / "sample", rank=8)
        broken = make_sample_adapter(Path(folder) / "broken", with_tensors=False)
        engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
        app = EXAMPLE_CONTAINERS[args.example](engine)
        print(
            render_banner(
                example=args.example,
                url=base_url(args.host, args.port),
                routes=api_routes(app),
                sample=sample,
                broken=broken,
            ),
            flush=True,
        )
        _show_engine_log()
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="info",
            log_config=_log_config(uvicorn.config.LOGGING_CONFIG),
        )
    return 0


def render_banner(
    *,
    example: str,
    url: str,
    routes: Iterable[tuple[str, str]],
    sample: Path,
    broken: Path,
) -> str:
    """Return the text ``serve`` prints: where it listens, routes, curl commands."""
    invocation = {"model": "toy-base", "prompt": "Where is my order?", "max_tokens": 8}
    answer = "sample" if example == "vllm" else "toy-base:sample"
    lines = [
        f"lora-lab serve: the {example} example container on {url}",
        "Engine: base model 'toy-base', max_loras 4, max_lora_rank 16",
        f"Sample adapters (removed on exit): {sample} (rank 8), {broken} (no tensors)",
        "",
        "Routes:",
        *(f"  {method:<7} {path}" for method, path in routes),
        f"  (OpenAPI docs: {url}/docs)",
        "",
        "Try it from another shell:",
        "  # register the sample adapter",
        _curl("POST", f"{url}/adapters", {"name": "sample", "src": str(sample)}),
        f"  # invoke it; the header turns 'model' into {answer!r}",
        _curl("POST", f"{url}/invocations", invocation, header="sample"),
        "  # the engine's own view: the base model and the loaded adapters",
        f"  curl {shlex.quote(url + '/v1/models')}",
        "  # errors: an adapter without tensors (400), an unknown adapter (404)",
        _curl("POST", f"{url}/adapters", {"name": "broken", "src": str(broken)}),
        _curl("POST", f"{url}/invocations", invocation, header="missing"),
        "  # unregister it",
        f"  curl -i -X DELETE {shlex.quote(url + '/adapters/sample')}",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)


def api_routes(app: Any) -> list[tuple[str, str]]:
    """Return ``(method, path)`` for each API route of ``app``, docs left out."""
    from fastapi.routing import APIRoute

    return [
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]


def base_url(host: str, port: int) -> str:
    """Return the URL a local client reaches ``host:port`` at."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class _Stop(Exception):
    """SIGTERM arrived: stop serving and clean up, as for Ctrl+C."""


@contextlib.contextmanager
def _stopped_by_signal() -> Iterator[None]:
    """End quietly on Ctrl+C or SIGTERM, once the code inside has cleaned up."""

    # uvicorn shuts down gracefully on SIGINT and SIGTERM, then raises the
    # signal again; with the default SIGTERM action the process would die
    # there, before the temporary adapters are removed.
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main_thread else None
    try:
        yield
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


class HideQueryStrings(logging.Filter):
    """Cut the query string out of uvicorn's access log lines.

    SageMaker sends an adapter's name and src in the query string, and
    request values are not for an INFO log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, question, _ = args[2].partition("?")
            record.args = (*args[:2], path + ("?..." if question else ""), *args[3:])
        return True


def _log_config(default: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(default)
    config.setdefault("filters", {})["hide_query_strings"] = {
        "()": f"{__name__}.HideQueryStrings"
    }
    config["handlers"]["access"].setdefault("filters", []).append("hide_query_strings")
    return config


def _show_engine_log() -> None:
    # The engine's INFO lines (an adapter loaded, replaced, unloaded) are
    # what a demo is for; uvicorn configures only its own loggers.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    package_logger = logging.getLogger("lora_lab")
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.INFO)


def _curl(
    method: str, url: str, payload: dict[str, Any], *, header: str | None = None
) -> str:
    parts = ["curl", "-i", "-X", method, url, "-H", "Content-Type: application/json"]
    if header is not None:
        parts += ["-H", f"{SageMakerLoRAApiHeader.ADAPTER_IDENTIFIER}: {header}"]
    parts += ["-d", json.dumps(payload)]
    return "  " + shlex.join(parts)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1 to 65535, got {port}")
    return port

"""Serve one implementation's app with uvicorn on a loopback port.

``python -m benchmarks.serve NAME PORT``; used by the HTTP benchmark.
"""

from __future__ import annotations

import sys

import uvicorn

from benchmarks.apps import build_app


def main(argv: list[str]) -> None:
    """Serve the app named by ``argv[0]`` on 127.0.0.1, port ``argv[1]``."""
    name, port = argv[0], int(argv[1])
    uvicorn.run(
        build_app(name),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""The ``lora-lab`` command line.

Each subcommand lives in a module of this package that defines
``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: tuple[str, ...] = ("serve", "explore", "preview", "lint")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lora-lab`` with ``argv`` and return its exit status."""
    parser = argparse.ArgumentParser(
        prog="lora-lab",
        description="Prototype and test SageMaker LoRA adapter handlers.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"lora_lab.cli.{name}")
        module.add_parser(subparsers)
        modules[name] = module
    args = parser.parse_args(argv)
    status: int = modules[args.command].run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())

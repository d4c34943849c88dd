"""``lora-lab lint``: check every shape a handlers module registers.

The module is imported with the default registry emptied for the time of
the import, so only its own handlers are seen (and the registry is put
back as it was after). Handlers registered in a ``HandlerRegistry`` of the
module's own are checked too. Exit status: 0 without findings, 1 with
findings (or a shape that does not compile), 2 when the module cannot be
imported.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import logging
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from lora_lab.cli.output import UsageError, fail, write
from lora_lab.errors import ShapeError
from lora_lab.registry import HandlerRegistry, Registration, handler_registry
from lora_lab.shapes import Finding, lint
from lora_lab.terminal import inert


def add_parser(subparsers: Any) -> None:
    """Add the ``lint`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "lint",
        help="check the request shapes of a handlers module",
        description="Import a handlers module and check every request shape it "
        "registers against what SageMaker's requests carry. Exits 1 when "
        "there are findings.",
    )
    parser.add_argument(
        "module",
        metavar="MODULE",
        help="a dotted module name (my_server.handlers) or a .py file",
    )


def run(args: argparse.Namespace) -> int:
    """Lint the handlers ``args.module`` registers and return the exit status."""
    try:
        return _lint(args.module)
    except UsageError as error:
        return fail("lint", str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the command line shows no tracebacks
        return fail("lint", f"unexpected {type(error).__name__}: {error}")


def _lint(target: str) -> int:
    try:
        with _fresh_default_registry() as seen:
            module = _import(target)
    except ShapeError as error:
        first, *caret = str(error).split("\n")
        write(inert(f"{_where_raised(error, target)}: error: {first}"))
        for line in caret:
            write(inert(line))
        return 1
    registrations = [*seen, *_own_registries(module)]
    count = 0
    for registration in registrations:
        for finding in _findings(registration):
            count += 1
            write(_report(registration, finding))
    summary = (
        f"{len(registrations)} handler(s) checked, {count} finding(s)"
        if count
        else f"{len(registrations)} handler(s) checked, no findings"
    )
    write(summary, stream=sys.stderr)
    return 1 if count else 0


@contextlib.contextmanager
def _fresh_default_registry() -> Iterator[list[Registration]]:
    """Empty the default registry while importing; yield what was registered."""
    saved = list(handler_registry)
    seen: list[Registration] = []
    factory_logger = logging.getLogger("lora_lab.transforms.factory")
    level = factory_logger.level
    # The same findings are reported below; the decorators need not log them.
    factory_logger.setLevel(logging.ERROR)
    handler_registry.clear()
    try:
        yield seen
        seen.extend(handler_registry)
    finally:
        factory_logger.setLevel(level)
        handler_registry.clear()
        for registration in saved:
            handler_registry.register(registration)


def _import(target: str) -> ModuleType:
    if target.endswith(".py") or os.sep in target or "/" in target:
        return _import_file(Path(target))
    sys.path.insert(0, os.getcwd())
    try:
        sys.modules.pop(target, None)
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        if error.name and target.startswith(error.name):
            raise UsageError(
                f"no module named {target!r}; give a dotted name importable from "
                "the current directory, or the path of a .py file"
            ) from None
        raise UsageError(_import_failure(target, error)) from None
    except ShapeError:
        raise
    except Exception as error:
        raise UsageError(_import_failure(target, error)) from None
    finally:
        sys.path.remove(os.getcwd())


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise UsageError(f"{path} is not a file")
    name = f"lora_lab_lint_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path} cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ShapeError:
        raise
    except Exception as error:
        raise UsageError(_import_failure(str(path), error)) from None
    finally:
        sys.modules.pop(name, None)
        sys.path.remove(str(path.resolve().parent))
    return module


def _import_failure(target: str, error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    mine = [frame for frame in frames if "importlib" not in frame.filename]
    where = f" ({mine[-1].filename}:{mine[-1].lineno})" if mine else ""
    return f"cannot import {target}: {type(error).__name__}: {error}{where}"


def _where_raised(error: BaseException, target: str) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    outside = [frame for frame in frames if "lora_lab" not in frame.filename]
    if not outside:
        return target
    return f"{outside[-1].filename}:{outside[-1].lineno}"


def _own_registries(module: ModuleType) -> list[Registration]:
    found: list[Registration] = []
    for value in vars(module).values():
        if isinstance(value, HandlerRegistry) and value is not handler_registry:
            found.extend(value)
    return found


def _findings(registration: Registration) -> list[Finding]:
    transform = registration.transform
    if transform is None:
        return []
    return lint(transform.request_shape.source, registration.handler_type)


def _report(registration: Registration, finding: Finding) -> str:
    handler = registration.handler
    name = getattr(handler, "__qualname__", repr(handler))
    try:
        where = f"{inspect.getsourcefile(handler)}:{inspect.getsourcelines(handler)[1]}"
    except (OSError, TypeError):
        where = getattr(handler, "__module__", "?")
    return inert(
        f"{where}: {finding.severity} {finding.code}: {name} "
        f"({registration.handler_type}) request_shape[{finding.key!r}] = "
        f"{finding.expression!r}: {finding.message} Fix: {finding.fix}"
    )

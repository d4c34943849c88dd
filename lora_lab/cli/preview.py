"""``lora-lab preview``: show what a handler would receive for a request.

Exit status: 0 when the request reaches the handler, 1 when the client
would get an error instead, 2 when the request or the options cannot be
used.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lora_lab.cli.output import UsageError, fail, write

EXAMPLES = """\
examples:
  lora-lab preview --handler register --shape '{"adapter_id": "body.name"}' req.http
  lora-lab preview --handler unregister \\
      --shape '{"adapter_id": "path_params.adapter_name"}' - < curl.txt
  lora-lab preview --handler list --shape '{"limit": "query_params.limit"}' req.http
  lora-lab preview --inject model --append --separator : --json req.txt
  lora-lab preview --inject model --prepend --separator : req.txt
"""


def add_parser(subparsers: Any) -> None:
    """Add the ``preview`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "preview",
        help="show what a handler receives for a request, before deploying",
        description="Run a request (raw HTTP text or a curl command) through a "
        "LoRA decorator and show what the handler receives and what the "
        "client gets. Exits 0 when the handler is called, 1 when the client "
        "gets an error instead, 2 when the input cannot be used.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument(
        "--handler",
        choices=("register", "unregister", "list", "describe", "update"),
        help="preview the register_..._handler decorator of that call",
    )
    kind.add_argument(
        "--inject",
        metavar="PATH",
        help="preview inject_adapter_id(PATH): the body field to write the "
        "adapter id to, such as model or parameters.adapter",
    )
    parser.add_argument("--shape", metavar="JSON", help="the request shape, as JSON")
    parser.add_argument(
        "--response-shape", metavar="JSON", help="the response shape, as JSON"
    )
    joining = parser.add_mutually_exclusive_group()
    joining.add_argument(
        "--append", action="store_true", help="with --inject: append, not replace"
    )
    joining.add_argument(
        "--prepend",
        action="store_true",
        help="with --inject: put the adapter id in front, not replace",
    )
    parser.add_argument(
        "--separator",
        help="with --inject --append or --prepend: the text between the values",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a file holding raw HTTP text or a curl command; - reads stdin",
    )


def run(args: argparse.Namespace) -> int:
    """Preview the request in ``args.file`` and return the exit status."""
    try:
        return _preview(args)
    except UsageError as error:
        return fail("preview", str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the command line shows no tracebacks
        return fail("preview", f"unexpected {type(error).__name__}: {error}")


def _preview(args: argparse.Namespace) -> int:
    try:
        from lora_lab.explorer import preview
    except ImportError as error:
        raise UsageError(
            f"the preview needs the explorer extra ({error}); install it with "
            "pip install 'lora_lab[explorer]'"
        ) from None

    result = preview(_read(args.file), _settings(args))
    if args.json:
        # ASCII-only JSON: every control character in the data stays escaped.
        write(json.dumps(result.to_dict(), indent=2, default=repr))
    else:
        write(str(result), end="")
    if result.outcome in ("invalid_request", "invalid_decorator"):
        return 2
    return 0 if result.accepted else 1


def _settings(args: argparse.Namespace) -> Any:
    from lora_lab.explorer import DecoratorSettings

    if args.inject is not None:
        if args.shape is not None or args.response_shape is not None:
            raise UsageError("--shape and --response-shape go with --handler")
        return DecoratorSettings(
            "inject",
            adapter_path=args.inject,
            append=args.append,
            separator=args.separator,
            prepend=args.prepend,
        )
    if args.append or args.prepend or args.separator is not None:
        raise UsageError("--append, --prepend and --separator go with --inject")
    return DecoratorSettings(
        args.handler,
        request_shape=_json_object("--shape", args.shape),
        response_shape=_json_object("--response-shape", args.response_shape),
    )


def _json_object(option: str, value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        shape = json.loads(value)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{option} is not valid JSON: {error.msg} at column {error.colno}; "
            """write it as '{"adapter_id": "body.name"}'"""
        ) from None
    if not isinstance(shape, dict):
        raise UsageError(f"{option} must be a JSON object of expressions")
    return shape


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None

"""What the subcommands share: writing to the terminal and reporting usage errors."""

from __future__ import annotations

import sys
from typing import TextIO


class UsageError(Exception):
    """Options or input the command cannot use; the message says what to change."""


def write(text: str, *, stream: TextIO | None = None, end: str = "\n") -> None:
    """Write ``text``, escaping what the terminal's encoding cannot show."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    safe = (text + end).encode(encoding, errors="backslashreplace").decode(encoding)
    stream.write(safe)
    stream.flush()


def fail(command: str, message: str) -> int:
    """Report a usage error on stderr and return exit status 2."""
    write(f"lora-lab {command}: error: {message}", stream=sys.stderr)
    return 2

"""Show text that came from a user without letting it act on the terminal.

A request can carry escape sequences that recolour or clear a terminal,
retitle its window, or, with bidirectional overrides, make text read in
another order than it is stored. Shown through :func:`inert`, each such
character appears as an escape (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import unicodedata

# Controls, format characters (bidirectional overrides among them), line
# and paragraph separators, surrogates, private-use and unassigned.
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def inert(text: str) -> str:
    """Return ``text`` with every character that could act on a terminal escaped.

    >>> inert("\\x1b[31mred")
    '\\\\x1b[31mred'
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_inert_char(char) for char in text)


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes once shown.

    A wide character (CJK, most emoji) takes two columns and a combining
    mark none, so a caret under a position is padded by this, not by
    ``len``::

        >>> display_width("名前.x")
        6
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


class Inert:
    """Format ``text`` through :func:`inert`, only when it is formatted.

    A log argument: ``logger.info("Unloaded %s", Inert(name))`` escapes the
    name only if the record is written, and a name holding a newline or an
    escape sequence cannot forge a log line or recolour the terminal.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return inert(self.text)


def _inert_char(char: str) -> str:
    if char == " " or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1

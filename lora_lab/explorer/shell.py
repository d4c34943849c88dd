"""Split a pasted shell command into words, as bash would.

:mod:`shlex` splits words as a POSIX shell does; this adds what it does not
know: backslash line continuations, and bash's ``$'...'`` strings, which
browsers use in "copy as cURL" for bodies with quotes or line breaks.
Each word keeps the line it starts on, so errors can name it.
"""

from __future__ import annotations

import re
import shlex

from lora_lab.explorer.request import RequestParseError

_ANSI_C_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_ANSI_C_NUMERIC = re.compile(
    r"\\(?:x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8})|([0-7]{1,3}))"
)


def split_command(text: str, *, line_offset: int = 0) -> list[tuple[str, int]]:
    """Split a command line into (word, line) pairs, as bash would.

    A leading ``$`` prompt is dropped. Raises
    :class:`~lora_lab.explorer.request.RequestParseError` naming the line
    of a quote that is never closed.
    """
    text = re.sub(r"\A\s*\$\s+", "", text)
    normalised = _normalise(text, line_offset)
    lexer = shlex.shlex(normalised, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[tuple[str, int]] = []
    try:
        while (word := lexer.get_token()) is not None:
            line = line_offset + lexer.lineno - word.count("\n")
            words.append((word, line))
    except ValueError as error:
        raise RequestParseError(
            f"the command cannot be split into words: {error}",
            line=line_offset + lexer.lineno,
            expected="balanced quotes",
        ) from None
    return words


def _normalise(text: str, line_offset: int) -> str:
    """Join continuation lines and rewrite ``$'...'`` strings for shlex."""
    out: list[str] = []
    index = 0
    quote_char: str | None = None
    opened_at = 0
    while index < len(text):
        char = text[index]
        if quote_char is None and text.startswith("$'", index):
            end, value = _ansi_c_string(text, index + 2, line_offset)
            out.append(shlex.quote(value))
            index = end
            continue
        if char == "\\" and quote_char != "'" and text.startswith("\n", index + 1):
            # A line continuation; keep the line break so lines still count.
            out.append("\n" if quote_char is None else "")
            index += 2
            continue
        if char == "\\" and quote_char != "'" and index + 1 < len(text):
            out.append(text[index : index + 2])
            index += 2
            continue
        if char in "'\"" and quote_char in (None, char):
            if quote_char is None:
                opened_at = index
            quote_char = None if quote_char else char
        out.append(char)
        index += 1
    if quote_char is not None:
        raise RequestParseError(
            f"the {quote_char} opened here is never closed",
            line=line_offset + text.count("\n", 0, opened_at) + 1,
            expected=f"a closing {quote_char}",
            found=text[opened_at : opened_at + 20],
        )
    return "".join(out)


def _ansi_c_string(text: str, start: int, line_offset: int) -> tuple[int, str]:
    """Decode bash's ``$'...'`` string starting at ``start``; return its end."""
    index = start
    out: list[str] = []
    while index < len(text):
        char = text[index]
        if char == "'":
            return index + 1, "".join(out)
        if char == "\\" and index + 1 < len(text):
            numeric = _ANSI_C_NUMERIC.match(text, index)
            if numeric:
                hex_byte, short, long, octal = numeric.groups()
                code = int(octal, 8) if octal else int(hex_byte or short or long, 16)
                out.append(chr(min(code, 0x10FFFF)))
                index = numeric.end()
                continue
            escaped = text[index + 1]
            out.append(_ANSI_C_ESCAPES.get(escaped, "\\" + escaped))
            index += 2
            continue
        out.append(char)
        index += 1
    raise RequestParseError(
        "the $' string opened here is never closed",
        line=line_offset + text.count("\n", 0, start) + 1,
        expected="a closing '",
        found=text[start - 2 : start + 18],
    )

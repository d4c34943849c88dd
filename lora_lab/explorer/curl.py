"""Read a curl command, as copied from documentation or a browser, into a request.

The command is split into words as a shell would (see
:mod:`lora_lab.explorer.shell`). The options that shape the request are
understood (``-X``, ``-H``, ``-d`` and its variants, ``--json``, ``-G``,
``-u``...); options that only change how curl behaves (``-s``, ``-v``,
``-L``...) are ignored, and any other option is an error rather than
silently dropped.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from lora_lab.explorer.request import (
    Header,
    ParsedRequest,
    RequestParseError,
    check_header,
    encode_target,
    finish_request,
)
from lora_lab.explorer.shell import split_command

_WITH_VALUE = {
    **dict.fromkeys(("-X", "--request"), "request"),
    **dict.fromkeys(("-H", "--header"), "header"),
    **dict.fromkeys(("-d", "--data", "--data-ascii", "--data-binary"), "data"),
    "--data-raw": "data-raw",
    "--data-urlencode": "data-urlencode",
    "--json": "json",
    **dict.fromkeys(("-u", "--user"), "user"),
    **dict.fromkeys(("-A", "--user-agent"), "user-agent"),
    **dict.fromkeys(("-e", "--referer"), "referer"),
    **dict.fromkeys(("-b", "--cookie"), "cookie"),
    "--url": "url",
}
# Options that change how curl runs, not what it sends.
_IGNORED_WITH_VALUE = frozenset().union(
    ("-o", "--output", "-w", "--write-out", "-m", "--max-time", "--connect-timeout"),
    ("--retry", "--retry-delay", "--retry-max-time", "--cacert", "--capath"),
    ("-E", "--cert", "--key", "-x", "--proxy", "--resolve", "--connect-to"),
    ("--limit-rate",),
)
_IGNORED_FLAGS = frozenset().union(
    ("-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include"),
    ("-k", "--insecure", "-L", "--location", "-f", "--fail", "--fail-with-body"),
    ("--compressed", "-N", "--no-buffer", "-g", "--globoff", "-#", "-q"),
    ("--progress-bar", "--http1.0", "--http1.1", "--http2", "-0", "-4", "-6"),
    ("--http2-prior-knowledge",),
)
_FLAGS = {"-G": "get", "--get": "get", "-I": "head", "--head": "head"}
_SHELL_OPERATORS = frozenset(("|", "||", "&&", ";", "&", ">", ">>", "<", "2>&1"))


@dataclass
class _Command:
    method: str | None = None
    url: str | None = None
    headers: list[Header] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    data: list[tuple[str, str]] = field(default_factory=list)
    get: bool = False
    head: bool = False


def parse_curl(text: str, *, line_offset: int = 0) -> ParsedRequest:
    """Parse a curl command into a :class:`ParsedRequest`.

    curl's own defaults are applied: ``POST`` when there is data,
    ``Content-Type: application/x-www-form-urlencoded`` for ``-d``,
    ``application/json`` for ``--json``, ``Accept: */*``. A body read from a
    file (``-d @file``) is refused: paste the body instead.
    """
    words = split_command(text, line_offset=line_offset)
    if not words or words[0][0] != "curl":
        raise RequestParseError(
            "a curl command starts with 'curl'",
            line=words[0][1] if words else line_offset + 1,
            expected="curl",
            found=words[0][0] if words else "",
        )
    command = _Command()
    index = 1
    while index < len(words):
        word, line = words[index]
        index += 1
        if word in _SHELL_OPERATORS:
            raise RequestParseError(
                f"only one curl command can be previewed; remove {word!r} and "
                "what follows",
                line=line,
                expected="curl options and a URL",
                found=word,
            )
        option, value = _split_option(word)
        if option in _WITH_VALUE or option in _IGNORED_WITH_VALUE:
            if value is None:
                if index >= len(words):
                    raise RequestParseError(
                        f"{option} needs a value",
                        line=line,
                        expected=f"a value after {option}",
                    )
                value = words[index][0]
                index += 1
            if option in _WITH_VALUE:
                _apply(command, _WITH_VALUE[option], value, line)
        elif option in _FLAGS:
            setattr(command, _FLAGS[option], True)
        elif option in _IGNORED_FLAGS or _combined_flags(word):
            continue
        elif word.startswith("-") and word != "-":
            raise RequestParseError(
                f"the curl option {word} is not supported by the preview",
                line=line,
                expected="-X, -H, -d, --data-raw, --data-binary, --data-urlencode, "
                "--json, -G, -u or a URL",
                found=word,
            )
        else:
            _apply(command, "url", word, line)
    return _request(command, words[-1][1])


def _split_option(word: str) -> tuple[str, str | None]:
    """Split ``-XPOST`` and ``-H'A: b'`` into the option and its attached value."""
    if word.startswith("--") or not word.startswith("-") or len(word) <= 2:
        return word, None
    option = word[:2]
    if option in _WITH_VALUE or option in _IGNORED_WITH_VALUE:
        return option, word[2:]
    return word, None


def _combined_flags(word: str) -> bool:
    """Tell whether ``word`` is short flags run together, such as ``-sSL``."""
    if not re.fullmatch(r"-[A-Za-z#0-9]{2,}", word):
        return False
    return all(f"-{letter}" in _IGNORED_FLAGS for letter in word[1:])


def _apply(command: _Command, what: str, value: str, line: int) -> None:
    if what == "request":
        command.method = value.upper()
    elif what == "header":
        _header(command, value, line)
    elif what in ("data", "json"):
        if value.startswith("@"):
            raise RequestParseError(
                f"{value!r} reads the body from a file, which the preview cannot "
                "see; paste the body instead",
                line=line,
                expected="the body itself",
                found=value,
            )
        command.data.append((what, value))
    elif what == "data-raw":
        command.data.append(("data", value))
    elif what == "data-urlencode":
        command.data.append(("data", _urlencoded(value, line)))
    elif what == "user":
        token = base64.b64encode(value.encode("utf-8")).decode("ascii")
        command.headers.append(("Authorization", f"Basic {token}"))
    elif what == "user-agent":
        command.headers.append(("User-Agent", value))
    elif what == "referer":
        command.headers.append(("Referer", value))
    elif what == "cookie":
        if "=" not in value:
            raise RequestParseError(
                f"-b {value!r} reads cookies from a file; give them as 'name=value'",
                line=line,
                expected="name=value",
                found=value,
            )
        command.headers.append(("Cookie", value))
    elif command.url is not None:
        raise RequestParseError(
            "the command names more than one URL; preview one request at a time",
            line=line,
            expected="one URL",
            found=value,
        )
    else:
        command.url = value


def _header(command: _Command, value: str, line: int) -> None:
    name, colon, rest = value.partition(":")
    if not colon and value.endswith(";"):
        # curl's way of sending a header with no value.
        check_header(value[:-1].strip(), "", line=line)
        command.headers.append((value[:-1].strip(), ""))
        return
    if not colon or not name.strip():
        raise RequestParseError(
            f"-H {value!r} is not a header",
            line=line,
            expected="-H 'Name: value'",
            found=value,
        )
    if not rest.strip():
        # curl's way of removing a header it would send by itself.
        command.removed.add(name.strip().lower())
        return
    check_header(name.strip(), rest.strip(), line=line)
    command.headers.append((name.strip(), rest.strip()))


def _urlencoded(value: str, line: int) -> str:
    name, equals, content = value.partition("=")
    if not equals and "@" in value:
        raise RequestParseError(
            f"--data-urlencode {value!r} reads a file; paste the content instead",
            line=line,
            expected="name=content",
            found=value,
        )
    if not equals:
        return quote(value, safe="")
    encoded = quote(content, safe="")
    return f"{name}={encoded}" if name else encoded


def _request(command: _Command, line: int) -> ParsedRequest:
    if command.url is None:
        raise RequestParseError(
            "the command names no URL",
            line=line,
            expected="a URL such as http://localhost:8080/adapters",
        )
    notes: list[str] = []
    url = command.url if "://" in command.url else f"http://{command.url}"
    parts = urlsplit(url)
    target = encode_target(parts.path or "/", notes)
    query = parts.query
    body = _body(command.data)
    if command.get and command.data:
        query = f"{query}&{body}" if query else body
        body = ""
    if query:
        target += "?" + encode_target(query, notes)
    method = command.method or ("HEAD" if command.head else "POST" if body else "GET")
    headers = _headers_with_defaults(command, parts.netloc, bool(body))
    return finish_request(
        method, target, headers, body.encode("utf-8"), "curl", notes, line=line
    )


def _body(data: list[tuple[str, str]]) -> str:
    text = ""
    previous = None
    for kind, value in data:
        if previous is not None:
            text += "" if kind == previous == "json" else "&"
        text += value
        previous = kind
    return text


def _headers_with_defaults(
    command: _Command, netloc: str, has_body: bool
) -> list[Header]:
    given = {name.lower() for name, _ in command.headers}
    defaults: list[Header] = [("Host", netloc.rpartition("@")[2] or "localhost")]
    defaults.append(("Accept", "*/*"))
    if has_body:
        sends_json = any(kind == "json" for kind, _ in command.data)
        content_type = (
            "application/json" if sends_json else "application/x-www-form-urlencoded"
        )
        defaults.append(("Content-Type", content_type))
        if sends_json:
            defaults = [
                ("Accept", "application/json") if name == "Accept" else (name, value)
                for name, value in defaults
            ]
    kept = [
        (name, value)
        for name, value in defaults
        if name.lower() not in given and name.lower() not in command.removed
    ]
    return kept + [
        (name, value)
        for name, value in command.headers
        if name.lower() not in command.removed
    ]

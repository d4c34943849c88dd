"""The catalogue of bad requests (bad_requests.json): reading and sending its cases."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

CATALOGUE = Path(__file__).with_name("bad_requests.json")
_REPEAT = re.compile(r"\{repeat:(.):(\d+)\}")


@dataclass(frozen=True)
class Case:
    """One request of the catalogue and what it must get."""

    name: str
    input: str
    route: str
    app: str
    method: str
    path: str
    expect: dict[str, Any]
    query: Any = None
    headers: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    adapters: tuple[str, ...] = ()

    @property
    def apps(self) -> tuple[str, ...]:
        """The apps to send it to: ``containers`` means both example containers."""
        return ("vllm", "sglang") if self.app == "containers" else (self.app,)

    def request(self, support: Path) -> dict[str, Any]:
        """Return the keyword arguments of ``httpx2.Client.request`` for the case."""
        fill = _Filler(str(support))
        headers = [
            (name.encode("latin-1"), fill.header(value))
            for name, value in self.headers.items()
        ]
        query = self.query or []
        pairs = query.items() if isinstance(query, dict) else query
        params = [(name, fill.text(value)) for name, value in pairs]
        content = None if self.body is None else fill.body(self.body)
        return {
            "method": self.method,
            "url": fill.text(self.path),
            "params": params,
            "headers": headers,
            "content": content,
        }


def load_catalogue() -> list[Case]:
    """Return every case of bad_requests.json."""
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return [
        Case(**{**raw, "adapters": tuple(raw.get("adapters", ()))})
        for raw in data["cases"]
    ]


def check_answer(case: Case, response: httpx2.Response) -> None:
    """Assert that ``response`` is what ``case`` expects, and nothing leaked."""
    expect = case.expect
    text = response.text
    assert response.status_code == expect["status"], text[:500]
    assert "Traceback" not in text
    assert 'File "' not in text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/json", text[:500]
        body = response.json()
    if "error" in expect:
        wanted = expect["error"]
        assert set(body) == {"detail", "errors"}, body
        assert isinstance(body["detail"], str)
        problems = [
            problem
            for problem in body["errors"]
            if problem["field"] == wanted["field"]
            and problem["location"] == wanted.get("location", problem["location"])
        ]
        assert problems, body
        said = [body["detail"], *(problem["message"] for problem in problems)]
        assert any(wanted["contains"] in sentence for sentence in said), said
    if "engine_error" in expect:
        wanted = expect["engine_error"]
        error = body["error"]
        assert error["param"] == wanted["param"], error
        assert wanted["contains"] in error["message"], error
    if "text" in expect:
        assert text == expect["text"]
    if "text_contains" in expect:
        assert expect["text_contains"] in text, text[:500]


class _Filler:
    """Expand the catalogue's placeholders and body generators."""

    def __init__(self, support: str) -> None:
        self.support = support

    def text(self, value: str) -> str:
        value = value.replace("{support}", self.support)
        return _REPEAT.sub(lambda match: match[1] * int(match[2]), value)

    def header(self, value: Any) -> bytes:
        if isinstance(value, dict):
            return bytes.fromhex(value["hex"])
        return self.text(value).encode("latin-1")

    def json_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json_value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(k): self.json_value(v) for k, v in value.items()}
        return value

    def body(self, spec: dict[str, Any]) -> bytes:
        if "json" in spec:
            return json.dumps(
                self.json_value(spec["json"]), ensure_ascii=False
            ).encode()
        if "text" in spec:
            return self.text(spec["text"]).encode("utf-8", "surrogatepass")
        if "hex" in spec:
            return bytes.fromhex(spec["hex"])
        kind, depth = spec["generate"], spec.get("depth", 0)
        if kind == "nested-arrays":
            return b"[" * depth + b"]" * depth
        if kind == "nested-objects":
            return b'{"a":' * depth + b"1" + b"}" * depth
        if kind == "padded":
            return _padded(
                spec["size"], self.json_value(spec["fields"]), spec.get("pad", "pad")
            )
        raise ValueError(f"unknown body generator {kind!r}")


def _padded(size: int, fields: dict[str, Any], pad: str) -> bytes:
    """A JSON object of exactly ``size`` bytes: ``fields``, then ``pad`` filled."""
    start = json.dumps({**fields, pad: ""}, separators=(",", ":")).encode()
    body = start[:-2] + b"x" * (size - len(start)) + b'"}'
    assert len(body) == size
    return body

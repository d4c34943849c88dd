"""A client's walk through an adapter's life, against a running server.

Start a server, then run the walkthrough against it::

    lora-lab serve                      # in one shell
    python examples/client_walkthrough.py --url http://127.0.0.1:8080

It writes sample adapters into a temporary folder (the server must run on
this machine to read them), registers one, invokes it with SageMaker's
adapter header, unregisters it, and provokes each error on the way. Every
step prints its status; the exit status is 1 if any step got a status
other than the one expected, and 2 when no server answers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2

from lora_lab.engine import make_sample_adapter

ADAPTER_HEADER = "X-Amzn-SageMaker-Adapter-Identifier"
NAME = "walkthrough"


@dataclass
class Step:
    """One request of the walkthrough, the status expected and the reply."""

    title: str
    expected: int
    reply: httpx2.Response

    @property
    def ok(self) -> bool:
        return self.reply.status_code == self.expected

    def summary(self) -> str:
        mark = "ok " if self.ok else "UNEXPECTED"
        text = " ".join(self.reply.text.split())
        return (
            f"[{mark}] {self.title}: {self.reply.status_code} "
            f"(expected {self.expected}) {text[:160]}"
        )


def walkthrough(client: httpx2.Client, folder: Path) -> list[Step]:
    """Run every step against ``client``, writing adapters into ``folder``."""
    good = make_sample_adapter(folder / "good", rank=8)
    wide = make_sample_adapter(folder / "wide", rank=64)
    empty = make_sample_adapter(folder / "empty", with_tensors=False)
    question = {"model": "toy-base", "prompt": "Where is my order?", "max_tokens": 8}

    def register(src: Path | str, name: str = NAME) -> httpx2.Response:
        return client.post("/adapters", json={"name": name, "src": str(src)})

    def invoke(adapter: str) -> httpx2.Response:
        headers = {ADAPTER_HEADER: adapter}
        return client.post("/invocations", json=question, headers=headers)

    return [
        Step("the server is up", 200, client.get("/ping")),
        Step("register the adapter", 200, register(good)),
        Step("invoke it with the adapter header", 200, invoke(NAME)),
        Step("the engine lists it", 200, client.get("/v1/models")),
        Step("register the same name again", 409, register(good)),
        Step("register a missing folder", 400, register(folder / "missing", "gone")),
        Step("register an adapter without tensors", 400, register(empty, "empty")),
        Step("register a rank above max_lora_rank", 400, register(wide, "wide")),
        Step(
            "register without src",
            400,
            client.post("/adapters", json={"name": "nameless"}),
        ),
        Step("invoke an adapter that is not loaded", 404, invoke("missing")),
        Step("unregister the adapter", 200, client.delete(f"/adapters/{NAME}")),
        Step("unregister it again", 404, client.delete(f"/adapters/{NAME}")),
        Step("invoke it once unregistered", 404, invoke(NAME)),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Walk through the adapter lifecycle against ``--url``; return the status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory() as folder,
        httpx2.Client(base_url=args.url, timeout=10) as client,
    ):
        try:
            steps = walkthrough(client, Path(folder))
        except httpx2.TransportError as error:
            print(f"No server answers at {args.url} ({error}).", file=sys.stderr)
            print("Start one with: lora-lab serve", file=sys.stderr)
            return 2
    for step in steps:
        print(step.summary())
    failed = [step for step in steps if not step.ok]
    print(f"{len(steps) - len(failed)} of {len(steps)} steps as expected.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long a preview of a 100 KB register request takes, against a floor.

Run it from the repository root, in the project's environment
(``make venv`` creates it in ``.venv``)::

    .venv/bin/python benchmarks/bench_preview.py

It previews a 100 KB JSON register request with a five-key shape, many
times, and prints the median against a floor measured in the same run:
``json.loads`` of the same body and five JMESPath searches, the least any
preview must do. The ratio, not the absolute time, is what to compare
between machines. The target is a median under 5 ms.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
from collections.abc import Callable

import jmespath

from lora_lab import register_load_adapter_handler
from lora_lab.explorer import preview

ROUNDS = 200
TARGET_MS = 5.0
SHAPE = {
    "adapter_id": "body.name",
    "adapter_source": "body.src",
    "preload": "body.preload",
    "notes": "length(body.notes)",
    "alias": 'headers."x-amzn-sagemaker-adapter-alias"',
}


def make_request(size: int = 100_000) -> str:
    """Return raw HTTP text of a register request whose body is ``size`` bytes."""
    body = {"name": "support", "src": "s3://bucket/adapters/support", "notes": ""}
    padding = size - len(json.dumps(body))
    body["notes"] = "n" * padding
    text = json.dumps(body)
    return (
        "POST /adapters HTTP/1.1\r\nHost: localhost:8080\r\n"
        "Content-Type: application/json\r\n"
        "X-Amzn-SageMaker-Adapter-Alias: support-v2\r\n"
        f"Content-Length: {len(text)}\r\n\r\n{text}"
    )


def median_ms(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Return the median wall time of ``run`` in milliseconds, after a warm-up."""
    for _ in range(10):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    request = make_request()
    body = request.split("\r\n\r\n", 1)[1].encode()
    headers = {"x-amzn-sagemaker-adapter-alias": "support-v2"}
    searches = [jmespath.compile(expression) for expression in SHAPE.values()]
    # The shape reads a field SageMaker never sends; the lint would say so.
    logging.getLogger("lora_lab").setLevel(logging.ERROR)
    decorator = register_load_adapter_handler(request_shape=SHAPE)

    result = preview(request, decorator)
    notes = len(json.loads(body)["notes"])
    assert result.accepted and result.values["notes"] == notes, result.outcome

    def floor() -> None:
        document = {"body": json.loads(body), "headers": headers}
        for search in searches:
            search.search(document)

    floor_ms = median_ms(floor)
    preview_ms = median_ms(lambda: preview(request, decorator))
    print(f"request: {len(request.encode()):,} bytes, shape: {len(SHAPE)} keys")
    print(f"floor (json.loads + {len(SHAPE)} searches): median {floor_ms:.3f} ms")
    print(
        f"preview: median {preview_ms:.3f} ms ({preview_ms / floor_ms:.1f}x the floor)"
    )
    verdict = "met" if preview_ms < TARGET_MS else "MISSED"
    print(f"target: under {TARGET_MS:.1f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

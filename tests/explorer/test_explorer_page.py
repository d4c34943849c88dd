"""The explorer page, served by ``lora-lab explore`` and used in a real browser.

Drives Debian's Chromium (``make browser`` installs it; Playwright never
downloads one) against Voila on a free 127.0.0.1 port. A screenshot of the
page is saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STARTUP_SECONDS = 90
UPDATE_MS = 20_000
SCRIPT_REQUEST = (
    "POST /adapters HTTP/1.1\n"
    "Content-Type: application/json\n\n"
    '{"name": "<script>window.__pwned = 1</script>", '
    '"src": "<img src=x onerror=\\"window.__pwned = 2; alert(1)\\">"}'
)

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: run make browser first")
    pytest.skip(
        f"{CHROMIUM} is missing; make test installs it (make browser)",
        allow_module_level=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the explorer with ``lora-lab explore`` until the tests are done."""
    home = tmp_path_factory.mktemp("jupyter")
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    port = free_port()
    log = (home / "voila.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from lora_lab.cli import main; sys.exit(main())",
            "explore",
            "--port",
            str(port),
            "--no-browser",
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, server, home / "voila.log")
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"lora-lab explore ended:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"lora-lab explore did not listen:\n{log.read_text()}")


@pytest.fixture
def page(explorer_url: str, tmp_path: Path) -> Iterator[Page]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1100},
        )
        try:
            page = context.new_page()
            page.goto(explorer_url)
            yield page
        finally:
            context.close()


def test_the_page_updates_as_you_type_and_renders_markup_as_text(page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    result = page.locator(".lora-lab-result")
    shape = page.locator(".lora-lab-shape textarea")
    request = page.locator(".lora-lab-request textarea")
    expect(result).to_contain_text("accepted", timeout=60_000)

    # Choose an example from the gallery: its request and shape fill the boxes.
    gallery = page.locator(".lora-lab-gallery select")
    example = gallery.locator("option", has_text="register-query-string:")
    gallery.select_option(example.get_attribute("value"))
    expect(result).to_contain_text('"fr-translator"', timeout=UPDATE_MS)
    expect(request).to_have_value(
        "POST /adapters?name=fr-translator&src=s3%3A%2F%2Fbucket%2Ffr HTTP/1.1\n"
        "Host: localhost:8080\n\n"
    )

    # Type a shape key by key: the value shows once the expression is whole.
    shape.fill('{"who": "body.na')
    expect(result).to_contain_text("Unterminated string", timeout=UPDATE_MS)
    shape.press("End")
    shape.press_sequentially('me"}')
    row = result.locator("tr", has_text="who")
    expect(row).to_contain_text('"fr-translator"', timeout=UPDATE_MS)
    expect(result).to_contain_text("Adapter fr-translator registered")

    # A broken expression: its error, with a caret under the position.
    shape.fill('{"who": "body.name[", "trace": "headers.X-Trace-Id"}')
    expect(result.locator(".caret").first).to_be_visible(timeout=UPDATE_MS)
    expect(result).to_contain_text("the decorator cannot be made")
    expect(result).not_to_contain_text("Adapter fr-translator registered")
    expect(result).not_to_contain_text("Traceback")
    ARTIFACTS.mkdir(exist_ok=True)
    result.screenshot(path=str(ARTIFACTS / "explorer-caret.png"))

    # A request carrying markup: shown as text, nothing runs.
    shape.fill('{"who": "body.name", "src": "body.src"}')
    request.fill(SCRIPT_REQUEST)
    expect(result).to_contain_text(
        '"<script>window.__pwned = 1</script>"', timeout=UPDATE_MS
    )
    expect(result).to_contain_text("onerror=")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".lora-lab-result script").count() == 0
    assert page.locator(".lora-lab-result img").count() == 0
    assert dialogs == []
    expect(page.locator(".lora-lab-code")).to_contain_text(
        "@register_load_adapter_handler("
    )

    # Tall enough for the code pane and the export below the result.
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.screenshot(path=str(ARTIFACTS / "explorer-page.png"), full_page=True)

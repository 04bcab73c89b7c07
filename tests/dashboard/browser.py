"""Headless Chromium for the desk's end-to-end tests: Debian's package, driven by Playwright.

Chromium must be installed (`apt-get install chromium`; .ci/run does it). Without it the tests fail and
say so: they are part of the suite, not optional. Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

CHROMIUM = os.environ.get("DESK_CHROMIUM", "/usr/bin/chromium")
# This machine's network is closed: without these, Chromium waits on connections it will never make.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screenshots"


def chromium_path() -> str:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found is None:
        raise AssertionError(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium), "
            "as .ci/run does; the desk's browser tests need it"
        )
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """The app on 127.0.0.1:port in a thread, for as long as the block runs."""
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the desk did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def browser(user_data_dir: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=chromium_path(),
            args=FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 860},
            locale="ko-KR",
        )
        try:
            yield context
        finally:
            context.close()

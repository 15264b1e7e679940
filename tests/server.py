"""Start the real app (streamlit run) on a free port for browser tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from bench.server import free_port, streamlit_command, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def running_app(env: dict[str, str], cwd: Path = ROOT, *, port: int | None = None,
                extra_args: Sequence[str] = ()) -> Iterator[str]:
    """Serve app.py on a fresh server; yield its base URL; stop it afterwards."""
    port = port or free_port()
    proc = subprocess.Popen(streamlit_command(port, extra_args), cwd=cwd, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(base, 60)
        except RuntimeError:
            raise RuntimeError("the app did not start within 60 s") from None
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_run(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']"
        "[data-test-connection-state='CONNECTED']",
        timeout=timeout,
    )
    page.wait_for_timeout(300)

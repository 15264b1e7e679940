"""Start the real app (streamlit run) on a free port for browser tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from bench.server import APP_IDLE
from bench.server import running_app as bench_app

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
    """Serve app.py on a fresh server; yield its base URL; stop it afterwards (the
    benchmarks' server start, bench/server.py, with the base URL only)."""
    with bench_app(env, extra_args=extra_args, port=port, cwd=cwd) as app:
        yield app.base


def wait_for_run(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    page.wait_for_timeout(300)

"""How long a page takes to show in a real browser, not only to run on the server.

    python -m bench browser [--db URL] [--pages raad,ledelse,...] [--runs 5]

Starts the app (bench/server.py, as in production) and Debian's Chromium through
Playwright, and for each page, as the demo role that opens it:

- **menu**: from a click on the page's link in the menu (the app already loaded, as a
  user moves between pages) until the script run is over and the browser has painted
  twice since (two animation frames);
- **load**: the same from typing the page's address (a new tab's full load: the
  front-end's code, the websocket, the run).

The server's caches are warmed by one visit first: this measures drawing and
transport, not the figures' first computation (that is `python -m bench load`'s first
views). It prints each page's median and max over ``--runs`` and the machine load."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.server import APP_IDLE, load_text, running_app
from nytte.core.auth import Role
from nytte.core.navigation import PAGES_BY_KEY

CHROMIUM = "/usr/bin/chromium"
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
DEFAULT_PAGES = ("raad", "ledelse", "fremmoedeoverblik", "kapacitet", "risikoliste",
                 "fremmoede")
# The role that opens each page in the benchmark (the page's first allowed role).
ROLE_ORDER = (Role.RAAD, Role.LEDER, Role.KOORDINATOR, Role.ADMIN)


def role_for(page_key: str) -> Role:
    allowed = PAGES_BY_KEY[page_key].roles
    return next(r for r in ROLE_ORDER if r in allowed)


def _shown(page: Page, timeout: float = 60_000) -> None:
    """The run is over and the browser has painted its output."""
    page.wait_for_function(
        f"() => !!document.querySelector(\"{APP_IDLE}\")", timeout=timeout, polling="raf")
    page.evaluate(PAINTED)


def time_menu(page: Page, base: str, key: str, role: Role) -> float:
    """Open another page first, then click ``key`` in the menu; seconds until shown."""
    page.goto(f"{base}/?rolle={role.value}")  # the front page is the root address
    _shown(page)
    page.wait_for_timeout(300)
    link = page.get_by_test_id("stSidebar").locator(f"a[href='{key}?rolle={role.value}']")
    started = time.perf_counter()
    link.click()
    page.wait_for_url(f"**/{key}?rolle={role.value}")
    _shown(page)
    return time.perf_counter() - started


def time_load(page: Page, base: str, key: str, role: Role) -> float:
    """A full load of the page's address; seconds until shown."""
    started = time.perf_counter()
    page.goto(f"{base}/{key}?rolle={role.value}")
    _shown(page)
    return time.perf_counter() - started


def run(base: str, keys: Sequence[str], runs: int) -> list[str]:
    lines = [f"{'page':<20} {'role':<20} {'menu p50 s':>10} {'max':>6} "
             f"{'load p50 s':>10} {'max':>6}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 900},
                                      locale="da-DK", timezone_id="Europe/Copenhagen")
        page = context.new_page()
        for key in keys:
            role = role_for(key)
            time_load(page, base, key, role)  # warm the server's caches for this page
            menu = [time_menu(page, base, key, role) for _ in range(runs)]
            load = [time_load(page, base, key, role) for _ in range(runs)]
            lines.append(f"{key:<20} {role.value:<20} {statistics.median(menu):>10.2f} "
                         f"{max(menu):>6.2f} {statistics.median(load):>10.2f} "
                         f"{max(load):>6.2f}")
        browser.close()
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench browser")
    parser.add_argument("--db", help="database URL (default: a fresh demo database, seed 1)")
    parser.add_argument("--pages", default=",".join(DEFAULT_PAGES))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    keys = [k.strip() for k in args.pages.split(",") if k.strip()]
    print(f"Machine load at start: {load_text()}")
    with tempfile.TemporaryDirectory(prefix="nytte-browser-") as tmp_name:
        db_url = args.db
        if db_url is None:
            from nytte.demo.database import demo_database

            demo_database(Path(tmp_name) / "demo.db", 1).dispose()
            db_url = f"sqlite:///{Path(tmp_name) / 'demo.db'}"
        with running_app({"NYTTE_DATABASE_URL": db_url},
                         log=Path(tmp_name) / "app.log") as app:
            for line in run(app.base, keys, args.runs):
                print(line, flush=True)
    print(f"Machine load at end: {load_text()}")
    return 0

"""The README's reverse proxy, for real: nginx runs docs/deploy/nginx.conf (with a
test certificate and loopback ports) in front of the app, and a browser uses Nytte
through it over TLS: the websocket connects, pages with charts and forms work under
the content-security policy (no violation reported), and the responses carry the
frame protection. With two replicas behind it, a session's download still works
(sticky sessions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from bench.server import nginx
from tests.browser_checks import choose_role
from tests.server import running_app, wait_for_run
from tests.trust_helpers import settle

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def behind_proxy(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with ExitStack() as stack:
        apps = [stack.enter_context(running_app({"NYTTE_DATABASE_URL": url}))
                for _ in range(2)]
        ports = [int(a.rsplit(":", 1)[1]) for a in apps]
        base, _pid = stack.enter_context(nginx(tmp_path_factory.mktemp("nginx"), ports))
        yield base


def test_the_app_works_through_the_proxy_under_its_csp(browser: Browser,
                                                       behind_proxy: str) -> None:
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    response = page.goto(behind_proxy)
    assert response is not None
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "max-age=" in headers["strict-transport-security"]
    wait_for_run(page)
    assert page.locator("[data-testid='stApp']").get_attribute(
        "data-test-connection-state") == "CONNECTED"
    choose_role(page, "Koordinator / holdleder")
    for title in ("Fremmødeoverblik", "Morgenregistrering"):
        page.get_by_role("link", name=title, exact=True).click()
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
    page.get_by_role("tab", name="Mødeliste (PDF)").click()
    with page.expect_download() as download:  # a file from the session's own replica
        page.get_by_role("button", name="Hent mødeliste (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Fremmødeoverblik", exact=True).click()
    settle(page)
    page.screenshot(path=str(Path("test-results") / "behind_nginx.png"), full_page=True)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    assert violations == [], "\n".join(violations)
    context.close()


def test_another_site_cannot_frame_the_app(browser: Browser, behind_proxy: str) -> None:
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.set_content(f'<iframe id="f" src="{behind_proxy}" width="800" height="600"></iframe>')
    page.wait_for_timeout(3000)
    frame = page.frame_locator("#f")
    assert frame.locator("[data-testid='stApp']").count() == 0
    context.close()

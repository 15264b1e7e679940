"""On a freshly started server, a page URL opened directly shows no page content
without the router's gate (Streamlit's legacy pages/ discovery cannot bypass it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine

from tests.browser_checks import open_as
from tests.server import running_app, wait_for_run

pytestmark = pytest.mark.browser

PAGE_MARKERS = ["Morgenregistrering", "Opgavescreening", "Ledelsesoverblik",
                "Regional gennemgang", "Service++", "Citykorpset"]


@pytest.mark.parametrize("path", ["roll", "screening", "manager", "council", "admin",
                                  "fremmoede", "opgavescreening", "ledelse", "raad"])
def test_direct_url_on_fresh_server_shows_nothing(page: Page, demo_sqlite: Engine,
                                                   path: str) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        page.goto(f"{base}/{path}")  # the very first visit to this server
        wait_for_run(page)
        body = page.inner_text("body")
        assert page.locator("[data-testid='stException']").count() == 0
        for marker in PAGE_MARKERS:
            assert marker not in body, (path, marker)
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        assert page.locator("[data-testid='stMetricValue']").count() == 0


def test_login_required_without_auth_shows_only_the_error(page: Page,
                                                          demo_sqlite: Engine) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url, "NYTTE_REQUIRE_LOGIN": "1"}) as base:
        page.goto(f"{base}/fremmoede")
        page.get_by_text("NYTTE_REQUIRE_LOGIN", exact=False).wait_for(timeout=30_000)
        wait_for_run(page)
        body = page.inner_text("body")
        assert "NYTTE_REQUIRE_LOGIN" in body
        assert "Morgenregistrering" not in body and "Vælg rolle" not in body


def test_demo_role_then_page(page: Page, demo_sqlite: Engine) -> None:
    """The positive control: after choosing a role the same URL shows the page. And a
    bookmark with the role (the very first visit after a restart) opens its page, not
    Streamlit's English "Page not found" and the front page."""
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        page.goto(f"{base}/raad?rolle=beskaeftigelsesraad")  # the server's first visit
        page.get_by_role("heading", name="Regional gennemgang").wait_for(timeout=60_000)
        wait_for_run(page)
        assert "Page not found" not in page.inner_text("body")
        assert page.url.startswith(f"{base}/raad")
        open_as(page, base, "Leder")
        page.wait_for_selector("[data-testid='stMetricValue']", timeout=30_000)
        wait_for_run(page)
        assert page.locator("[data-testid='stMetricValue']").count() == 2
        page.get_by_role("link", name="Ledelsesoverblik").click()
        page.wait_for_url("**/ledelse?rolle=leder", timeout=30_000)
        wait_for_run(page)
        page.wait_for_timeout(1500)
        # The chosen role survives the page switch: the page renders, not the picker.
        assert "Vælg en rolle i menuen" not in page.inner_text("body")
        assert page.locator("[data-testid='stException']").count() == 0

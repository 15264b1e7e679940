"""Navigation in a real browser: on a freshly started server no module names are ever
shown; a deep link survives choosing a role (demo) and logging in (OIDC); a page the
role may not open says so; the demo role survives a reload (F5) and the first page
switch of the very first session."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine

from tests.browser_checks import choose_role
from tests.server import running_app, wait_for_run
from tests.trust_helpers import oidc_provider, register_user, running_app_with_login, settle

pytestmark = pytest.mark.browser

MODULE_NAMES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "pages")
                      .glob("*.py") if not p.stem.startswith("_"))


def _no_module_names(page: Page) -> None:
    assert page.locator("[data-testid='stSidebarNavLink']").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    hrefs: list[str] = page.eval_on_selector_all(  # links to other pages (not "#main")
        "a[href]:not([href^='#'])", "(as) => as.map((a) => a.pathname)")
    labels = [t.strip().split("\n")[-1]  # after the icon (a font ligature)
              for t in page.locator("a").all_inner_texts()]
    for name in MODULE_NAMES:
        assert not any(h.rstrip("/").endswith(f"/{name}") for h in hrefs), (name, hrefs)
        assert name not in labels, (name, labels)


def test_fresh_server_first_session(browser: Browser, demo_sqlite: Engine) -> None:
    """The very first visit to a new server opens a pages/ file's URL: no module names,
    the role picker; after the choice, the front page; the first page switch keeps the
    role (it was lost before); a deep link survives the choice; F5 keeps the role."""
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        page = browser.new_context().new_page()
        page.goto(f"{base}/roll")  # the very first request of this server
        wait_for_run(page)
        page.wait_for_timeout(500)
        wait_for_run(page)
        _no_module_names(page)
        assert "Vælg en rolle" in page.inner_text("body")
        choose_role(page, "Koordinator / holdleder")
        page.get_by_role("heading", name="Enheder i dag").first.wait_for(timeout=30_000)
        _no_module_names(page)
        path = page.url.split("?")[0].rstrip("/")
        assert path in (base, f"{base}/forside"), page.url  # the front page
        # The first page switch of the first session keeps the role.
        page.get_by_role("link", name="Morgenregistrering").click()
        page.get_by_role("heading", name="Morgenregistrering").wait_for(timeout=30_000)
        settle(page)
        assert "Vælg en rolle i menuen" not in page.inner_text("body")
        assert "rolle=koordinator" in page.url
        # F5: a new session, the same role and page.
        page.reload()
        page.get_by_role("heading", name="Morgenregistrering").wait_for(timeout=30_000)
        page.get_by_text("Forventede").first.wait_for(timeout=30_000)  # the roll, not the picker
        # A page of another role: said in Danish, nothing of the page.
        page.goto(f"{base}/ledelse?rolle=koordinator")
        wait_for_run(page)
        page.get_by_text("Du har ikke adgang til siden «Ledelsesoverblik»").wait_for()
        assert page.get_by_test_id("stMetricValue").count() == 0

        # A deep link opened without a role survives choosing one.
        other = browser.new_context().new_page()
        other.goto(f"{base}/ledelse")
        wait_for_run(other)
        assert "Ledelsesoverblik" not in other.inner_text("body")
        choose_role(other, "Leder")
        other.get_by_role("heading", name="Ledelsesoverblik").wait_for(timeout=30_000)
        assert other.url.split("?")[0].endswith("/ledelse")
        _no_module_names(other)


USERS = {
    "lis@greve.dk": {"email": "lis@greve.dk", "name": "Lis Leder",
                     "groups": ["nytte-leder-greve"]},
}


def test_deep_link_survives_the_oidc_login(browser: Browser, demo_sqlite: Engine,
                                           tmp_path: Path) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    env = {"NYTTE_DATABASE_URL": url, "NYTTE_REQUIRE_LOGIN": "1"}
    with oidc_provider() as issuer, running_app_with_login(env, issuer, tmp_path) as base:
        for sub, claims in USERS.items():
            register_user(issuer, sub, claims)
        # Not the server's very first session: that one, opening a routed page's URL,
        # also gets Streamlit's English "Page not found" box before the app's code
        # runs (docs/navigation.md). Someone has opened the front page before.
        first = browser.new_context().new_page()
        first.goto(base)
        wait_for_run(first)
        first.context.close()
        page = browser.new_context().new_page()
        page.goto(f"{base}/ledelse")
        wait_for_run(page)
        assert "Ledelsesoverblik" not in page.inner_text("body")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{issuer}/oauth2/authorize**")
        page.get_by_placeholder("sub").fill("lis@greve.dk")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{base}/**")
        page.get_by_role("heading", name="Ledelsesoverblik").wait_for(timeout=60_000)
        assert page.url.split("?")[0].endswith("/ledelse")
        _no_module_names(page)

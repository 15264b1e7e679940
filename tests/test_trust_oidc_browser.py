"""End to end login through a real OpenID Connect provider on localhost
(oidc-provider-mock): st.login, the ID token's groups claim mapped to a role by
config/roles.toml, and what each role then sees. Also: with login configured and
NYTTE_REQUIRE_LOGIN=1, page URLs opened without login show nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from tests.server import wait_for_run
from tests.trust_helpers import ROOT, oidc_provider, register_user, running_app_with_login, settle

pytestmark = pytest.mark.browser

USERS: dict[str, dict[str, object]] = {
    "kim@greve.dk": {"email": "kim@greve.dk", "name": "Kim Koordinator",
                     "groups": ["nytte-koordinator-greve-citykorpset"]},
    "rita@rbr.dk": {"email": "rita@rbr.dk", "name": "Rita Rådsmedlem",
                    "groups": ["rbr-sjaelland"]},
    "nobody@greve.dk": {"email": "nobody@greve.dk", "name": "Uden Rolle", "groups": ["andet"]},
}


@pytest.fixture(scope="module")
def login_app(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[str, str]]:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with oidc_provider() as issuer:
        for sub, claims in USERS.items():
            register_user(issuer, sub, claims)
        env = {"NYTTE_DATABASE_URL": url, "NYTTE_REQUIRE_LOGIN": "1"}
        with running_app_with_login(env, issuer, tmp_path_factory.mktemp("auth")) as base:
            yield base, issuer


def _login(browser: Browser, base: str, issuer: str, sub: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base)
    wait_for_run(page)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{issuer}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**")
    wait_for_run(page)
    return page


def _menu(page: Page) -> list[str]:
    """The app's own menu (st.page_link in the sidebar); the icon's text comes first."""
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']")
    return [t.strip().split("\n")[-1] for t in links.all_inner_texts()]


def _open(page: Page, title: str) -> str:
    page.get_by_role("link", name=title, exact=True).click()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return page.inner_text("[data-testid='stMain']")


def test_coordinator_logs_in_and_sees_own_unit_only(browser: Browser,
                                                    login_app: tuple[str, str]) -> None:
    base, issuer = login_app
    page = _login(browser, base, issuer, "kim@greve.dk")
    sidebar = page.inner_text("[data-testid='stSidebar']")
    assert "Kim Koordinator (Koordinator / holdleder)" in sidebar
    assert "Log ud" in sidebar
    menu = " ".join(_menu(page))
    for allowed in ("Forside", "Morgenregistrering", "Opgavescreening", "Henvisninger"):
        assert allowed in menu
    for forbidden in ("Ledelsesoverblik", "Regional gennemgang", "Administration"):
        assert forbidden not in menu
    home = page.inner_text("[data-testid='stMain']")
    assert "Citykorpset" in home and "Service++" not in home  # roles.toml: units = [2]
    referrals = _open(page, "Henvisninger")
    assert "aktive henvisninger i dine enheder" in referrals
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    # The table is drawn on a canvas; the picker lists the same rows as text.
    page.locator("[data-testid='stSelectbox']").first.click()
    options = page.get_by_role("option").all_inner_texts()
    assert options and all("SAG-0253-" in o and "· Citykorpset" in o for o in options)
    page.keyboard.press("Escape")
    # A page of another role, typed into the address bar, is not served.
    page.goto(f"{base}/administration")
    wait_for_run(page)
    assert "Søg" not in page.inner_text("[data-testid='stMain']")
    assert "Revisionsspor" not in page.inner_text("body")
    page.screenshot(path=str(Path("test-results") / "oidc_coordinator.png"))
    # Logging out ends the session: back to the login screen, nothing else.
    page.goto(base)  # (closes the "page not found" dialog)
    wait_for_run(page)
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_timeout(1500)  # Streamlit clears its cookie (and may visit the provider)
    page.goto(base)
    wait_for_run(page)
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    assert "Citykorpset" not in page.inner_text("body")


def test_reviewer_logs_in_and_sees_no_person_level_data(browser: Browser,
                                                        login_app: tuple[str, str]) -> None:
    base, issuer = login_app
    page = _login(browser, base, issuer, "rita@rbr.dk")
    assert "Rita Rådsmedlem (Regionalt beskæftigelsesråd)" in page.inner_text(
        "[data-testid='stSidebar']")
    menu = _menu(page)
    assert any("Regional gennemgang" in m for m in menu)
    for forbidden in ("Morgenregistrering", "Henvisninger", "Ledelsesoverblik",
                      "Administration", "Opgavescreening"):
        assert not any(forbidden in m for m in menu), menu
    for title in [m for m in menu if m]:
        text = _open(page, title.split("\n")[-1])
        assert "SAG-" not in text
        assert "Service++" not in text and "Citykorpset" not in text
    for path in ("henvisninger", "fremmoede", "ledelse"):
        page.goto(f"{base}/{path}")
        wait_for_run(page)
        assert "SAG-" not in page.inner_text("body")


def test_user_without_a_role_gets_nothing(browser: Browser, login_app: tuple[str, str]) -> None:
    base, issuer = login_app
    page = _login(browser, base, issuer, "nobody@greve.dk")
    body = page.inner_text("body")
    assert "ingen rolle" in body
    assert page.locator("[data-testid='stSidebarNavLink']").count() == 0


@pytest.mark.parametrize("path", ["", "fremmoede", "henvisninger", "indlaes-henvisninger",
                                  "administration", "raad", "ledelse", "roll", "admin"])
def test_direct_url_without_login_shows_only_the_login(browser: Browser,
                                                       login_app: tuple[str, str],
                                                       path: str) -> None:
    base, _ = login_app
    page = browser.new_context().new_page()
    page.goto(f"{base}/{path}")
    wait_for_run(page)
    body = page.inner_text("body")
    assert "Log ind" in body
    for marker in ("Service++", "Citykorpset", "SAG-", "Henvisninger", "Revisionsspor",
                   "Morgenregistrering", "Vælg rolle"):
        assert marker not in body, (path, marker)
    assert page.locator("[data-testid='stSidebarNavLink']").count() == 0
    assert page.locator("[data-testid='stDataFrame']").count() == 0


@pytest.mark.parametrize("path", ["roll", "referrals", "henvisninger", "administration"])
def test_first_visit_to_a_fresh_server_shows_nothing(browser: Browser, demo_sqlite: Engine,
                                                     tmp_path: Path, path: str) -> None:
    """The very first request to a new server shows no data. For a pages/ file name
    (roll, referrals) Streamlit's legacy discovery runs that file directly; it only
    defines functions, so the page is empty (its sidebar lists file names, nothing
    more). For a routed page the router answers with the login screen."""
    url = demo_sqlite.url.render_as_string(hide_password=False)
    env = {"NYTTE_DATABASE_URL": url, "NYTTE_REQUIRE_LOGIN": "1"}
    with oidc_provider() as issuer, running_app_with_login(env, issuer, tmp_path) as base:
        page = browser.new_context().new_page()
        page.goto(f"{base}/{path}")
        # The first run of a fresh server switches Streamlit's legacy pages mode off
        # and starts again (pages/__init__.py): wait for the second run's login screen.
        page.get_by_role("button", name="Log ind").wait_for(timeout=30_000)
        wait_for_run(page)
        body = page.inner_text("body")
        routed = (ROOT / "pages" / f"{path}.py").exists() is False
        if routed:
            assert "Log ind" in body
            assert page.locator("[data-testid='stSidebarNavLink']").count() == 0
        for marker in ("Service++", "Citykorpset", "SAG-", "Ret en henvisning", "Revisionsspor",
                       "Henvisninger", "Morgenregistrering"):
            assert marker not in body, (path, marker)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stDataFrame']").count() == 0

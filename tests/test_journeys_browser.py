"""A day at the unit, one browser journey per role on one server: every page of the
role is opened (through the app's own menu first, then by its address), checked with
axe-core (WCAG 2.1 A/AA; no serious or critical finding of ours) and photographed, and
every request the browser makes is recorded: none may go to another host.

- coordinator: registers the morning roll on a 390 × 844 screen and screens a task;
- leader: the KPIs and the yearly evaluation (PDF);
- council: the regional review and the meeting pack (PDF);
- admin: the audit trail, in words (the coordinator's screening is in it).

Screenshots: test-results/journeys/<role>-<page>.png."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize
from sqlalchemy import Engine

from nytte.core.auth import ROLE_LABELS, Role
from nytte.core.navigation import pages_for
from tests.browser_checks import (
    SCREENSHOTS,
    AxeReport,
    RequestLog,
    axe,
    choose_role,
    format_findings,
    request_log,
)
from tests.screening_steps import screen_task
from tests.server import running_app, wait_for_run
from tests.trust_helpers import settle, writable_copy

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def base(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for all four journeys, on a private copy of the demo (they write)."""
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("journeys")) as engine:
        url = engine.url.render_as_string(hide_password=False)
        with running_app({"NYTTE_DATABASE_URL": url}) as served:
            yield served


class Journey:
    """One role's walk: a browser context whose requests are recorded, axe on every page."""

    def __init__(self, browser: Browser, base: str, role: Role, viewport: dict[str, int]):
        self.base, self.role = base, role
        self.context: BrowserContext = browser.new_context(viewport=viewport,  # type: ignore[arg-type]
                                                           accept_downloads=True)
        self.requests: RequestLog = request_log(self.context, base)
        self.page: Page = self.context.new_page()
        self.report = AxeReport()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, name: str) -> str:
        """The page as it is now: no error box, axe, a screenshot; returns the main text."""
        wait_for_run(self.page)
        # After a full load the widgets' code arrives in chunks; until then Streamlit
        # draws grey placeholders (an empty menu that axe rightly flags). Wait for them.
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stSidebar] *')]"
            ".every(e => !String(e.className).includes('Skeleton'))"
            " && !document.querySelector('[data-testid=stSkeleton]')",
            timeout=60_000)
        wait_for_run(self.page)
        assert self.page.locator("[data-testid='stException']").count() == 0, name
        axe(self.page, f"{self.role.value}/{name}", self.report)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.role.value}-{name}.png"),
                             full_page=True)
        return self.page.inner_text("[data-testid='stMain']")

    def enter(self, first_page: str) -> None:
        """As a user does: the front address, the role picker, then the menu."""
        self.page.goto(self.base)
        wait_for_run(self.page)
        self.check("velkomst")
        choose_role(self.page, ROLE_LABELS[self.role])
        sidebar = self.page.get_by_test_id("stSidebar")
        # The app's own menu: the role's pages, never Streamlit's list of files.
        assert self.page.locator("[data-testid='stSidebarNavLink']").count() == 0
        # The menu's links are drawn once their code has arrived (see check()).
        self.page.wait_for_load_state("networkidle")
        sidebar.locator("[data-testid='stPageLink']").first.wait_for(timeout=60_000)
        links = [t.strip().split("\n")[-1]  # after the icon (a font ligature)
                 for t in sidebar.locator("[data-testid='stPageLink']").all_inner_texts()]
        assert links == [p.title for p in pages_for(self.role)], links
        sidebar.get_by_role("link", name=first_page, exact=True).click()
        self.page.get_by_role("heading", name=first_page).first.wait_for(timeout=60_000)
        wait_for_run(self.page)
        assert f"rolle={self.role.value}" in self.page.url  # kept for a reload (F5)

    def visit(self, key: str) -> str:
        self.page.goto(f"{self.base}/{key}?rolle={self.role.value}")
        wait_for_run(self.page)
        self.page.wait_for_timeout(300)
        return self.check(key)

    def walk_all(self) -> None:
        for spec in pages_for(self.role):
            text = self.visit(spec.key)
            assert "Du har ikke adgang" not in text, spec.key

    def finish(self) -> None:
        self.context.close()
        outside = self.requests.outside()
        assert not outside, f"requests to other hosts: {outside}"
        assert self.requests.urls, "no request was recorded"
        assert self.report.pages >= len(pages_for(self.role)), self.report.pages
        assert not self.report.ours, "\n" + format_findings(self.report.ours)

    def download(self, button: str) -> bytes:
        with self.page.expect_download(timeout=60_000) as info:
            self.page.get_by_role("button", name=button).click()
        return Path(info.value.path()).read_bytes()

    def made_file(self, make: str, download: str, shot: str | None = None) -> bytes:
        """Ask for a file with the `make` button, wait for its `download` button (a PDF
        takes a while on a busy machine), check the page as `shot` if named, download."""
        button = self.page.get_by_role("button", name=make)
        button.scroll_into_view_if_needed()
        button.click()
        self.page.get_by_role("button", name=download).wait_for(timeout=120_000)
        if shot is not None:
            self.check(shot)
        return self.download(download)


def walked(browser: Browser, base: str, role: Role, first_page: str) -> Journey:
    """A journey in at the front address, through the menu to `first_page`, then every
    page of the role by its address."""
    j = Journey(browser, base, role, DESKTOP)
    j.enter(first_page)
    j.walk_all()
    return j


def test_coordinator_roll_on_a_phone_and_a_task_screened(browser: Browser, base: str) -> None:
    j = walked(browser, base, Role.KOORDINATOR, "Opgavescreening")

    # A task screened (the form as a coordinator fills it in).
    j.visit("opgavescreening")
    page = j.page
    screen_task(page, title="Oprydning af strandeng", description=(
        "Holdet samler affald og fjerner invasive planter på strandengen om foråret."),
        requester="Natur", indoor_outdoor="Udendørs", season="Forår")
    page.get_by_text(re.compile("Afgørelse: ")).first.wait_for(timeout=60_000)
    assert "Afgørelse: Afklares" in j.check("opgavescreening-afgoerelse")

    # The morning roll at the site, on a phone.
    page.set_viewport_size(PHONE)
    text = j.visit("fremmoede")
    assert "Forventede" in text
    page.get_by_role("button", name="Alle mødt").click()
    settle(page)
    j.check("fremmoede-alle-moedt")
    save = page.get_by_role("button", name="Gem fremmøde")
    save.scroll_into_view_if_needed()
    save.click()
    page.get_by_text(re.compile("Gemt: [0-9]+ nye")).first.wait_for(timeout=60_000)
    j.check("fremmoede-gemt")
    # Nothing sticks out sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    j.finish()


def test_leader_kpis_and_yearly_evaluation(browser: Browser, base: str) -> None:
    j = walked(browser, base, Role.LEDER, "Ledelsesoverblik")
    j.visit("ledelse")
    assert j.page.get_by_test_id("stMetricValue").count() >= 8
    assert j.made_file("Dan årlig evaluering", "Hent PDF", "ledelse-aarlig-evaluering"
                       )[:5] == b"%PDF-"
    j.finish()


def test_council_regional_review_and_meeting_pack(browser: Browser, base: str) -> None:
    j = walked(browser, base, Role.RAAD, "Regional gennemgang")
    text = j.visit("raad")
    assert "SAG-" not in text
    j.page.get_by_role("tab", name="Mødemateriale og eksport").click()
    assert j.made_file("Lav mødemateriale", "Hent mødemateriale (PDF)", "raad-moedemateriale"
                       )[:5] == b"%PDF-"
    j.finish()


def test_admin_reads_the_audit_trail_in_words(browser: Browser, base: str) -> None:
    j = walked(browser, base, Role.ADMIN, "Administration")
    text = j.visit("administration")
    assert "hændelse(r)" in text and "dansk tid" in text
    page = j.page
    page.get_by_test_id("stSelectbox").filter(has_text="Hændelse").get_by_role(
        "combobox").click()
    options = page.get_by_role("option").all_inner_texts()
    assert "Opgave vurderet" in options, options
    assert not any("." in o or "_" in o for o in options), options  # no event codes
    page.get_by_role("option", name="Opgave vurderet", exact=True).click()
    page.get_by_role("button", name="Søg").click()
    settle(page)
    text = j.check("administration-soegning")
    assert "screening.create" not in page.inner_text("body")
    data = j.made_file("Eksportér resultatet (CSV)", "Hent CSV").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    assert rows, data[:500]
    sentences = [r["Hændelse"] for r in rows]
    assert all(s.startswith("Vurderede opgave nr. ") for s in sentences), sentences[:3]
    assert "screening.create" not in data and '{"' not in data
    assert {r["Rolle"] for r in rows} <= set(ROLE_LABELS.values()) | {"System"}, rows[0]
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", rows[0]["Tidspunkt (dansk tid)"])
    j.finish()

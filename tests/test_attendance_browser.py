"""A team leader registers the morning roll of 25 people in a real browser: «Alle
mødt», three absences tapped with a reason, one shorter day typed in the grid,
save. It must take well under a minute of clicks, and the saved rows must say
exactly that. Once on a desktop screen on a Monday, once on a phone (390 × 844) on
a Sunday, when the roll opens on Friday and says so."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine, select, update

from nytte.core.db import make_engine, session_scope
from nytte.demo.database import add_team_of
from nytte.models import ABSENT, PRESENT, Attendance, Participant
from tests.browser_checks import open_as, settle_grid
from tests.server import running_app, wait_for_run
from tests.trust_helpers import writable_copy

pytestmark = pytest.mark.browser

DAY = date(2026, 11, 23)
TEAM = "Morgenholdet"


class Clicks:
    """Counts what the team leader does (clicks and typed entries)."""

    def __init__(self, page: Page) -> None:
        self.page, self.n = page, 0

    def click(self, locator: object) -> None:
        locator.click()  # type: ignore[attr-defined]
        self.n += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.n += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.n += 1


NAMES = [
    f"{first} {last}"
    for first, last in zip(
        (
            "Anne",
            "Bo",
            "Cecilie",
            "Dennis",
            "Emil",
            "Fatima",
            "Gitte",
            "Hassan",
            "Ida",
            "Jonas",
            "Kim",
            "Lene",
            "Mads",
            "Nadia",
            "Omar",
            "Pia",
            "Rasmus",
            "Sara",
            "Tomasz",
            "Ulla",
            "Vagn",
            "Yasmin",
            "Zeynep",
            "Åse",
            "Ørjan",
        ),
        (
            "Hansen",
            "Holm",
            "Ali",
            "Dahl",
            "Berg",
            "Khan",
            "Lund",
            "Nowak",
            "Krogh",
            "Møller",
            "Kaya",
            "Juhl",
            "Bak",
            "Abdi",
            "Friis",
            "Sand",
            "Vinter",
            "Bech",
            "Lind",
            "Skov",
            "Ravn",
            "Eng",
            "Yilmaz",
            "Storm",
            "Bakke",
        ),
        strict=True,
    )
]


def _roll_database(demo: Engine, tmp_path: Path, day: date) -> tuple[Path, int]:
    """The demo data plus a team of 25 starting ``day``, named from the case system."""
    with writable_copy(demo, tmp_path) as engine:
        unit_id = add_team_of(engine, 25, day, name=TEAM)
        with session_scope(engine) as s:
            for i, name in enumerate(NAMES):
                s.execute(
                    update(Participant)
                    .where(Participant.case_ref == f"BENCH-{unit_id}-{i:04d}")
                    .values(name=name)
                )
        return Path(str(engine.url.database)), unit_id


def _register(page: Page, clicks: Clicks, absent: list[str], timer_column_x: float) -> None:
    """«Alle mødt», tap the absent, a reason, set; row 1 works 4 hours; save."""
    clicks.click(page.get_by_role("button", name="Alle mødt"))
    settle_grid(page)
    form = page.get_by_test_id("stForm")
    for name in absent:
        clicks.click(form.get_by_role("button", name=name, exact=True))
    clicks.click(form.get_by_test_id("stSelectbox").get_by_role("combobox"))
    clicks.click(page.get_by_role("option", name="Udeblevet uden rimelig grund"))
    clicks.click(form.get_by_role("button", name="Sæt som fravær"))
    settle_grid(page)

    # One shorter day, typed into the grid (a canvas): select row 1's «Timer» (the
    # third column after the row number: Navn, Status, Timer) and type the hours.
    grid = page.get_by_test_id("stDataFrame")
    # Row 1 in view on a phone too: the grid's top just below the app's top bar.
    grid.evaluate(
        """e => {
            e.scrollIntoView({block: 'start'});
            let p = e.parentElement;
            while (p && !(p.scrollHeight > p.clientHeight
                          && /(auto|scroll)/.test(getComputedStyle(p).overflowY))) {
                p = p.parentElement;
            }
            if (p) p.scrollTop -= 120; else window.scrollBy(0, -120);
        }"""
    )
    page.wait_for_timeout(800)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + timer_column_x, box["y"] + 35 + 17)  # opens the editor
    clicks.n += 1
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    clicks.type("4")
    opened = page.evaluate(
        "() => [...document.querySelectorAll('input, textarea')].some(e => e.value === '4')"
    )
    if not opened:
        page.screenshot(path="/tmp/ur/dbg-grid.png")
    assert opened, "the cell editor did not open"
    page.wait_for_timeout(300)  # let the editor take the value before Enter
    clicks.press("Enter")
    settle_grid(page)

    save = page.get_by_role("button", name="Gem fremmøde")
    save.scroll_into_view_if_needed()
    clicks.click(save)
    wait_for_run(page)
    page.get_by_text("Gemt: 25 nye").wait_for(timeout=15_000)


def _check_saved(db: Path, unit_id: int, day: date, absent: list[str]) -> None:
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        rows = s.execute(
            select(Attendance, Participant.name)
            .join(Participant, Participant.id == Attendance.participant_id)
            .where(Attendance.unit_id == unit_id, Attendance.day == day)
        ).all()
    engine.dispose()
    assert len(rows) == 25
    assert sorted(str(name) for a, name in rows if a.status == ABSENT) == sorted(absent)
    assert all(a.reason_code == "unexcused" and a.hours == 0 for a, _ in rows if a.status == ABSENT)
    shorter = [
        (a.hours, name) for a, name in rows if a.status == PRESENT and a.hours < a.expected_hours
    ]
    assert shorter == [(4.0, NAMES[0])]  # the roll is sorted by name: Anne Hansen first


def _open_roll(page: Page, base: str, clicks: Clicks, phone: bool) -> None:
    open_as(page, base, "Koordinator / holdleder")
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        opener = page.get_by_test_id("stExpandSidebarButton")
        if opener.count() and opener.is_visible():
            clicks.click(opener)
    clicks.click(page.get_by_role("link", name="Morgenregistrering"))
    wait_for_run(page)
    if phone:  # the menu covers the page on a phone until it is closed
        sidebar = page.get_by_test_id("stSidebar")
        if sidebar.get_attribute("aria-expanded") == "true" or sidebar.get_attribute(
            "data-collapsed"
        ) == "false":
            closer = page.get_by_test_id("stSidebarCollapseButton").locator("button")
            sidebar.hover()
            clicks.click(closer)
            page.wait_for_timeout(500)
    clicks.click(
        page.get_by_test_id("stSelectbox").filter(has_text="Enhed").get_by_role("combobox")
    )
    clicks.click(page.get_by_role("option", name=f"{TEAM} (enhed)"))
    wait_for_run(page)


def _counts(page: Page) -> str:
    """The roll's line of counts (Forventede · Registreret · Mangler)."""
    return str(page.get_by_test_id("stMarkdown").filter(has_text="Forventede").first.inner_text())


def _warm_up(page: Page, base: str) -> None:
    # Warm-up visit: on a freshly started server the first session's demo role is
    # lost at its first page switch (the foundation's demo picker, seen in every
    # browser run here); a second session keeps it.
    warm = page.context.new_page()
    open_as(warm, base, "Koordinator / holdleder")
    warm.get_by_role("link", name="Morgenregistrering").click()
    wait_for_run(warm)
    warm.close()


ABSENT_NAMES = [NAMES[1], NAMES[6], NAMES[18]]


def test_team_leader_registers_a_roll_of_25_in_under_a_minute(page: Page, demo_sqlite: Engine,
                                                              tmp_path: Path) -> None:
    db, unit_id = _roll_database(demo_sqlite, tmp_path, DAY)
    env = {"NYTTE_DATABASE_URL": f"sqlite:///{db}", "NYTTE_TODAY": DAY.isoformat()}
    with running_app(env) as base:
        _warm_up(page, base)
        page.set_viewport_size({"width": 1400, "height": 1400})
        clicks = Clicks(page)
        started = time.monotonic()
        _open_roll(page, base, clicks, phone=False)
        # The app's clock is set to DAY (NYTTE_TODAY, a Monday): the roll opens on it.
        page.get_by_text("Forventede").first.wait_for()
        assert "Forventede 25" in _counts(page)
        assert page.get_by_text("er der ikke fremmøde").count() == 0
        _register(page, clicks, ABSENT_NAMES, timer_column_x=290)
        elapsed = time.monotonic() - started
        page.screenshot(path=str(tmp_path / "roll25.png"), full_page=True)
    assert elapsed < 60, elapsed
    assert clicks.n <= 30, clicks.n
    _check_saved(db, unit_id, DAY, ABSENT_NAMES)
    print(f"roll of 25 registered in {elapsed:.1f} s with {clicks.n} clicks/keystrokes")


SUNDAY = date(2026, 11, 29)
FRIDAY = date(2026, 11, 27)


def test_on_a_sunday_a_team_leader_registers_fridays_roll_on_a_phone(
    page: Page, demo_sqlite: Engine, tmp_path: Path
) -> None:
    db, unit_id = _roll_database(demo_sqlite, tmp_path, FRIDAY)
    env = {"NYTTE_DATABASE_URL": f"sqlite:///{db}", "NYTTE_TODAY": SUNDAY.isoformat()}
    with running_app(env) as base:
        _warm_up(page, base)
        page.set_viewport_size({"width": 1400, "height": 1000})
        clicks = Clicks(page)
        started = time.monotonic()
        _open_roll(page, base, clicks, phone=True)
        assert page.viewport_size == {"width": 390, "height": 844}
        # Today is a Sunday: the roll opens on Friday and says so.
        page.get_by_text("er der ikke fremmøde").wait_for()
        note = page.get_by_text("er der ikke fremmøde").inner_text()
        assert "søndag 29-11-2026" in note and "fredag 27-11-2026" in note, note
        shown = page.get_by_test_id("stDateInput").locator("input").input_value()
        assert shown in ("27-11-2026", "2026-11-27"), shown  # the widget's value is ISO
        assert "Forventede 25" in _counts(page)
        # Nothing needs a wider screen than the phone's.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        # The title stays whole on a phone: one line, not a word broken in two.
        title_lines = page.evaluate(
            "() => { const h = [...document.querySelectorAll('h1')]"
            ".find(e => e.innerText.includes('Morgenregistrering'));"
            " const w = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);"
            " const tops = new Set();"
            " while (w.nextNode()) { if (!w.currentNode.textContent.trim()) continue;"
            " const r = document.createRange(); r.selectNodeContents(w.currentNode);"
            " for (const x of r.getClientRects()) tops.add(Math.round(x.top)); }"
            " return tops.size; }")
        assert title_lines == 1, title_lines
        _register(page, clicks, ABSENT_NAMES, timer_column_x=290)
        elapsed = time.monotonic() - started
        page.screenshot(path=str(tmp_path / "roll25-phone.png"))
    assert elapsed < 60, elapsed
    assert clicks.n <= 32, clicks.n
    _check_saved(db, unit_id, FRIDAY, ABSENT_NAMES)
    print(f"phone: roll of 25 registered in {elapsed:.1f} s with {clicks.n} clicks/keystrokes")

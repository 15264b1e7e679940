"""A server restart in the middle of the morning roll loses nothing: a team leader
marks everyone present, one person absent with a reason, types a note; the server
stops and a new one starts on the same port and database. The open tab reconnects
but does not run again until the user acts, and then in a new session (the old
session state is gone with the old process); the team leader reloads it and opens
the roll: it shows what was typed with a line saying it was brought back, and «Gem
fremmøde» saves it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select, update

from bench.server import free_port
from nytte.core.db import make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.demo.database import add_team_of
from nytte.models import ABSENT, PRESENT, Attendance, Participant, RollDraft
from tests.browser_checks import settle_grid
from tests.server import running_app, wait_for_run

pytestmark = pytest.mark.browser

DAY = date(2026, 11, 23)  # a Monday
TEAM = "Kladdeholdet"
NAMES = ["Anne Hansen", "Bo Holm", "Cecilie Ali"]
NOTE = "Kom med bus 10 min for sent"


def _database(tmp_path: Path) -> tuple[str, int]:
    """A migrated database with one unit (the demo municipality's only one): a team of
    three who start on DAY, named from the case system."""
    url = f"sqlite:///{tmp_path / 'draft.db'}"
    engine = make_engine(url)
    upgrade(engine)
    unit_id = add_team_of(engine, len(NAMES), DAY, name=TEAM)
    with session_scope(engine) as s:
        for i, name in enumerate(NAMES):
            s.execute(update(Participant)
                      .where(Participant.case_ref == f"BENCH-{unit_id}-{i:04d}")
                      .values(name=name))
    engine.dispose()
    return url, unit_id


def _counts(page: Page) -> str:
    return str(page.get_by_test_id("stMarkdown").filter(has_text="Forventede").first.inner_text())


def _open_roll(page: Page) -> None:
    """From wherever the tab is, through the menu (the demo role rides in the URL)."""
    # A server started the plain way (`streamlit run app.py`) shows the very first
    # session Streamlit's "Page not found" box (docs/navigation.md); serve.py does not,
    # but should the box be there, the user closes it and picks the page in the menu.
    close = page.get_by_role("dialog").get_by_role("button", name="Close")
    if close.count():
        close.click()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Morgenregistrering").click()
    wait_for_run(page)
    page.get_by_text("Forventede").first.wait_for(timeout=30_000)
    settle_grid(page)


EDITOR = "#portal input, #portal textarea"  # the grid's cell editor (an overlay)


def _type_note(page: Page) -> None:
    """The grid is a canvas: open row 1's «Timer» (after Navn, Status), leave it, move
    two cells right to «Note», open its editor and type. Each step waits for the
    editor overlay to open or close; a try whose keys went astray (the grid redrawn
    under the pointer by a late rerun) is tried again, as a user clicks again."""
    grid = page.get_by_test_id("stDataFrame")
    for _ in range(3):
        settle_grid(page)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        # Rows are 35 px high; counted up from the grid's bottom edge, because the
        # element's box may include the grid's toolbar above the header.
        first_row_middle = box["y"] + box["height"] - len(NAMES) * 35 + 17
        page.mouse.dblclick(box["x"] + 290, first_row_middle)
        try:
            page.wait_for_selector(EDITOR, timeout=3_000)
        except PlaywrightTimeout:
            continue
        page.keyboard.press("Escape")
        page.wait_for_selector(EDITOR, state="detached", timeout=3_000)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            page.wait_for_selector(EDITOR, timeout=3_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        page.keyboard.type(NOTE)
        typed = page.evaluate(
            "(t) => [...document.querySelectorAll('input, textarea')].some(e => e.value === t)",
            NOTE,
        )
        if not typed:
            page.keyboard.press("Escape")
            continue
        page.wait_for_timeout(300)  # let the editor take the value before Enter
        page.keyboard.press("Enter")
        return
    raise AssertionError("the note's cell editor did not open")


def _type(page: Page, url: str) -> None:
    """«Alle mødt», Bo absent (reported sick), a note on Anne's line (row 1)."""
    page.get_by_role("button", name="Alle mødt").click()
    settle_grid(page)
    form = page.get_by_test_id("stForm")
    form.get_by_role("button", name=NAMES[1], exact=True).click()
    form.get_by_test_id("stSelectbox").get_by_role("combobox").click()
    page.get_by_role("option", name="Syg (meldt før mødetid)").click()
    form.get_by_role("button", name="Sæt som fravær").click()
    settle_grid(page)
    _type_note(page)
    settle_grid(page)
    assert "Mangler 0" in _counts(page), _counts(page)
    # Written to the server as it was typed (nothing saved yet). The grid sends the
    # note's edit on its own; the rerun that writes it may still be under way.
    engine = make_engine(url)
    deadline = time.monotonic() + 20
    while True:
        with session_scope(engine) as s:
            drafts = s.scalars(select(RollDraft.entries)).all()
            saved = s.scalar(select(func.count()).select_from(Attendance))
        if (len(drafts) == 1 and NOTE in str(drafts[0])) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    engine.dispose()
    assert saved == 0
    assert len(drafts) == 1 and NOTE in str(drafts[0]), drafts


def test_the_roll_being_typed_survives_a_server_restart(page: Page, tmp_path: Path) -> None:
    url, unit_id = _database(tmp_path)
    env = {"NYTTE_DATABASE_URL": url, "NYTTE_TODAY": DAY.isoformat()}
    port = free_port()
    page.set_viewport_size({"width": 1400, "height": 1200})
    started = time.monotonic()
    with running_app(env, port=port) as base:
        page.goto(f"{base}/?rolle=koordinator")
        wait_for_run(page)
        _open_roll(page)
        assert "Forventede 3" in _counts(page) and "Mangler 3" in _counts(page)
        opened = time.monotonic()
        _type(page, url)
        typed = time.monotonic()
    # The server is gone, and every session's state with it. A new server on the same
    # port and database; the team leader reloads the tab and opens the roll again.
    with running_app(env, port=port):
        restarted = time.monotonic()
        page.reload()
        wait_for_run(page)
        _open_roll(page)
        restored = page.get_by_text("Din ikke-gemte registrering fra kl.")
        restored.wait_for(timeout=10_000)
        assert "er hentet frem" in restored.inner_text()
        assert "Mangler 0" in _counts(page), _counts(page)
        save = page.get_by_role("button", name="Gem fremmøde")
        save.scroll_into_view_if_needed()
        save.click()
        page.get_by_text("Gemt: 3 nye").wait_for(timeout=15_000)
        assert page.get_by_text("Din ikke-gemte registrering").count() == 0
    elapsed = time.monotonic() - started
    engine = make_engine(url)
    with session_scope(engine) as s:
        rows = {
            str(name): a for a, name in s.execute(
                select(Attendance, Participant.name)
                .join(Participant, Participant.id == Attendance.participant_id)
                .where(Attendance.unit_id == unit_id, Attendance.day == DAY)
            ).all()
        }
        assert {n: (a.status, a.hours, a.reason_code, a.note) for n, a in rows.items()} == {
            NAMES[0]: (PRESENT, 6.25, None, NOTE),
            NAMES[1]: (ABSENT, 0.0, "sick_reported", ""),
            NAMES[2]: (PRESENT, 6.25, None, ""),
        }
        assert s.scalar(select(func.count()).select_from(RollDraft)) == 0
    engine.dispose()
    print(f"restart survived in {elapsed:.1f} s: roll open {opened - started:.1f} s, typed "
          f"{typed - opened:.1f} s, new server up {restarted - typed:.1f} s, reopened and "
          f"saved {elapsed - (restarted - started):.1f} s")

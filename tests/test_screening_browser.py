"""A coordinator screens a task in the browser, records the TR consultation and
downloads the written record; the PDF's text is checked with pypdf."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader
from sqlalchemy import Engine

from tests.browser_checks import open_as
from tests.screening_steps import choose, screen_task, type_date
from tests.server import running_app, wait_for_run
from tests.trust_helpers import writable_copy

pytestmark = pytest.mark.browser

TITLE = "Klargøring af træpaller <b>til</b> genbrug"


@pytest.fixture
def fresh_demo(demo_sqlite: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A demo database of this test's own: the test writes decisions into it."""
    with writable_copy(demo_sqlite, tmp_path) as engine:
        yield engine


def enter_as_coordinator(page: Page, base: str) -> None:
    open_as(page, base, "Koordinator / holdleder")
    page.get_by_role("link", name="Opgavescreening").click()
    wait_for_run(page)


def test_coordinator_screens_consults_and_downloads_record(page: Page,
                                                           fresh_demo: Engine) -> None:
    url = fresh_demo.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        page.set_viewport_size({"width": 1300, "height": 1600})
        # The very first session of a fresh server keeps its state at the first menu
        # navigation (pages/__init__.py switches Streamlit's legacy mode off).
        enter_as_coordinator(page, base)
        page.get_by_role("heading", name="Opgavescreening").wait_for(timeout=60_000)

        screen_task(page, title=TITLE, description=(
            "Paller skilles ad på værkstedet, søm fjernes, og træet sorteres til genbrug "
            "og pallemøbler. En vinteropgave indendørs."),
            requester="Genbrug", indoor_outdoor="Indendørs", season="Vinter")
        page.get_by_text(re.compile("Afgørelse: |Ret følgende")).first.wait_for(timeout=60_000)
        wait_for_run(page)
        body = page.inner_text("body")
        assert page.locator("[data-testid='stException']").count() == 0
        assert "Afgørelse: Afklares" in body, body[:2000]
        assert TITLE in body  # HTML in user text is shown as text
        assert page.locator("b", has_text="til").count() == 0

        consult = "[data-testid='stForm']:has-text('Gem høringen')"
        choose(page, "Hørt på niveau", "Tillidsrepræsentant for faggruppen på P-nummeret",
               consult)
        page.get_by_role("textbox", name="Hvem er hørt (navn og rolle)",
                         exact=True).fill("Åse Østergård, TR 3F")
        type_date(page, "Høringsdato", "16-02-2026", consult)
        choose(page, "Udfald", "Enig", consult)
        page.get_by_role("textbox", name="Tilkendegivelsens tekst / referat", exact=True).fill(
            "Holdet arbejder kun på værkstedet; ingen ansatte berøres.")
        page.locator(consult).get_by_text("TR er orienteret", exact=True).click()
        page.locator(consult).get_by_text("Den praktiske tilrettelæggelse er drøftet",
                                          exact=True).click()
        page.get_by_role("button", name="Gem høringen").click()
        # Either the new version is shown or the form's error (an st.error alert).
        page.locator("[data-testid='stText']:has-text('version 2'), "
                     "[data-testid='stAlertContentError']").first.wait_for(timeout=60_000)
        wait_for_run(page)
        body = page.inner_text("body")
        assert "Afgørelse: Godkendes" in body, body[:3000]
        assert "version 2" in body

        with page.expect_download() as info:
            page.get_by_role("button", name="Hent skriftlig vurdering (PDF)").click()
        data = Path(info.value.path()).read_bytes()

    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                    .split())
    assert "Skriftlig vurdering af opgave til nytteindsats" in text
    assert TITLE in text
    assert "Afgørelse: Godkendes" in text
    assert "Åse Østergård, TR 3F" in text and "16-02-2026" in text
    assert "Praktisk tilrettelæggelse drøftet Ja" in text
    assert "arbejdspligt-2025" in text
    assert "Demo koordinator" in text
    assert "Ingen fortrængning af ordinært ansatte: Opfyldt" in text

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

from tests.server import running_app, wait_for_run
from tests.trust_helpers import writable_copy

pytestmark = pytest.mark.browser

TITLE = "Klargøring af træpaller <b>til</b> genbrug"


@pytest.fixture
def fresh_demo(demo_sqlite: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A demo database of this test's own: the test writes decisions into it."""
    with writable_copy(demo_sqlite, tmp_path) as engine:
        yield engine


def choose(page: Page, label: str, option: str, scope: str = "body") -> None:
    box = page.locator(f"{scope} [data-testid='stSelectbox']").filter(
        has=page.get_by_role("combobox", name=label, exact=True)).first
    box.scroll_into_view_if_needed()
    box.get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.get_by_role("listbox").wait_for(state="hidden")


def radio(page: Page, label: str, option: str) -> None:
    group = page.locator("[data-testid='stRadio']").filter(has=page.get_by_text(label, exact=True))
    group.first.get_by_text(option, exact=True).click()


def type_date(page: Page, label: str, value: str, scope: str = "body") -> None:
    """Type a DD-MM-YYYY date into Streamlit's segmented date field."""
    page.locator(scope).get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(value.replace("-", ""))
    page.keyboard.press("Tab")


def enter_as_coordinator(page: Page, base: str) -> None:
    page.goto(base)
    wait_for_run(page)
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Koordinator / holdleder", exact=True).click()
    # The sidebar names the principal once the run with the chosen role has finished;
    # clicking the menu before that can interrupt the run and lose the choice.
    page.get_by_text("(Koordinator / holdleder)").wait_for(timeout=60_000)
    wait_for_run(page)
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

        form = "[data-testid='stForm']"
        # The start date stands outside the form and picks the consultation questions.
        type_date(page, "Startdato", "02-03-2026")
        wait_for_run(page)
        page.get_by_role("textbox", name="Titel", exact=True).fill(TITLE)
        page.get_by_role("textbox", name="Opgavebeskrivelse", exact=True).fill(
            "Paller skilles ad på værkstedet, søm fjernes, og træet sorteres til genbrug "
            "og pallemøbler. En vinteropgave indendørs.")
        page.get_by_role("textbox", name="Rekvirerende enhed", exact=True).fill("Genbrug")
        page.get_by_role("textbox", name="P-nummer", exact=True).fill("1003388497")
        choose(page, "Fagområde", "Teknik og miljø", form)
        choose(page, "Inde/ude", "Indendørs", form)
        choose(page, "Sæson", "Vinter", form)
        choose(page, "Hyppighed", "Én gang", form)
        for label in ("Personlig/praktisk hjælp eller anden visiteret ydelse efter serviceloven "
                      "(eget hjem eller plejebolig)", "Tidligere udført af ansatte",
                      "Del af drift, plejeplan eller serviceniveau", "Serviceniveau sparet væk",
                      "Privat marked for opgaven", "Kræver autoriseret fag"):
            radio(page, label, "Nej")
        choose(page, "Ville ellers blive udført af", "Ingen (opgaven ville ikke blive løst)",
               form)
        choose(page, "Til gavn for", "Offentlig arbejdsgiver / offentligheden", form)
        choose(page, "Høringsniveau", "Tillidsrepræsentant for faggruppen på P-nummeret", form)
        choose(page, "Høringens udfald", "Afventer", form)
        page.get_by_role("button", name="Vurdér og gem afgørelse").click()
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

"""Playwright steps for the screening page: Streamlit's select boxes, radios and
segmented date fields, and the screening form as a coordinator fills it in. The
screening browser test and the coordinator's journey both use them."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.server import wait_for_run

FORM = "[data-testid='stForm']"

# The yes/no questions a task without any warning sign answers "Nej" to.
NO_QUESTIONS = (
    "Personlig/praktisk hjælp eller anden visiteret ydelse efter serviceloven "
    "(eget hjem eller plejebolig)",
    "Tidligere udført af ansatte",
    "Del af drift, plejeplan eller serviceniveau",
    "Serviceniveau sparet væk",
    "Privat marked for opgaven",
    "Kræver autoriseret fag",
)


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


def screen_task(page: Page, *, title: str, description: str, requester: str,
                indoor_outdoor: str, season: str) -> None:
    """Fill in the screening form for a one-off technical task starting 2 March 2026
    with the TR consultation still pending, and submit it."""
    # The start date stands outside the form and picks the consultation questions.
    type_date(page, "Startdato", "02-03-2026")
    wait_for_run(page)
    page.get_by_role("textbox", name="Titel", exact=True).fill(title)
    page.get_by_role("textbox", name="Opgavebeskrivelse", exact=True).fill(description)
    page.get_by_role("textbox", name="Rekvirerende enhed", exact=True).fill(requester)
    page.get_by_role("textbox", name="P-nummer", exact=True).fill("1003388497")
    choose(page, "Fagområde", "Teknik og miljø", FORM)
    choose(page, "Inde/ude", indoor_outdoor, FORM)
    choose(page, "Sæson", season, FORM)
    choose(page, "Hyppighed", "Én gang", FORM)
    for label in NO_QUESTIONS:
        radio(page, label, "Nej")
    choose(page, "Ville ellers blive udført af", "Ingen (opgaven ville ikke blive løst)", FORM)
    choose(page, "Til gavn for", "Offentlig arbejdsgiver / offentligheden", FORM)
    choose(page, "Høringsniveau", "Tillidsrepræsentant for faggruppen på P-nummeret", FORM)
    choose(page, "Høringens udfald", "Afventer", FORM)
    page.get_by_role("button", name="Vurdér og gem afgørelse").click()

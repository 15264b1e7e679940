"""The reviewer's page in a real browser: the national figures, no small counts,
and the meeting pack downloads as a PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine

from tests.browser_checks import choose_role, open_as
from tests.server import running_app, wait_for_run

pytestmark = pytest.mark.browser


def test_reviewer_sees_region_and_national_figures(page: Page, demo_sqlite: Engine) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        open_as(page, base, "Regionalt beskæftigelsesråd")
        page.get_by_role("link", name="Regional gennemgang").click()
        wait_for_run(page)
        if "Vælg en rolle" in page.inner_text("body"):
            choose_role(page, "Regionalt beskæftigelsesråd")
        # The first view builds the region's whole protected year (seventeen
        # municipalities, every period): give it time on a busy machine.
        page.get_by_text("Nye henvisninger og fremmøde").first.wait_for(timeout=120_000)
        wait_for_run(page, 120_000)
        assert page.locator("[data-testid='stException']").count() == 0
        # The demo covers the region: a light municipality beside Greve (the grid draws
        # only the rows in view, so the check names one near the top). The grid draws
        # its rows after the run has finished: wait for them (a busy machine is slow).
        page.wait_for_function(
            "() => ['Faxe', 'Greve'].every(n => document.body.innerText.includes(n))",
            timeout=30_000)
        body = page.inner_text("body")
        assert "Nye henvisninger og fremmøde" in body
        assert "Faxe" in body and "Greve" in body
        page.get_by_role("tab", name="Landstal").click()  # drawn by a re-run when opened
        page.get_by_test_id("stMetricLabel").first.wait_for(timeout=60_000)
        wait_for_run(page)
        body = page.inner_text("body")
        assert "4.619" in body
        # Table cells are drawn on a canvas; their values are checked in AppTest
        # (test_council_national.py). Here: the table and its source are on the page.
        assert "Tabel 2.1" in body and "16. oktober 2023" in body
        page.get_by_role("tab", name="Mødemateriale og eksport").click()
        page.get_by_role("button", name="Lav mødemateriale").click()
        wait_for_run(page)
        with page.expect_download() as info:
            page.get_by_role("button", name="Hent mødemateriale (PDF)").click()
        path = info.value.path()
        with open(path, "rb") as fh:
            assert fh.read(5) == b"%PDF-"

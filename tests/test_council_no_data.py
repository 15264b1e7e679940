"""No data is not zero: a municipality Nytte has no data for is "ingen data" in the
tables, the shares, the chart, the checklist and the pack; a zero only where measured."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import Engine

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.core.suppression import NO_DATA
from nytte.council.checklist import Status
from nytte.council.council_page import council_page
from nytte.council.downloads import page_csv
from nytte.council.pack import meeting_pack_pdf
from nytte.council.periods import year
from tests import council_data
from tests.council_attack import parse_tables

REVIEWER = Principal("r", "R", Role.RAAD, region_code=council_data.REGION)


def test_municipalities_without_data_are_ingen_data(empty_engine: Engine) -> None:
    council_data.build(empty_engine)  # 4 of Region Sjælland's 17 have data
    with session_scope(empty_engine) as s:
        page = council_page(s, REVIEWER, year(council_data.YEAR))
    r = page.review
    assert len(r.no_data) == 13 and "Vordingborg" in r.no_data and "Greve" not in r.no_data
    row = r.funnel.row_labels.index("Vordingborg")
    assert r.funnel.display_rows()[row] == [NO_DATA] * 3
    greve = r.funnel.row_labels.index("Greve")
    assert NO_DATA not in r.funnel.display_rows()[greve]
    # Measured zeros stay zeros: Greve had no dagpenge recipients.
    benefit = r.by_benefit
    assert benefit.display_rows()[benefit.row_labels.index("Greve")][0] == "0"
    col = r.monthly.col_labels.index("Vordingborg")
    assert all(row[col] == NO_DATA for row in r.monthly.display_rows())
    share = next(s for s in r.shares if s.municipality == "Vordingborg")
    assert share.no_data
    checklist = dict(page.checklists)
    assert {i.status for i in checklist["Vordingborg"]} == {Status.NO_DATA}
    assert Status.NOT_MET not in {i.status for i in checklist["Vordingborg"]}
    tables = parse_tables(page_csv(page))
    assert tables["Afsluttede forløb"][[x[0] for x in tables["Afsluttede forløb"]].index(
        "Vordingborg")][1:] == [NO_DATA] * 3
    pack = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(meeting_pack_pdf(page))).pages).split())
    assert "Vordingborg ingen data ingen data ingen data" in pack
    assert "Ingen data i Nytte for:" in pack

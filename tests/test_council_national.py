"""The council's page reproduces the report's national figures exactly.

The expected values are typed in from the report's text (Ankestyrelsen
2023, source [A] in docs/domain.md: figur 2.1 and tabel 2.1), not read from data/reference,
so a wrong transcription there fails here.
"""

from __future__ import annotations

import pytest

from nytte.core.auth import Role
from nytte.council.national import table_2_1_view
from tests.apptest_helpers import open_page, open_tab

# Tabel 2.1 as printed: share of recipients (count) per year 2018..2022.
REPORT_TABLE_2_1 = {
    "Dagpenge": ["0,1 (215)", "0,1 (305)", "0,1 (190)", "0,1 (176)", "0,1 (294)"],
    "Kontanthjælp": ["6,9 (7.026)", "7,5 (7.147)", "4,1 (3.750)", "2,5 (1.983)", "3,5 (2.482)"],
    "Uddannelseshjælp": ["6,1 (3.626)", "6,3 (3.609)", "4,9 (2.853)", "2,8 (1.422)",
                         "2,9 (1.365)"],
    "Overgangsydelse*": ["4,5 (1.147)", "5,8 (1.182)", "3,9 (692)", "2,9 (440)", "1,7 (480)"],
}


def _norm(cell: str) -> str:
    return cell.replace("\xa0%", "").replace("%", "").replace("\xa0", " ")


def test_table_2_1_view_matches_the_report() -> None:
    view = table_2_1_view()
    assert view.header[1:] == [f"{y} (antal personer)" for y in range(2018, 2023)]
    got = {row[0]: [_norm(c) for c in row[1:]] for row in view.rows}
    assert got == REPORT_TABLE_2_1
    assert "16. oktober 2023" in view.source


@pytest.mark.usefixtures("app_db")
def test_council_page_shows_4619_and_table_2_1_exactly() -> None:
    at = open_page(Role.RAAD, "raad")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Regional gennemgang"
    open_tab(at, "raad_tab", "Landstal")
    assert not at.exception, [e.value for e in at.exception]
    offered = [m for m in at.metric if m.label == "Tilbudt nytteindsats i 2022"]
    assert offered and offered[0].value == "4.619"
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "4.619 personer tilbudt nytteindsats" in texts
    assert "12. juni 2023" in texts  # figure 2.1's source and date
    frames = [df.value for df in at.dataframe]
    table = next(f for f in frames if "2022 (antal personer)" in f.columns)
    got = {row[0]: [_norm(str(c)) for c in row[1:]] for row in table.itertuples(index=False)}
    assert got == REPORT_TABLE_2_1
    gender = next(f for f in frames if "Antal kvinder" in f.columns)
    assert gender.iloc[-1].tolist() == ["I alt", "1.511", "33\xa0%", "3.109", "67\xa0%"]

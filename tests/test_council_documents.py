"""Documents that print: no header wider than its column, nothing cut, every page
renders (pdftoppm), and the pack's numbers are the page's."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.core.formats import fmt_int
from nytte.council import pdf as pdf_module
from nytte.council import periods
from nytte.council.council_page import council_page
from nytte.council.downloads import page_csv
from nytte.council.evaluation import evaluation_data, evaluation_pdf
from nytte.council.pack import meeting_pack_pdf
from tests.council_attack import parse_tables

REVIEWER = Principal("r", "Rådsmedlem", Role.RAAD, region_code="1085")
LEADER = Principal("l", "Leder", Role.LEDER, municipality_code="0253")


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ReportPDF written during the test, kept for inspection."""
    made: list[Any] = []
    original = pdf_module.ReportPDF.to_bytes

    def keep(self: Any) -> bytes:
        made.append(self)
        return original(self)

    monkeypatch.setattr(pdf_module.ReportPDF, "to_bytes", keep)
    return made


def _headers_fit(doc: Any) -> list[str]:
    too_wide = []
    for widths, header_lines, size in doc.table_log:
        doc.set_font(doc.family, "B", size)
        for w, lines in zip(widths, header_lines, strict=True):
            for line in lines:
                if doc.get_string_width(line) > w - 2 * doc.c_margin + 0.01:
                    too_wide.append(f"{line!r} in {w:.1f} mm")
    return too_wide


@pytest.mark.parametrize("period", [periods.year(2025), periods.quarter(2026, 4),
                                    periods.month(2026, 10)], ids=lambda p: p.label)
def test_pack_headers_fit_and_numbers_are_the_pages(demo_sqlite: Engine, built: list[Any],
                                                    period: periods.Period) -> None:
    with session_scope(demo_sqlite) as s:
        page = council_page(s, REVIEWER, period)
    pack = meeting_pack_pdf(page)
    assert len(built) == 1
    assert _headers_fit(built[0]) == []
    # Every header cell of the checklist is whole (nothing cut to 18 characters).
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pack)).pages)
    flat = " ".join(text.split())
    for title in ("Skriftlig opgavebeskrivelse", "TR-høring dokumenteret for hver opgave"):
        assert all(word in flat for word in title.split())
    assert re.search(r"opgavebe(?!skrivelse)|TR-høring dokumen(?!teret)", flat) is None
    # The pack's table rows are the page's download rows.
    tables = parse_tables(page_csv(page))
    for title in ("Nye henvisninger og fremmøde", "Afsluttede forløb", "Indskrevne efter køn"):
        for row in tables[title][1:]:
            shown = [fmt_int(int(c)) if c.isdigit() else c for c in row]
            assert " ".join(shown) in flat, (title, row)


def test_evaluation_headers_fit(demo_sqlite: Engine, built: list[Any]) -> None:
    with session_scope(demo_sqlite) as s:
        evaluation_pdf(evaluation_data(s, LEADER, 2025))
    assert _headers_fit(built[0]) == []


def test_a_header_too_long_for_its_column_wraps() -> None:
    doc = pdf_module.ReportPDF("Test")
    doc.add_page()
    doc.data_table(["Kommune", "Skriftlig opgavebeskrivelse", "TR-høring dokumenteret"],
                   [["Greve", "opfyldt", "ikke opfyldt"]], widths=[40, 20, 20])
    assert _headers_fit(doc) == []
    assert len(doc.table_log[0][1][1]) > 1  # wrapped onto several lines


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) missing")
def test_every_page_renders(demo_sqlite: Engine, tmp_path: Path) -> None:
    with session_scope(demo_sqlite) as s:
        pack = meeting_pack_pdf(council_page(s, REVIEWER, periods.year(2025)))
        evaluation = evaluation_pdf(evaluation_data(s, LEADER, 2025))
    for name, content in (("pack", pack), ("evaluation", evaluation)):
        src = tmp_path / f"{name}.pdf"
        src.write_bytes(content)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(src), str(tmp_path / name)],
                       check=True)
        pngs = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pngs) == len(PdfReader(io.BytesIO(content)).pages)
        assert all(p.stat().st_size > 2000 for p in pngs)

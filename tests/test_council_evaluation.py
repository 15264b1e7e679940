"""The yearly evaluation's PDF and Excel hold the database's figures."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine, text

from nytte.auth import Principal, Role
from nytte.core import clock
from nytte.council.checklist import Status, strategy_checklist
from nytte.council.evaluation import (
    evaluation_data,
    evaluation_pdf,
    evaluation_xlsx,
    generate_yearly_evaluation,
)
from nytte.db import session_scope
from nytte.formats import fmt_int

LEADER = Principal("leder", "Demo leder", Role.LEDER, municipality_code="0253")
YEAR = 2025


def _truth(engine: Engine) -> dict[str, float]:
    """The figures straight from the tables, by SQL written for this test."""
    q = {
        "enrolled": """SELECT COUNT(DISTINCT r.participant_id) FROM referral r
            JOIN unit u ON u.id = r.unit_id WHERE u.municipality_code = '0253'
            AND r.expected_start <= '2025-12-31'
            AND (r.ended_on IS NULL OR r.ended_on >= '2025-01-01')""",
        "new_referrals": """SELECT COUNT(*) FROM referral r JOIN unit u ON u.id = r.unit_id
            WHERE u.municipality_code = '0253'
            AND r.expected_start BETWEEN '2025-01-01' AND '2025-12-31'""",
        "exits": """SELECT COUNT(*) FROM referral r JOIN unit u ON u.id = r.unit_id
            WHERE u.municipality_code = '0253'
            AND r.ended_on BETWEEN '2025-01-01' AND '2025-12-31'""",
        "present": """SELECT COUNT(*) FROM attendance a JOIN unit u ON u.id = a.unit_id
            WHERE u.municipality_code = '0253' AND a.status = 'present'
            AND a.day BETWEEN '2025-01-01' AND '2025-12-31'""",
        "expected": """SELECT COUNT(*) FROM attendance a JOIN unit u ON u.id = a.unit_id
            WHERE u.municipality_code = '0253'
            AND a.day BETWEEN '2025-01-01' AND '2025-12-31'""",
        "unexcused": """SELECT COUNT(*) FROM attendance a JOIN unit u ON u.id = a.unit_id
            WHERE u.municipality_code = '0253' AND a.reason_code = 'unexcused'
            AND a.day BETWEEN '2025-01-01' AND '2025-12-31'""",
    }
    with engine.connect() as conn:
        return {k: float(conn.execute(text(v)).scalar_one()) for k, v in q.items()}


def test_pdf_and_excel_match_the_database(demo_sqlite: Engine) -> None:
    truth = _truth(demo_sqlite)
    assert truth["enrolled"] >= 5  # published without suppression
    # The shared demo database is read-only for tests: build the files without the
    # audit event that generate_yearly_evaluation records (tested on its own below).
    with session_scope(demo_sqlite) as s:
        data = evaluation_data(s, LEADER, YEAR)
    xlsx, pdf_bytes = evaluation_xlsx(data), evaluation_pdf(data)
    wb = load_workbook(io.BytesIO(xlsx))
    sheet = wb["Nøgletal"]
    figures = {row[1].value: row[2].value for row in sheet.iter_rows(min_row=4)
               if row[1].value}
    assert figures["enrolled"] == truth["enrolled"]
    assert figures["new_referrals"] == truth["new_referrals"]
    assert figures["exits"] == truth["exits"]
    assert figures["unexcused_absences"] == truth["unexcused"]
    assert abs(figures["attendance_rate"] - truth["present"] / truth["expected"]) < 1e-9
    assert "Definitioner" in wb.sheetnames
    defs = [r[0].value for r in wb["Definitioner"].iter_rows(min_row=2) if r[0].value]
    assert "Fremmødeprocent" in defs

    pdf = PdfReader(io.BytesIO(pdf_bytes))
    text_all = "\n".join(p.extract_text() for p in pdf.pages)
    assert f"Årlig evaluering af nytteindsats {YEAR}" in text_all
    lines = text_all.splitlines()
    enrolled_line = next(ln for ln in lines if ln.startswith("Indskrevne "))
    assert fmt_int(truth["enrolled"]) in enrolled_line
    exits_line = next(ln for ln in lines if ln.startswith("Afsluttede forløb"))
    assert fmt_int(truth["exits"]) in exits_line
    images = sum(len(p.images) for p in pdf.pages)
    assert images >= 2  # the trend and the composition charts


def test_generating_the_evaluation_ticks_the_checklist(empty_engine: Engine) -> None:
    from tests import council_data

    council_data.build(empty_engine)
    with session_scope(empty_engine) as s:
        before = {i.key: i.status for i in strategy_checklist(s, "0253", date(2025, 12, 31))}
    assert before["yearly_evaluation"] is Status.NOT_MET
    with session_scope(empty_engine) as s:
        generate_yearly_evaluation(s, LEADER, YEAR)
    with session_scope(empty_engine) as s:
        after = {i.key: i for i in strategy_checklist(s, "0253", clock.today())}
    assert after["yearly_evaluation"].status is Status.MET
    assert after["effect"].status is not Status.NO_DATA or "Ingen" in after["effect"].evidence

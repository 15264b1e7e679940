"""The yearly evaluation's PDF and Excel hold the database's figures."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine, text

from nytte import kpis
from nytte.core import clock
from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.core.formats import fmt_int
from nytte.council.checklist import Status, strategy_checklist
from nytte.council.evaluation import (
    VERDICT_COLUMNS,
    evaluation_data,
    evaluation_pdf,
    evaluation_xlsx,
    fmt_kpi,
    generate_yearly_evaluation,
)

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


def _tasks_truth(engine: Engine, lo: str, hi: str) -> dict[str, int]:
    """Tasks by the verdict of their newest screening decided in [lo, hi], by plain SQL."""
    sql = """SELECT s.verdict, COUNT(*) FROM screening s JOIN task t ON t.id = s.task_id
        WHERE t.municipality_code = '0253'
        AND s.version = (SELECT MAX(version) FROM screening s2 WHERE s2.task_id = s.task_id)
        AND s.decided_at >= :lo AND s.decided_at < :hi GROUP BY s.verdict"""
    with engine.connect() as conn:
        return {str(v): int(n) for v, n in conn.execute(text(sql), {"lo": lo, "hi": hi})}


@pytest.mark.parametrize("year_no", [2025, 2026])
def test_one_number_one_query_across_pdf_and_excel(demo_sqlite: Engine, year_no: int) -> None:
    """Every task figure is the year's; the PDF and the Excel show the same numbers."""
    with session_scope(demo_sqlite) as s:
        data = evaluation_data(s, LEADER, year_no)
    end = min(date(year_no, 12, 31), clock.today())
    truth = _tasks_truth(demo_sqlite, f"{year_no}-01-01", (end + timedelta(days=1)).isoformat())
    assert data.figures["tasks_approved"] == truth.get("approve", 0)
    assert data.figures["tasks_rejected"] == truth.get("reject", 0)
    # The task table is the same tasks as the key figures.
    approve_col = [label for _, label in VERDICT_COLUMNS].index("Godkendt")
    reject_col = [label for _, label in VERDICT_COLUMNS].index("Afvist")
    assert sum(c[approve_col] for _, c in data.portfolio) == truth.get("approve", 0)
    assert sum(c[reject_col] for _, c in data.portfolio) == truth.get("reject", 0)
    items = {i.key: i for i in data.checklist}
    approved = truth.get("approve", 0)
    assert f"af {approved} godkendte opgaver" in items["written_description"].evidence
    assert items["yearly_evaluation"].status is Status.MET

    xlsx = load_workbook(io.BytesIO(evaluation_xlsx(data)))
    pdf = PdfReader(io.BytesIO(evaluation_pdf(data)))
    pdf_text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Ingen årlig evaluering dannet" not in pdf_text
    sheet = xlsx["Nøgletal"]
    for row in sheet.iter_rows(min_row=4):
        key = row[1].value
        if not key:
            continue
        want = ("–" if key in data.no_data else ".." if data.figures[key] is None
                else data.figures[key])
        assert row[2].value == (pytest.approx(want) if isinstance(want, float) else want), key
        shown = fmt_kpi(key, data.figures[key], data.no_data)
        line = next(ln for ln in pdf_text.splitlines() if ln.startswith(kpis.get(key).name))
        rest = line.removeprefix(kpis.get(key).name).strip().replace("\xa0", " ")
        assert rest.startswith(shown.replace("\xa0", " ") + " "), (key, line)
    tasks = xlsx["Opgaver"]
    assert sum(r[approve_col + 1].value for r in tasks.iter_rows(min_row=2)) == truth.get(
        "approve", 0)

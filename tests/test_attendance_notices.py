"""Absence notices for the caseworker: every unexcused absence, exports in CSV,
Excel and PDF, and no formula injection through a note."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nytte.attendance.notices import COLUMNS, absence_notices, to_csv, to_pdf, to_xlsx
from nytte.attendance.roll import RollEntry, all_present, read_roll, save_roll
from nytte.core.db import session_scope
from nytte.io.exports import safe_cell as neutralise
from nytte.models import ABSENT, Attendance, Unit
from tests.attendance_fixtures import CITY, DAY, coordinator, manager, session, writable_demo

__all__ = ["session", "writable_demo"]


def test_the_list_holds_every_unexcused_absence_of_the_period(demo_engine: Engine) -> None:
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    with session_scope(demo_engine) as s:
        df = absence_notices(s, manager(), unit_id=None, start=start, end=end)
        raw = s.execute(
            select(Attendance.day, Attendance.expected_hours, Attendance.hours).where(
                # the manager's own municipality (the demo also holds the rest of the region)
                Attendance.unit_id.in_(select(Unit.id).where(
                    Unit.municipality_code == manager().municipality_code)),
                Attendance.day >= start,
                Attendance.day <= end,
                Attendance.status == ABSENT,
                Attendance.reason_code == "unexcused",
            )
        ).all()
        with_late = absence_notices(
            s, manager(), unit_id=None, start=start, end=end, include_judged=True
        )
    assert len(df) == len(raw) > 0
    assert sorted(df["Dato"]) == sorted(r[0] for r in raw)
    assert df["Forventede timer"].sum() == sum(r[1] for r in raw)
    assert set(df["Årsag"]) == {"Udeblevet uden rimelig grund"}
    assert len(with_late) > len(df)
    assert not df["Sagsnummer"].str.match(r"^\d{6}-?\d{4}$").any()  # never a CPR number


def test_exports_neutralise_formula_looking_notes(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    evil = '=HYPERLINK("http://x.example","klik")'
    entries[0] = RollEntry(entries[0].referral_id, ABSENT, None, "unexcused", evil)
    entries[1] = RollEntry(entries[1].referral_id, ABSENT, None, "unexcused", "@SUM(A1)")
    save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    df = absence_notices(session, coordinator(), unit_id=CITY, start=DAY, end=DAY)
    assert len(df) == 2

    text = to_csv(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Dato" and len(rows) == 3
    note_col = COLUMNS.index("Note")
    notes = {r[note_col] for r in rows[1:]}
    assert notes == {"'" + evil, "'@SUM(A1)"}
    assert all(r[0] == "23-11-2026" for r in rows[1:])
    hours_col = COLUMNS.index("Forventede timer")
    assert all("," in r[hours_col] for r in rows[1:])  # decimal comma

    wb = load_workbook(io.BytesIO(to_xlsx(df)))
    ws = wb.active
    assert ws is not None
    cells = [ws.cell(row=r, column=note_col + 1) for r in (2, 3)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)

    pdf = to_pdf(df, "Fraværsmeddelelser", "23-11-2026")
    assert pdf.startswith(b"%PDF")


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("\t=x") == "'\t=x"
    assert neutralise("Syg") == "Syg"
    assert neutralise(6.25) == 6.25


def test_an_export_leaves_an_audit_event(session: Session) -> None:
    from nytte.attendance.notices import record_export
    from nytte.models import AuditEvent

    record_export(session, coordinator(), "xlsx", 12, DAY, DAY)
    session.flush()
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "absence_notices.exported")
    ).one()
    assert event.new == {"format": "xlsx", "rows": 12}
    assert event.actor == coordinator().user_id

"""Absence notices (fraværsmeddelelser) for the jobcentre caseworker.

Each unexcused absence, with the date, the expected and attended hours and the
reason recorded, goes on a list the caseworker can take into the case file. The
unit records; it never sanctions: the caseworker decides, after hearing the citizen
(aktivloven §§ 35-40 a, docs/domain.md § 8).

Exports neutralise cells that a spreadsheet would read as a formula (CSV/formula
injection): a note typed as "=HYPERLINK(...)" must stay text."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.attendance.data import scope_units
from nytte.attendance.pdf import table_pdf
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.formats import fmt_date, fmt_decimal
from nytte.core.reference import code_labels
from nytte.io.exports import csv_bytes, safe_cell
from nytte.models import Attendance, Participant, Referral, Team, Unit, display_name

NOTICE_REASONS = ("unexcused",)
# Reported sick after the start time: the caseworker judges whether it is reasonable.
JUDGED_REASONS = ("sick_late",)
COLUMNS = (
    "Dato",
    "Navn",
    "Sagsnummer",
    "Rådgiver",
    "Enhed",
    "Hold",
    "Forventede timer",
    "Registrerede timer",
    "Årsag",
    "Note",
    "Registreret af",
)
# The PDF is landscape A4: the hour columns get short headers (explained below it).
PDF_HEADERS = (*COLUMNS[:6], "Forv. t.", "Reg. t.", *COLUMNS[8:])
DISCLAIMER = (
    "Enheden registrerer fravær og orienterer rådgiveren. Enheden træffer ingen afgørelse "
    "om sanktion; det gør rådgiveren efter partshøring (aktivloven §§ 35-40 a)."
)


@requires(*PERSON_LEVEL)
def absence_notices(
    session: Session,
    principal: Principal,
    *,
    unit_id: int | None,
    start: date,
    end: date,
    include_judged: bool = False,
) -> pd.DataFrame:
    """Unexcused absences in [start, end] in the principal's scope, newest first."""
    units = scope_units(session, principal, unit_id)
    reasons = NOTICE_REASONS + (JUDGED_REASONS if include_judged else ())
    stmt = (
        select(
            Attendance.day,
            Participant.name,
            Participant.preferred_name,
            Participant.case_ref,
            Referral.caseworker_ref,
            Unit.name,
            Team.name,
            Attendance.expected_hours,
            Attendance.hours,
            Attendance.reason_code,
            Attendance.note,
            Attendance.registered_by,
        )
        .join(Participant, Participant.id == Attendance.participant_id)
        .join(Referral, Referral.id == Attendance.referral_id)
        .join(Unit, Unit.id == Attendance.unit_id)
        .outerjoin(Team, Team.id == Attendance.team_id)
        .where(
            Attendance.unit_id.in_(units or [-1]),
            Attendance.day >= start,
            Attendance.day <= end,
            Attendance.status == "absent",
            Attendance.reason_code.in_(reasons),
        )
        .order_by(Attendance.day.desc(), Participant.case_ref)
    )
    labels = code_labels(session, "absence_reason")
    rows = [
        (
            d,
            display_name(name, preferred),
            ref,
            cw or "",
            unit,
            team or "",
            float(exp),
            float(hrs),
            labels.get(reason or "", reason or ""),
            note or "",
            by,
        )
        for d, name, preferred, ref, cw, unit, team, exp, hrs, reason, note, by in session.execute(
            stmt
        ).all()
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _cells(df: pd.DataFrame) -> list[list[object]]:
    out = []
    for row in df.itertuples(index=False):
        out.append([safe_cell(fmt_date(v) if isinstance(v, date) else v) for v in row])
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """Semicolon CSV with decimal commas and a BOM, as Danish Excel opens it."""
    return csv_bytes(COLUMNS, (
        [fmt_decimal(v, 2) if isinstance(v, float) else v for v in cells] for cells in _cells(df)
    ))


def to_xlsx(df: pd.DataFrame) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Fraværsmeddelelser"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cells in _cells(df):
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text says
    for col, width in zip(
        "ABCDEFGHIJK", (12, 26, 20, 14, 16, 24, 10, 10, 28, 30, 18), strict=True
    ):
        ws.column_dimensions[col].width = width
    ws.append([])
    ws.append([DISCLAIMER])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(df: pd.DataFrame, title: str, period: str) -> bytes:
    rows = [
        [fmt_decimal(v, 2) if isinstance(v, float) else str(v) for v in cells]
        for cells in _cells(df)
    ]
    return table_pdf(
        title,
        f"Periode: {period}. {len(rows)} udeblivelse(r). Forv. t. = forventede timer efter "
        "ugeskemaet; Reg. t. = registrerede timer.",
        PDF_HEADERS,
        (17, 38, 26, 20, 20, 28, 14, 14, 36, 38, 22),
        rows,
        DISCLAIMER,
    )


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def record_export(
    session: Session, principal: Principal, fmt: str, rows: int, start: date, end: date
) -> None:
    """Person-level data leaving the system: an audit event per export."""
    record(
        session,
        principal,
        "absence_notices.exported",
        "absence_notices",
        f"{start.isoformat()}..{end.isoformat()}",
        new={"format": fmt, "rows": rows},
    )

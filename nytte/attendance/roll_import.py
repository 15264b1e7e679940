"""Import of a paper roll typed into a spreadsheet after the fact.

Danish spreadsheets save CSV with semicolons, dd-mm-yyyy dates, decimal commas and
often Latin-1 (Windows-1252). Every row is checked with the same rules as the
on-screen roll; any error stops the whole import (nothing is written) and each
error names its line and field."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.attendance.roll import (
    RollEntry,
    RollError,
    RowError,
    SaveResult,
    _load_unit,
    apply_plan,
    flush_or_conflict,
    plan_day,
    unit_closing_days,
)
from nytte.core.access import requires
from nytte.core.auth import Principal, Role
from nytte.core.reference import code_labels
from nytte.io.cells import as_text, normalise_case_ref, parse_date, parse_decimal
from nytte.io.errors import ImportRejected
from nytte.io.reader import MB, Limits, normalise_header, read_checked
from nytte.models import ABSENT, PRESENT, Attendance, Participant, Referral

COLUMNS = ("dato", "sagsnummer", "status", "timer", "årsag", "note")
HEADER_ALIASES = {
    "dato": "dato",
    "dag": "dato",
    "sagsnummer": "sagsnummer",
    "sagsnr": "sagsnummer",
    "sagsnr.": "sagsnummer",
    "sagsreference": "sagsnummer",
    "status": "status",
    "mødt": "status",
    "timer": "timer",
    "årsag": "årsag",
    "fraværsårsag": "årsag",
    "note": "note",
    "bemærkning": "note",
}
PRESENT_WORDS = {"mødt", "m", "ja", "x", "1", "present", "til stede"}
ABSENT_WORDS = {"fravær", "fraværende", "f", "nej", "0", "absent", "udeblevet", "ikke mødt"}


@dataclass(frozen=True)
class ImportRow:
    line: int
    day: date
    case_ref: str
    entry_status: str
    hours: float | None
    reason: str | None
    note: str


# Danish field names for the columns, as problems name them.
FIELD_NAMES = {"dato": "Dato", "sagsnummer": "Sagsnummer", "status": "Status",
               "timer": "Timer", "årsag": "Fraværsårsag", "note": "Note"}
ROLL_LIMITS = Limits(max_bytes=2 * MB, max_columns=len(COLUMNS) + 10)


def _aliases() -> dict[str, str]:
    return {normalise_header(k): v for k, v in HEADER_ALIASES.items()}


def parse_csv(data: bytes, reason_lookup: dict[str, str]) -> tuple[list[ImportRow], list[RowError]]:
    """Rows and row-level errors of an uploaded paper roll (nothing is looked up yet).

    The file goes through the one hardened reader (nytte.io.reader): size limit,
    strict CSV, known columns only, clean text cells; numbers and dates are read the
    Danish way, case references normalised."""
    try:
        table = read_checked(data, "papirliste.csv", _aliases(), ("dato", "sagsnummer", "status"),
                             ROLL_LIMITS)
    except ImportRejected as exc:
        return [], [RowError(p.row or 0, FIELD_NAMES.get(p.field or "", p.field or "Fil"),
                             p.message) for p in exc.problems]
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for line_no, cells in table.rows:
        row_errors = len(errors)
        day: date | None = None
        try:
            day = parse_date(cells.get("dato"))
        except ValueError as exc:
            errors.append(RowError(line_no, "Dato", str(exc)))
        case_ref = normalise_case_ref(cells.get("sagsnummer"))
        if not case_ref:
            errors.append(RowError(line_no, "Sagsnummer", "sagsnummeret mangler."))
        word = (as_text(cells.get("status")) or "").lower()
        status = PRESENT if word in PRESENT_WORDS else ABSENT if word in ABSENT_WORDS else ""
        if not status:
            errors.append(
                RowError(
                    line_no,
                    "Status",
                    f"'{as_text(cells.get('status')) or ''}' er hverken »mødt« eller »fravær«.",
                )
            )
        hours: float | None = None
        if as_text(cells.get("timer")) is not None:
            try:
                hours = parse_decimal(cells.get("timer"))
            except ValueError as exc:
                errors.append(RowError(line_no, "Timer", str(exc)))
        reason_text = as_text(cells.get("årsag")) or ""
        reason: str | None = None
        if reason_text:
            reason = reason_lookup.get(reason_text.lower())
            if reason is None:
                errors.append(
                    RowError(line_no, "Fraværsårsag", f"'{reason_text}' er ikke en kendt årsag.")
                )
        if len(errors) == row_errors and day is not None:
            rows.append(ImportRow(line_no, day, case_ref, status, hours, reason,
                                  as_text(cells.get("note")) or ""))
    return rows, errors


def reason_lookup(session: Session) -> dict[str, str]:
    """Lower-cased code or Danish label -> code."""
    out: dict[str, str] = {}
    for code, label in code_labels(session, "absence_reason").items():
        out[code.lower()] = code
        out[label.lower()] = code
    return out


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def import_paper_roll(
    session: Session,
    principal: Principal,
    unit_id: int,
    data: bytes,
    *,
    today: date,
    correction_reason: str = "",
) -> SaveResult:
    """Import a paper roll CSV for one unit: every row valid, or nothing is written."""
    unit = _load_unit(session, principal, unit_id)
    rows, errors = parse_csv(data, reason_lookup(session))
    refs = {r.case_ref for r in rows}
    by_ref: dict[str, list[Referral]] = defaultdict(list)
    if refs:
        for ref, case_ref in session.execute(
            select(Referral, Participant.case_ref)
            .join(Participant, Participant.id == Referral.participant_id)
            .where(Referral.unit_id == unit.id, func.upper(Participant.case_ref).in_(refs))
        ).all():
            by_ref[normalise_case_ref(case_ref)].append(ref)
    per_day: dict[date, list[tuple[int, RollEntry]]] = defaultdict(list)
    versions = (
        {
            (a.referral_id, a.day): a.version
            for a in session.scalars(
                select(Attendance).where(
                    Attendance.unit_id == unit.id, Attendance.day.in_({r.day for r in rows})
                )
            )
        }
        if rows
        else {}
    )
    for r in rows:
        candidates = by_ref.get(r.case_ref)
        if not candidates:
            errors.append(
                RowError(
                    r.line,
                    "Sagsnummer",
                    f"{r.case_ref!r} er ikke henvist til {unit.name}; tjek sagsnummeret.",
                )
            )
            continue
        active = [c for c in candidates if c.is_active_on(r.day)]
        ref = active[0] if active else candidates[-1]
        per_day[r.day].append(
            (
                r.line,
                RollEntry(
                    ref.id,
                    r.entry_status,
                    r.hours,
                    r.reason,
                    r.note,
                    versions.get((ref.id, r.day)),
                ),
            )
        )
    closing = unit_closing_days(session, unit.id)
    plans = []
    for day in sorted(per_day):
        items = per_day[day]
        plans.append(
            (
                day,
                plan_day(
                    session,
                    unit,
                    day,
                    [e for _, e in items],
                    today=today,
                    actor=principal.user_id,
                    correction_reason=correction_reason,
                    row_numbers=[line for line, _ in items],
                    closing=closing,
                    errors=errors,
                    day_error_per_row=True,
                ),
            )
        )
    if errors:
        raise RollError(sorted(errors, key=lambda e: (e.row, e.field)))
    result = SaveResult()
    for day, plan in plans:
        apply_plan(session, principal, unit, day, plan, correction_reason, result, "papirliste")
    flush_or_conflict(session)
    return result

"""Import of a paper roll typed into a spreadsheet after the fact.

Danish spreadsheets save CSV with semicolons, dd-mm-yyyy dates, decimal commas and
often Latin-1 (Windows-1252). Every row is checked with the same rules as the
on-screen roll; any error stops the whole import (nothing is written) and each
error names its line and field."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.access import requires
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
from nytte.auth import Principal, Role
from nytte.models import ABSENT, PRESENT, Attendance, Participant, Referral
from nytte.reference import code_labels

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
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class ImportRow:
    line: int
    day: date
    case_ref: str
    entry_status: str
    hours: float | None
    reason: str | None
    note: str


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it is that, else Windows-1252/Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_danish_date(text: str) -> date | None:
    t = text.strip().replace(".", "-").replace("/", "-")
    parts = t.split("-")
    if len(parts) != 3 or len(parts[2]) != 4 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def parse_hours(text: str) -> float | None:
    t = text.strip().replace(" ", "")
    if not t:
        return None
    if "," in t:  # Danish decimal comma; a dot is then a thousands separator
        t = t.replace(".", "").replace(",", ".")
    return float(t)


def parse_csv(data: bytes, reason_lookup: dict[str, str]) -> tuple[list[ImportRow], list[RowError]]:
    """Rows and row-level errors of an uploaded paper roll (nothing is looked up yet)."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "Fil", "filen er større end 2 MB; del den op.")]
    text = decode(data)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if ";" in first or "," not in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    header: list[str] | None = None
    for line_no, raw in enumerate(reader, start=1):
        if not any(c.strip() for c in raw):
            continue
        if header is None:
            header = [HEADER_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in raw]
            missing = [c for c in ("dato", "sagsnummer", "status") if c not in header]
            if missing:
                return [], [
                    RowError(
                        line_no,
                        "Overskrift",
                        f"kolonnen/kolonnerne {', '.join(missing)} mangler; forventet "
                        f"{';'.join(COLUMNS)}.",
                    )
                ]
            continue
        cells = {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header)}
        row_errors = len(errors)
        day = parse_danish_date(cells.get("dato", ""))
        if day is None:
            errors.append(
                RowError(
                    line_no,
                    "Dato",
                    f"{cells.get('dato', '')!r} er ikke en dato på formen dd-mm-åååå.",
                )
            )
        case_ref = cells.get("sagsnummer", "")
        if not case_ref:
            errors.append(RowError(line_no, "Sagsnummer", "sagsnummeret mangler."))
        word = cells.get("status", "").lower()
        status = PRESENT if word in PRESENT_WORDS else ABSENT if word in ABSENT_WORDS else ""
        if not status:
            errors.append(
                RowError(
                    line_no,
                    "Status",
                    f"{cells.get('status', '')!r} er hverken »mødt« eller »fravær«.",
                )
            )
        hours: float | None = None
        try:
            hours = parse_hours(cells.get("timer", ""))
        except ValueError:
            errors.append(RowError(line_no, "Timer", f"{cells.get('timer')!r} er ikke et tal."))
        reason_text = cells.get("årsag", "").strip()
        reason: str | None = None
        if reason_text:
            reason = reason_lookup.get(reason_text.lower())
            if reason is None:
                errors.append(
                    RowError(line_no, "Fraværsårsag", f"{reason_text!r} er ikke en kendt årsag.")
                )
        if len(errors) == row_errors and day is not None:
            rows.append(
                ImportRow(line_no, day, case_ref, status, hours, reason, cells.get("note", ""))
            )
    if header is None:
        errors.append(RowError(0, "Fil", "filen er tom."))
    elif not rows and not errors:
        errors.append(RowError(0, "Fil", "filen har ingen registreringer."))
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
            .where(Referral.unit_id == unit.id, Participant.case_ref.in_(refs))
        ).all():
            by_ref[case_ref].append(ref)
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

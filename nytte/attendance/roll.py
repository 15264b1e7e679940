"""The morning roll (fremmøderegistrering): who is expected, and saving what happened.

A roll is read for a unit (optionally one team) and a day: the referrals active that
day whose weekly pattern has hours on its weekday, plus any row already registered.
Saving validates every row first and writes nothing unless all rows are valid; it
then inserts new rows and corrects existing ones in the caller's transaction. A
change to a row already registered is a correction: it needs a reason and leaves an
audit event with the old and new values. The version the user saw is checked
(optimistic locking), so two team leaders never overwrite each other silently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nytte.attendance.course_length import CourseStatus, course_status
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.audit import record
from nytte.core.auth import Principal, Role, require_unit
from nytte.core.calendar import closed_reason, last_working_day
from nytte.core.data_version import Area, changed
from nytte.core.formats import fmt_date, fmt_decimal
from nytte.core.privacy import looks_like_cpr
from nytte.core.reference import codes_valid_on
from nytte.models import (
    Attendance,
    ClosingDay,
    Participant,
    Referral,
    Team,
    Unit,
    display_name,
)
from nytte.models.attendance import ABSENT as ABSENT
from nytte.models.attendance import PRESENT as PRESENT

STATUS_LABELS = {PRESENT: "Mødt", ABSENT: "Fravær"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row number in what the user submitted (roll line or CSV line)
    field: str  # Danish field name
    message: str

    def __str__(self) -> str:
        return f"Række {self.row}, {self.field}: {self.message}"


class RollError(ValueError):
    """The roll was not saved; ``errors`` says what is wrong, row by row (Danish)."""

    def __init__(self, errors: Sequence[RowError] | str) -> None:
        self.errors: list[RowError] = (
            [RowError(0, "Dag", errors)] if isinstance(errors, str) else list(errors)
        )
        super().__init__("; ".join(self.messages()))

    def messages(self) -> list[str]:
        return [e.message if e.row == 0 else str(e) for e in self.errors]


@dataclass(frozen=True)
class RollLine:
    """One expected participant on the roll, with what is registered so far."""

    referral_id: int
    participant_id: int
    case_ref: str
    name: str  # the name with the preferred name (display_name); "" when unknown
    team_id: int | None
    team_name: str
    expected_hours: float
    attendance_id: int | None
    status: str | None
    hours: float | None
    reason_code: str | None
    note: str
    version: int | None
    course: CourseStatus


@dataclass(frozen=True)
class RollSheet:
    unit_id: int
    unit_name: str
    team_id: int | None
    day: date
    closed: str | None  # Danish reason nobody is expected, or None on a working day
    lines: list[RollLine]
    reasons: dict[str, str]  # absence reason code -> Danish label, valid on the day

    @property
    def registered(self) -> int:
        return sum(1 for line in self.lines if line.attendance_id is not None)


@dataclass(frozen=True)
class RollEntry:
    """What the user registers for one referral on the day."""

    referral_id: int
    status: str  # PRESENT or ABSENT
    hours: float | None = None  # None: the schedule's hours if present, 0 if absent
    reason_code: str | None = None
    note: str = ""
    version: int | None = None  # the row version the user saw; None if none was registered


@dataclass
class SaveResult:
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    audit_events: int = 0
    changed_referrals: list[int] = field(default_factory=list)


def unit_closing_days(session: Session, unit_id: int) -> dict[date, str]:
    rows = session.execute(
        select(ClosingDay.day, ClosingDay.reason).where(ClosingDay.unit_id == unit_id)
    ).all()
    return {d: r for d, r in rows}


def _load_unit(session: Session, principal: Principal, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise RollError(f"Enheden {unit_id} findes ikke.")
    require_unit(principal, unit.municipality_code, unit.id)
    return unit


def closed_day_message(day: date, reason: str) -> str:
    return f"Der registreres ikke fremmøde {fmt_date(day)}: {reason.lower()}."


def check_day(day: date, today: date, closing: dict[date, str]) -> str | None:
    """The Danish reason a roll cannot be kept on ``day``, or None."""
    if day > today:
        return (
            f"Datoen {fmt_date(day)} ligger i fremtiden; fremmøde registreres på dagen "
            "eller bagefter."
        )
    why = closed_reason(day, closing)
    if why:
        return closed_day_message(day, why)
    return None


@dataclass(frozen=True)
class OpeningDay:
    """The day the roll opens on: today, or the last working day when today is not one."""

    day: date
    today_closed: str | None  # why today has no roll (Danish), or None on a working day

    def note(self, today: date) -> str | None:
        """The Danish line saying the roll opened on another day than today, or None."""
        if self.today_closed is None or self.day == today:
            return None
        why = self.today_closed[:1].lower() + self.today_closed[1:]
        return (
            f"I dag, {weekday_da(today)} {fmt_date(today)}, er der ikke fremmøde "
            f"({why}). Listen er åbnet på den seneste arbejdsdag, "
            f"{weekday_da(self.day)} {fmt_date(self.day)}; vælg en anden dato ovenfor."
        )


WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def weekday_da(day: date) -> str:
    return WEEKDAYS_DA[day.weekday()]


@requires(*PERSON_LEVEL)
def opening_day(session: Session, principal: Principal, unit_id: int, today: date) -> OpeningDay:
    """Today when it is a working day of the unit, else the last working day before it."""
    unit = _load_unit(session, principal, unit_id)
    closing = unit_closing_days(session, unit.id)
    why = closed_reason(today, closing)
    if why is None:
        return OpeningDay(today, None)
    return OpeningDay(last_working_day(today, closing), why)


@requires(*PERSON_LEVEL)
def read_roll(
    session: Session, principal: Principal, unit_id: int, day: date, team_id: int | None = None
) -> RollSheet:
    """The expected participants of a unit (or team) on ``day`` and what is registered."""
    unit = _load_unit(session, principal, unit_id)
    closing = unit_closing_days(session, unit.id)
    closed = closed_reason(day, closing)
    reasons = {c.code: c.label_da for c in codes_valid_on(session, "absence_reason", day)}
    teams = dict(session.execute(select(Team.id, Team.name).where(Team.unit_id == unit.id)).all())
    existing = {
        a.referral_id: a
        for a in session.scalars(
            select(Attendance).where(Attendance.unit_id == unit.id, Attendance.day == day)
        )
    }
    lines: list[RollLine] = []
    if closed is None or existing:
        stmt = (
            select(Referral, Participant.case_ref, Participant.name, Participant.preferred_name)
            .join(Participant, Participant.id == Referral.participant_id)
            .where(Referral.unit_id == unit.id, Referral.expected_start <= day)
            .where((Referral.ended_on.is_(None)) | (Referral.ended_on >= day))
        )
        if team_id is not None:
            stmt = stmt.where(Referral.team_id == team_id)
        found = {
            r.id: (r, ref, display_name(name, pref))
            for r, ref, name, pref in session.execute(stmt).all()
        }
        missing = [rid for rid in existing if rid not in found]
        if missing:  # registered rows of referrals no longer active still show
            for r, ref, name, pref in session.execute(
                select(
                    Referral, Participant.case_ref, Participant.name, Participant.preferred_name
                )
                .join(Participant, Participant.id == Referral.participant_id)
                .where(Referral.id.in_(missing))
            ).all():
                if team_id is None or r.team_id == team_id:
                    found[r.id] = (r, ref, display_name(name, pref))
        for r, case_ref, person_name in found.values():
            row = existing.get(r.id)
            expected = r.hours_on_weekday(day.weekday())
            if row is None and (expected <= 0 or closed is not None):
                continue
            lines.append(
                RollLine(
                    referral_id=r.id,
                    participant_id=r.participant_id,
                    case_ref=case_ref,
                    name=person_name,
                    team_id=r.team_id,
                    team_name=teams.get(r.team_id, "") if r.team_id else "",
                    expected_hours=row.expected_hours if row else expected,
                    attendance_id=row.id if row else None,
                    status=row.status if row else None,
                    hours=row.hours if row else None,
                    reason_code=row.reason_code if row else None,
                    note=row.note if row else "",
                    version=row.version if row else None,
                    course=course_status(r.expected_start, day),
                )
            )
    # By team, then by name as the roll is called (those without a name last).
    lines.sort(key=lambda ln: (ln.team_name, ln.name == "", ln.name.casefold(), ln.case_ref))
    return RollSheet(unit.id, unit.name, team_id, day, closed, lines, reasons)


def all_present(sheet: RollSheet) -> list[RollEntry]:
    """Everyone on the sheet present with their scheduled hours (the one-click start)."""
    return [
        RollEntry(line.referral_id, PRESENT, line.expected_hours, None, "", line.version)
        for line in sheet.lines
    ]


@dataclass
class _Planned:
    inserts: list[Attendance] = field(default_factory=list)
    updates: list[tuple[Attendance, dict[str, Any], dict[str, Any], int]] = field(
        default_factory=list
    )
    unchanged: int = 0


def _snapshot(a: Attendance) -> dict[str, Any]:
    return {
        "status": a.status,
        "hours": a.hours,
        "reason_code": a.reason_code,
        "note": a.note,
    }


def plan_day(
    session: Session,
    unit: Unit,
    day: date,
    entries: Sequence[RollEntry],
    *,
    today: date,
    actor: str,
    correction_reason: str,
    row_numbers: Sequence[int] | None = None,
    closing: dict[date, str] | None = None,
    errors: list[RowError],
    day_error_per_row: bool = False,
) -> _Planned:
    """Validate one day's entries; append row errors; return the writes to make."""
    rows = list(row_numbers) if row_numbers is not None else list(range(1, len(entries) + 1))
    plan = _Planned()
    closing = closing if closing is not None else unit_closing_days(session, unit.id)
    day_problem = check_day(day, today, closing)
    if day_problem:
        if not day_error_per_row:
            errors.append(RowError(0, "Dato", day_problem))
        else:  # an imported file: every line of that day is wrong
            errors.extend(RowError(r, "Dato", day_problem) for r in rows)
        return plan
    ids = [e.referral_id for e in entries]
    referrals = {r.id: r for r in session.scalars(select(Referral).where(Referral.id.in_(ids)))}
    existing = {
        a.referral_id: a
        for a in session.scalars(
            select(Attendance).where(Attendance.day == day, Attendance.referral_id.in_(ids))
        )
    }
    reasons = {c.code for c in codes_valid_on(session, "absence_reason", day)}
    seen: dict[int, int] = {}
    for row, e in zip(rows, entries, strict=True):
        n_before = len(errors)
        ref = referrals.get(e.referral_id)
        if e.referral_id in seen:
            errors.append(
                RowError(
                    row,
                    "Deltager",
                    f"deltageren står to gange for {fmt_date(day)} (også række "
                    f"{seen[e.referral_id]}); én registrering pr. person pr. dag.",
                )
            )
            continue
        seen[e.referral_id] = row
        if ref is None or ref.unit_id != unit.id:
            errors.append(RowError(row, "Deltager", "henvisningen hører ikke til enheden."))
            continue
        expected = ref.hours_on_weekday(day.weekday())
        if not ref.is_active_on(day) or expected <= 0:
            errors.append(
                RowError(
                    row,
                    "Deltager",
                    f"deltageren er ikke indskrevet til at møde {fmt_date(day)} "
                    "(uden for forløbet eller ingen timer i ugeskemaet den dag).",
                )
            )
            continue
        if e.status not in (PRESENT, ABSENT):
            errors.append(RowError(row, "Status", "vælg Mødt eller Fravær."))
            continue
        hours = e.hours
        if hours is None:
            hours = expected if e.status == PRESENT else 0.0
        if hours < 0:
            errors.append(RowError(row, "Timer", "timer kan ikke være negative."))
        elif hours > expected + 1e-9:
            errors.append(
                RowError(
                    row,
                    "Timer",
                    f"{fmt_decimal(hours, 2)} timer er flere end skemaets "
                    f"{fmt_decimal(expected, 2)} timer den dag.",
                )
            )
        if e.status == PRESENT and hours <= 0:
            errors.append(RowError(row, "Timer", "en mødt deltager skal have timer over 0."))
        if e.status == ABSENT and hours > 0:
            errors.append(
                RowError(row, "Timer", "fravær har 0 timer; kom deltageren, så vælg Mødt.")
            )
        reason = e.reason_code or None
        if e.status == ABSENT and not reason:
            errors.append(RowError(row, "Fraværsårsag", "fravær kræver en årsag fra listen."))
        elif reason and reason not in reasons:
            errors.append(
                RowError(row, "Fraværsårsag", f"årsagen {reason!r} findes ikke på kodelisten.")
            )
        note = (e.note or "").strip()
        if looks_like_cpr(note):
            errors.append(RowError(row, "Note", "noten ligner et CPR-nummer; skriv det ikke her."))
        if len(note) > 500:
            errors.append(RowError(row, "Note", "noten er længere end 500 tegn."))
        if len(errors) > n_before:
            continue
        new = {"status": e.status, "hours": float(hours), "reason_code": reason, "note": note}
        old_row = existing.get(ref.id)
        if old_row is None:
            if e.version is not None:
                errors.append(
                    RowError(
                        row,
                        "Deltager",
                        "registreringen er slettet eller flyttet, siden listen blev åbnet; "
                        "genindlæs listen.",
                    )
                )
                continue
            plan.inserts.append(
                Attendance(
                    referral_id=ref.id,
                    participant_id=ref.participant_id,
                    unit_id=unit.id,
                    team_id=ref.team_id,
                    day=day,
                    expected_hours=expected,
                    registered_by=actor,
                    **new,
                )
            )
            continue
        old = _snapshot(old_row)
        if old == new:
            plan.unchanged += 1
            continue
        if e.version is not None and e.version != old_row.version:
            errors.append(
                RowError(
                    row,
                    "Deltager",
                    "en anden har ændret registreringen, siden listen blev åbnet; "
                    "genindlæs listen og ret igen.",
                )
            )
            continue
        if not correction_reason.strip():
            errors.append(
                RowError(
                    row,
                    "Begrundelse",
                    f"deltageren er allerede registreret {fmt_date(day)}; en rettelse kræver "
                    "en begrundelse.",
                )
            )
            continue
        plan.updates.append((old_row, old, new, row))
    return plan


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def apply_plan(
    session: Session,
    principal: Principal,
    unit: Unit,
    day: date,
    plan: _Planned,
    correction_reason: str,
    result: SaveResult,
    source: str,
) -> None:
    """Write a validated plan and its audit events (inside the caller's transaction)."""
    if plan.inserts:
        session.add_all(plan.inserts)
        record(
            session,
            principal,
            "attendance.registered",
            "roll",
            f"{unit.id}:{day.isoformat()}",
            new={
                "day": day.isoformat(),
                "source": source,
                "rows": len(plan.inserts),
                "present": sum(1 for a in plan.inserts if a.status == PRESENT),
                "referral_ids": [a.referral_id for a in plan.inserts],
            },
            municipality_code=unit.municipality_code,
        )
        result.audit_events += 1
        result.created += len(plan.inserts)
        result.changed_referrals.extend(a.referral_id for a in plan.inserts)
    for row, old, new, _ in plan.updates:
        row.status = new["status"]
        row.hours = new["hours"]
        row.reason_code = new["reason_code"]
        row.note = new["note"]
        row.registered_by = principal.user_id
        record(
            session,
            principal,
            "attendance.corrected",
            "attendance",
            row.id,
            old={**old, "day": day.isoformat()},
            new={**new, "day": day.isoformat(), "source": source},
            municipality_code=unit.municipality_code,
            participant_id=row.participant_id,
            reason=correction_reason.strip(),
        )
        result.audit_events += 1
        result.corrected += 1
        result.changed_referrals.append(row.referral_id)
    result.unchanged += plan.unchanged
    if plan.inserts or plan.updates:
        # Caches everywhere see the change (those of other municipalities stay warm);
        # the council's summaries of this unit-month are recomputed before this
        # transaction commits (nytte/core/bootstrap.py).
        changed(session, Area.ATTENDANCE, municipality_codes={unit.municipality_code})


def flush_or_conflict(session: Session) -> None:
    """Flush; a concurrent update of the same row becomes a Danish message."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise RollError(
            "En anden har gemt ændringer til samme registrering imens; intet er gemt. "
            "Genindlæs listen og prøv igen."
        ) from exc


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def save_roll(
    session: Session,
    principal: Principal,
    unit_id: int,
    day: date,
    entries: Sequence[RollEntry],
    *,
    today: date,
    correction_reason: str = "",
    source: str = "skærm",
    row_numbers: Sequence[int] | None = None,
) -> SaveResult:
    """Validate and save a day's roll in the caller's transaction; all rows or none.

    Raises RollError (Danish, row by row) and writes nothing when any row is wrong."""
    unit = _load_unit(session, principal, unit_id)
    if not entries:
        raise RollError("Listen er tom; der er intet at gemme.")
    errors: list[RowError] = []
    plan = plan_day(
        session,
        unit,
        day,
        entries,
        today=today,
        actor=principal.user_id,
        correction_reason=correction_reason,
        row_numbers=row_numbers,
        errors=errors,
    )
    if errors:
        raise RollError(errors)
    result = SaveResult()
    apply_plan(session, principal, unit, day, plan, correction_reason, result, source)
    flush_or_conflict(session)
    return result


@requires(*PERSON_LEVEL)
def sign_in_sheet_pdf(
    session: Session, principal: Principal, unit_id: int, day: date, team_id: int | None = None
) -> bytes:
    """The printable sign-in sheet for a unit (one page per team) or one team."""
    from nytte.attendance.pdf import sign_in_sheet

    sheet = read_roll(session, principal, unit_id, day, team_id)
    stmt = select(Team.id, Team.name).where(Team.unit_id == unit_id, Team.active)
    if team_id is not None:
        stmt = stmt.where(Team.id == team_id)
    teams = session.execute(stmt.order_by(Team.id)).all()
    pages = [
        (
            name,
            [
                (ln.name, ln.case_ref, ln.expected_hours)
                for ln in sheet.lines
                if ln.team_id == tid
            ],
        )
        for tid, name in teams
    ]
    no_team = [
        (ln.name, ln.case_ref, ln.expected_hours) for ln in sheet.lines if ln.team_id is None
    ]
    if no_team:
        pages.append(("", no_team))
    return sign_in_sheet(sheet.unit_name, day, pages)


@dataclass(frozen=True)
class UnitChoice:
    unit_id: int
    name: str
    teams: list[tuple[int, str]]


@requires(*PERSON_LEVEL)
def roll_units(session: Session, principal: Principal) -> list[UnitChoice]:
    """The units (with their active teams) whose roll the principal may keep."""
    from nytte.org.service import visible_unit_ids

    ids = visible_unit_ids(session, principal)
    if not ids:
        return []
    units = session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(ids)).order_by(Unit.id)
    ).all()
    teams: dict[int, list[tuple[int, str]]] = {}
    for tid, uid, name in session.execute(
        select(Team.id, Team.unit_id, Team.name)
        .where(Team.unit_id.in_(ids), Team.active)
        .order_by(Team.id)
    ).all():
        teams.setdefault(uid, []).append((tid, name))
    return [UnitChoice(uid, name, teams.get(uid, [])) for uid, name in units]

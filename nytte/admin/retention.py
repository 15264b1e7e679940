"""Retention: anonymise a participant's personal data a set time after the course ends.

What goes: the case reference (replaced by a stable pseudonym built from the
internal id, which reveals nothing), the name and preferred name, and free-text
notes (attendance notes, caseworker). The birth year is kept by default, because
the age composition of past periods is computed from it; `birth_year="coarsen"`
(five-year band) or "remove" trade those figures for stronger anonymisation. What
stays: every row and every count, so the dashboards' historical figures do not
change.
The audit trail is append-only and holds no free text, names or case references:
events name participants by internal id and say which personal fields changed, never
their values; the free text of an event about a person (a note, a caseworker, the
reason for a correction) lives in `audit_note`, which is blanked here with the rest.

Roll drafts (`roll_draft`, the roll a user typed and did not save) are scratch: they
are deleted when they have not changed for `draft_days` days, and anonymising a
participant deletes every draft that mentions one of their referrals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.config import RetentionSettings as RetentionSettings
from nytte.core.data_version import Area, changed
from nytte.models import Attendance, AuditNote, Participant, Referral, RollDraft
from nytte.models.base import utcnow

PSEUDONYM_PREFIX = "ANON-"
BIRTH_YEAR_MODES = ("coarsen", "remove", "keep")

RETENTION_PRINCIPAL = Principal(
    user_id="system:retention", name="Opbevaringsjob", role=Role.ADMIN
)


def pseudonym(participant_id: int) -> str:
    return f"{PSEUDONYM_PREFIX}{participant_id:08d}"


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    # The last valid day of the target month when the day does not exist there.
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class RetentionResult:
    cutoff: date
    anonymised: int
    by_municipality: dict[str, int]


def due_participants(session: Session, cutoff: date) -> list[tuple[int, str]]:
    """(id, municipality) of participants whose every course ended on or before cutoff."""
    last_end = (
        select(
            Referral.participant_id.label("pid"),
            func.max(Referral.ended_on).label("last_end"),
            func.count().label("n"),
            func.count(Referral.ended_on).label("ended"),
        )
        .group_by(Referral.participant_id)
        .subquery()
    )
    stmt = (
        select(Participant.id, Participant.municipality_code)
        .join(last_end, last_end.c.pid == Participant.id)
        .where(
            Participant.anonymised_at.is_(None),
            last_end.c.n == last_end.c.ended,  # no open course
            last_end.c.last_end <= cutoff,
        )
        .order_by(Participant.id)
    )
    return [(int(i), str(m)) for i, m in session.execute(stmt).all()]


def anonymise_expired(
    session: Session,
    *,
    months: int,
    today: date,
    birth_year: str = "keep",
    actor: Principal = RETENTION_PRINCIPAL,
    dry_run: bool = False,
) -> RetentionResult:
    """Anonymise participants whose courses all ended more than ``months`` ago."""
    if birth_year not in BIRTH_YEAR_MODES:
        raise ValueError(f"birth_year must be one of {BIRTH_YEAR_MODES}")
    cutoff = months_before(today, months)
    due = due_participants(session, cutoff)
    by_muni: dict[str, list[int]] = defaultdict(list)
    for pid, muni in due:
        by_muni[muni].append(pid)
    if dry_run or not due:
        return RetentionResult(cutoff, len(due), {m: len(v) for m, v in by_muni.items()})
    now = utcnow()
    ids = [pid for pid, _ in due]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for person in session.scalars(select(Participant).where(Participant.id.in_(chunk))):
            person.case_ref = pseudonym(person.id)
            person.name = None
            person.preferred_name = None
            if birth_year == "coarsen" and person.birth_year is not None:
                person.birth_year = person.birth_year - person.birth_year % 5
            elif birth_year == "remove":
                person.birth_year = None
            person.anonymised_at = now
        # Versioned rows: bump the version so an open form cannot write old text back.
        session.execute(
            update(Referral)
            .where(Referral.participant_id.in_(chunk))
            .values(caseworker_ref="", version=Referral.version + 1)
        )
        session.execute(
            update(Attendance)
            .where(Attendance.participant_id.in_(chunk), Attendance.note != "")
            .values(note="", version=Attendance.version + 1)
        )
        session.execute(
            update(AuditNote)
            .where(AuditNote.participant_id.in_(chunk), AuditNote.text != "")
            .values(text="", anonymised_at=now)
        )
        delete_drafts_mentioning(session, chunk)
    for muni, pids in sorted(by_muni.items()):
        record(
            session, actor, "retention_anonymise", "participant", "",
            new={"count": len(pids), "months": months, "cutoff": cutoff.isoformat(),
                 "birth_year": birth_year, "participant_ids": pids},
            municipality_code=muni,
            reason=f"Opbevaringsperiode udløbet ({months} måneder efter forløbets afslutning)",
        )
    changed(session, Area.ATTENDANCE, Area.REFERRALS, municipality_codes=set(by_muni))
    session.flush()
    return RetentionResult(cutoff, len(due), {m: len(v) for m, v in by_muni.items()})


def delete_drafts_mentioning(session: Session, participant_ids: list[int]) -> int:
    """Delete every roll draft holding a value for one of these participants' referrals
    (a draft may hold a note about them); the number deleted."""
    referrals = select(Referral.id, Referral.unit_id).where(
        Referral.participant_id.in_(participant_ids))
    by_unit: dict[int, set[str]] = defaultdict(set)
    for rid, unit_id in session.execute(referrals).all():
        by_unit[int(unit_id)].add(str(rid))
    if not by_unit:
        return 0
    doomed = [
        draft_id
        for draft_id, unit_id, entries in session.execute(
            select(RollDraft.id, RollDraft.unit_id, RollDraft.entries)
            .where(RollDraft.unit_id.in_(list(by_unit)))
        ).all()
        if isinstance(entries, dict) and by_unit[int(unit_id)] & {str(k) for k in entries}
    ]
    if doomed:
        session.execute(delete(RollDraft).where(RollDraft.id.in_(doomed)))
    return len(doomed)


def delete_stale_drafts(session: Session, *, days: int, today: date,
                        dry_run: bool = False) -> int:
    """Delete roll drafts last changed before the Danish day ``days`` days before
    ``today``; the number deleted (or, with ``dry_run``, that would be)."""
    cutoff = clock.stored_start_of_day(today - timedelta(days=days))
    stale = RollDraft.updated_at < cutoff
    count = int(session.scalar(select(func.count()).select_from(RollDraft).where(stale)) or 0)
    if count and not dry_run:
        session.execute(delete(RollDraft).where(stale))
    return count

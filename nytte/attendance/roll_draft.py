"""Roll drafts: what a user has set on screen in the morning roll and not yet saved.

The values typed into a roll live in the Streamlit session, which a server restart
(a deploy, a crash) loses. The page therefore writes them here as they change, and
reads them back when it opens the same roll (unit, team, day) with nothing on screen
yet. A draft is scratch, not a record: only its owner ever reads it, saving the roll
deletes it in the same transaction, retention deletes it after a few days
(nytte/admin/retention.py), and it is not audited (nytte/core/audit_guard.py).

Values are keyed by referral id, not by the line's position: the roll may change
between the restart and the reload. Every value is checked again on the server, on
saving and on loading; what does not pass (an unknown status, hours outside 0-24, a
reason not on the code list, a note with a CPR number or control characters, a
referral of another unit) is left out of the draft, never an error."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nytte.attendance.roll import RollEntry, RollError, SaveResult, save_roll
from nytte.core.access import requires
from nytte.core.auth import Principal, Role, require_unit
from nytte.core.reference import codes_valid_on
from nytte.core.validation import check_free_text
from nytte.models import ABSENT, PRESENT, Referral, RollDraft, Team, Unit
from nytte.models.base import utcnow

# The values a draft keeps per referral (any subset; None means "cleared on screen").
FIELDS = ("status", "hours", "reason_code", "note")
NOTE_MAX = 500  # as the roll's note
MAX_ENTRIES = 1000  # far above any roll; bounds what one request may store

Entries = dict[int, dict[str, Any]]  # referral id -> the values set on screen


@dataclass(frozen=True)
class Draft:
    unit_id: int
    team_id: int | None
    day: date
    entries: Entries
    updated_at: datetime  # naive UTC, as stored


def _team_key(team_id: int | None) -> int:
    return 0 if team_id is None else team_id


def _check_unit(session: Session, principal: Principal, unit_id: int,
                team_id: int | None) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise RollError(f"Enheden {unit_id} findes ikke.")
    require_unit(principal, unit.municipality_code, unit.id)
    if team_id is not None:
        team_unit = session.scalar(select(Team.unit_id).where(Team.id == team_id))
        if team_unit != unit.id:
            raise RollError("Holdet hører ikke til enheden.")
    return unit


def _clean_value(name: str, value: Any, reasons: Collection[str]) -> tuple[bool, Any]:
    """(kept, value): one value set on screen, checked; kept False drops it."""
    if value is None:
        return True, None
    if name == "status":
        return (value in (PRESENT, ABSENT)), value
    if name == "hours":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False, None
        hours = float(value)
        return (math.isfinite(hours) and 0.0 <= hours <= 24.0), hours
    if name == "reason_code":
        if value == "":
            return True, None
        return (isinstance(value, str) and value in reasons), value
    if name == "note":
        if not isinstance(value, str) or len(value.strip()) > NOTE_MAX:
            return False, None
        try:
            check_free_text(value)
        except ValueError:
            return False, None
        return True, value
    return False, None


def clean_entries(raw: Mapping[Any, Any], referral_ids: Collection[int],
                  reasons: Collection[str]) -> Entries:
    """The valid part of ``raw``: known referrals, known fields, valid values."""
    out: Entries = {}
    for key, values in list(raw.items())[:MAX_ENTRIES]:
        try:
            rid = int(key)
        except (TypeError, ValueError):
            continue
        if rid not in referral_ids or not isinstance(values, Mapping):
            continue
        kept = {}
        for name in FIELDS:
            if name in values:
                ok, value = _clean_value(name, values[name], reasons)
                if ok:
                    kept[name] = value
        if kept:
            out[rid] = kept
    return out


def _clean(session: Session, unit_id: int, day: date, raw: Mapping[Any, Any]) -> Entries:
    ids = set()
    for key in list(raw)[:MAX_ENTRIES]:
        try:
            ids.add(int(key))
        except (TypeError, ValueError):
            continue
    known = set(session.scalars(
        select(Referral.id).where(Referral.unit_id == unit_id, Referral.id.in_(ids))
    )) if ids else set()
    reasons = {c.code for c in codes_valid_on(session, "absence_reason", day)}
    return clean_entries(raw, known, reasons)


def _row(session: Session, principal: Principal, unit_id: int, team_id: int | None,
         day: date) -> RollDraft | None:
    return session.scalar(select(RollDraft).where(
        RollDraft.owner == principal.user_id,
        RollDraft.unit_id == unit_id,
        RollDraft.team_key == _team_key(team_id),
        RollDraft.day == day,
    ))


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def save_draft(session: Session, principal: Principal, unit_id: int, team_id: int | None,
               day: date, entries: Mapping[Any, Any]) -> Draft | None:
    """Keep what ``principal`` has set on screen in this roll (replacing what was kept).
    Invalid values are left out; with nothing left, the draft is deleted (None)."""
    unit = _check_unit(session, principal, unit_id, team_id)
    clean = _clean(session, unit.id, day, entries)
    row = _row(session, principal, unit.id, team_id, day)
    if not clean:
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    stored = {str(rid): values for rid, values in clean.items()}
    if row is None:
        row = RollDraft(owner=principal.user_id, unit_id=unit.id, team_id=team_id,
                        team_key=_team_key(team_id), day=day, entries=stored,
                        updated_at=utcnow())
        session.add(row)
    else:
        row.entries = stored
        row.updated_at = utcnow()
    session.flush()
    return Draft(unit.id, team_id, day, clean, row.updated_at)


@requires(Role.KOORDINATOR, Role.LEDER)
def load_draft(session: Session, principal: Principal, unit_id: int, team_id: int | None,
               day: date) -> Draft | None:
    """``principal``'s own draft of this roll, checked again, or None."""
    unit = _check_unit(session, principal, unit_id, team_id)
    row = _row(session, principal, unit.id, team_id, day)
    if row is None:
        return None
    clean = _clean(session, unit.id, day, row.entries if isinstance(row.entries, dict) else {})
    if not clean:
        return None
    return Draft(unit.id, team_id, day, clean, row.updated_at)


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def discard_draft(session: Session, principal: Principal, unit_id: int, team_id: int | None,
                  day: date) -> bool:
    """Delete ``principal``'s draft of this roll; True when there was one."""
    unit = _check_unit(session, principal, unit_id, team_id)
    gone = session.execute(delete(RollDraft).where(
        RollDraft.owner == principal.user_id,
        RollDraft.unit_id == unit.id,
        RollDraft.team_key == _team_key(team_id),
        RollDraft.day == day,
    ).returning(RollDraft.id)).all()
    return bool(gone)


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def save_roll_and_discard_draft(
    session: Session,
    principal: Principal,
    unit_id: int,
    team_id: int | None,
    day: date,
    entries: Sequence[RollEntry],
    *,
    today: date,
    correction_reason: str = "",
    row_numbers: Sequence[int] | None = None,
) -> SaveResult:
    """Save the roll (nytte.attendance.roll.save_roll) and delete the draft it was typed
    from, in the caller's transaction: both happen, or neither."""
    result = save_roll(session, principal, unit_id, day, entries, today=today,
                       correction_reason=correction_reason, row_numbers=row_numbers)
    discard_draft(session, principal, unit_id, team_id, day)
    return result

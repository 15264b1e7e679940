"""Session hooks that keep the council summaries current after ORM writes.

Installed by nytte.core.bootstrap (when nytte makes an engine), never by an import.
The model classes are imported when a hook runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "council_summary_pending"
_HAS_SUMMARY: dict[str, bool] = {}


def _has_summary_tables(session: Session) -> bool:
    """A database not yet migrated to 0005_council has no summaries to keep."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    if key not in _HAS_SUMMARY:
        from sqlalchemy import inspect

        _HAS_SUMMARY[key] = inspect(bind.engine).has_table("council_attendance_month")
    return _HAS_SUMMARY[key]


def _collect(session: Session, *_: object) -> None:
    from nytte.models.attendance import Attendance
    from nytte.models.people import Participant, Referral

    pending: dict[str, set[Any]] = session.info.setdefault(
        _PENDING, {"unit_months": set(), "referrals": set(), "participants": set(),
                   "referral_dates": set()}
    )
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Attendance) and obj.unit_id is not None and obj.day is not None:
            day: date = obj.day
            pending["unit_months"].add((obj.unit_id, day.replace(day=1)))
            if obj.referral_id is not None:
                pending["referrals"].add(obj.referral_id)
        elif isinstance(obj, Referral) and obj.id is not None:
            pending["referral_dates"].add(obj.id)
        elif isinstance(obj, Participant) and obj.id is not None:
            pending["participants"].add(obj.id)


def _apply(session: Session) -> None:
    if _PENDING not in session.info and not (session.new or session.dirty or session.deleted):
        return
    # Commit flushes after this hook; flush now so new rows are there to summarise.
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()) or not _has_summary_tables(session):
        return
    from nytte.council.summary import (
        refresh_participants,
        refresh_referrals,
        refresh_unit_months,
    )

    conn = session.connection()
    refresh_unit_months(conn, pending["unit_months"])
    refresh_referrals(conn, pending["referrals"] - pending["referral_dates"])
    refresh_referrals(conn, pending["referral_dates"], dates_changed=True)
    refresh_participants(conn, pending["participants"])


def _discard(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


def install_session_hooks() -> None:
    """Idempotent: register the hooks on every ORM session."""
    if not event.contains(Session, "before_flush", _collect):
        # before_flush sees dirty and deleted objects; after_flush sees new rows' ids.
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _apply)
        event.listen(Session, "after_rollback", _discard)

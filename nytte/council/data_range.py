"""How far the data reaches: the default period ends where the registrations end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.models import Attendance, Unit


def latest_attendance_day(session: Session, municipality_code: str | None = None
                          ) -> date | None:
    """The last day with a registration: in the country, or in one municipality (a
    municipal user's default period ends where their own registrations end)."""
    query = select(func.max(Attendance.day))
    if municipality_code is not None:
        query = query.where(Attendance.unit_id.in_(
            select(Unit.id).where(Unit.municipality_code == municipality_code)))
    value = session.scalar(query)
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

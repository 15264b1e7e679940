"""How far the data reaches: the default period ends where the registrations end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.models import Attendance


def latest_attendance_day(session: Session) -> date | None:
    value = session.scalar(select(func.max(Attendance.day)))
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

"""Daily attendance: one row per participant per expected day (the morning roll)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nytte.models.base import Base, utcnow

PRESENT = "present"
ABSENT = "absent"


class Attendance(Base):
    """Whether a participant came on a day they were expected.

    participant_id, unit_id and team_id repeat what the referral says so the
    dashboards aggregate on indexed columns without joins."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True)
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    expected_hours: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float, default=0)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    registered_by: Mapped[str] = mapped_column(String(120))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    __table_args__ = (
        UniqueConstraint("referral_id", "day"),
        CheckConstraint("status IN ('present', 'absent')", name="status"),
        CheckConstraint("hours >= 0 AND hours <= 24", name="hours"),
        CheckConstraint("expected_hours >= 0 AND expected_hours <= 24", name="expected_hours"),
        Index("ix_attendance_unit_day", "unit_id", "day"),
        Index("ix_attendance_day", "day"),
    )


class RollDraft(Base):
    """What a user has set on screen in a roll and not yet saved: scratch, not a record.

    One row per user, unit, team (``team_key`` 0 for the whole unit, so the unique key
    holds without a NULL) and day. ``entries`` maps a referral id (as a string: JSON
    keys are strings) to the values set on screen (status, hours, reason_code, note);
    keyed by referral, not by line, because the roll may change before it is reloaded.
    Only its owner ever reads it; it is deleted when the roll is saved, and retention
    deletes it after a few days (nytte/admin/retention.py). Not audited
    (nytte/core/audit_guard.py)."""

    __tablename__ = "roll_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))  # the principal's user id
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True)
    team_key: Mapped[int] = mapped_column(Integer)  # team_id, or 0 for the whole unit
    day: Mapped[date] = mapped_column(Date)
    entries: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("owner", "unit_id", "team_key", "day",
                         name="uq_roll_draft_owner_context"),
        Index("ix_roll_draft_updated_at", "updated_at"),
    )

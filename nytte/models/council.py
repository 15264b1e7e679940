"""Tables of the council and KPI area: summaries and Jobindsats figures.

The summaries are derived data, rebuilt from attendance and referrals by
nytte.council.summary; they exist so the regional comparison reads a few thousand
rows instead of ten million (bench: ``python -m nytte bench council``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nytte.models.base import Base, utcnow


class AttendanceMonth(Base):
    """Additive attendance figures per unit and calendar month."""

    __tablename__ = "council_attendance_month"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the month
    municipality_code: Mapped[str] = mapped_column(String(4))
    expected_days: Mapped[int] = mapped_column(Integer)
    present_days: Mapped[int] = mapped_column(Integer)
    unexcused_days: Mapped[int] = mapped_column(Integer)
    expected_hours: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_council_attendance_month_muni", "municipality_code", "month"),)


class ReferralStats(Base):
    """One row per referral: what the funnel needs, without touching attendance.

    first_present is the first day the participant came (None: never showed up)."""

    __tablename__ = "council_referral_stats"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    municipality_code: Mapped[str] = mapped_column(String(4))
    participant_id: Mapped[int] = mapped_column(Integer)
    # The participant's groups, copied so the council's composition needs no join.
    benefit_group: Mapped[str] = mapped_column(String(40))
    visitation_group: Mapped[str | None] = mapped_column(String(40), nullable=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expected_start: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # ended_on, or 9999-12-31 while the course runs: one index range finds every
    # referral still active at a period's start (an OR on NULL cannot use it).
    active_until: Mapped[date] = mapped_column(Date)
    exit_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    first_present: Mapped[date | None] = mapped_column(Date, nullable=True)
    present_days: Mapped[int] = mapped_column(Integer, default=0)
    expected_days: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_council_referral_stats_muni_start", "municipality_code", "expected_start"),
        Index("ix_council_referral_stats_muni_end", "municipality_code", "ended_on"),
        # Covering index for the enrolled and composition queries of a region.
        Index(
            "ix_council_referral_stats_active",
            "municipality_code", "active_until", "expected_start", "participant_id",
            "gender", "benefit_group", "visitation_group", "birth_year",
        ),
    )


class EnrolledMonth(Base):
    """Distinct participants with an active referral per municipality and month.

    Not additive over months (a person enrolled in March and April counts once in
    the year), so it is kept per month, for the council's monthly series."""

    __tablename__ = "council_enrolled_month"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    enrolled: Mapped[int] = mapped_column(Integer)


class ExitFollowUp(Base):
    """Where a participant was 3 or 6 months after the course ended (job, education or
    neither), as the jobcentre's case system records it; imported, never guessed."""

    __tablename__ = "council_exit_follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"))
    months_after: Mapped[int] = mapped_column(Integer)  # 3 or 6
    outcome: Mapped[str] = mapped_column(String(20))  # job, education, none
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        Index("ux_council_exit_follow_up", "referral_id", "months_after", unique=True),
    )


class SummaryState(Base):
    """Where the last refresh got to: rows with higher ids are not summarised yet."""

    __tablename__ = "council_summary_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attendance_max_id: Mapped[int] = mapped_column(Integer, default=0)
    referral_max_id: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class JobindsatsObservation(Base):
    """A figure published by Jobindsats for an area, month, offer and measure.

    value None: suppressed by Jobindsats. A newer fetch replaces the figure (late
    registrations revise the latest months) and records its own fetched_at."""

    __tablename__ = "jobindsats_observation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    month: Mapped[date] = mapped_column(Date)
    offer: Mapped[str] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(100))
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        Index(
            "ux_jobindsats_observation_key",
            "table_id", "area", "month", "offer", "measure",
            unique=True,
        ),
        Index("ix_jobindsats_observation_muni_month", "municipality_code", "month"),
    )


class JobindsatsFetch(Base):
    """One attempt to fetch or import Jobindsats figures, successful or not."""

    __tablename__ = "jobindsats_fetch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    latest_month: Mapped[date | None] = mapped_column(Date, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")


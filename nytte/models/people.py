"""Citizens in nytteindsats and their referrals (henvisninger).

A participant is known by a pseudonymous reference from the municipality's case
system (the key), never by CPR number. The name and preferred name (kaldenavn) come
from the case system too: they are for those who work with the participants (the
unit's coordinators and the municipality's leaders), never for the council, never in
audit events, and retention removes them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nytte.models.base import Base, utcnow

WEEKDAY_COLUMNS = ("mon_hours", "tue_hours", "wed_hours", "thu_hours", "fri_hours")


class Participant(Base):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    case_ref: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    preferred_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    benefit_group: Mapped[str] = mapped_column(String(40))
    visitation_group: Mapped[str | None] = mapped_column(String(40), nullable=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when personal data is removed after the retention period; the row stays
    # so historical aggregates do not change.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    referrals: Mapped[list[Referral]] = relationship(back_populates="participant")

    __table_args__ = (
        UniqueConstraint("municipality_code", "case_ref"),
        CheckConstraint("gender IN ('K', 'M')", name="gender"),
    )


def display_name(name: object, preferred_name: object) -> str:
    """How a participant is shown on the roll and in lists: the name, with the
    preferred name after it when it differs; empty when the name is unknown (None, or
    a missing value from a data frame)."""
    name = name.strip() if isinstance(name, str) else ""
    preferred = preferred_name.strip() if isinstance(preferred_name, str) else ""
    if not name:
        return preferred
    if preferred and preferred != name:
        return f"{name} ({preferred})"
    return name


class Referral(Base):
    """A referral (henvisning) of a participant to a unit: one course (forløb).

    The weekly pattern says how many hours the participant is expected on each
    weekday (0 = not expected); it drives the morning roll and expected days."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True, index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    expected_start: Mapped[date] = mapped_column(Date)
    mon_hours: Mapped[float] = mapped_column(Float, default=0)
    tue_hours: Mapped[float] = mapped_column(Float, default=0)
    wed_hours: Mapped[float] = mapped_column(Float, default=0)
    thu_hours: Mapped[float] = mapped_column(Float, default=0)
    fri_hours: Mapped[float] = mapped_column(Float, default=0)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    exit_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    caseworker_ref: Mapped[str] = mapped_column(String(80), default="")
    # Optimistic locking: a write that read an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    participant: Mapped[Participant] = relationship(back_populates="referrals")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def hours_on_weekday(self, weekday: int) -> float:
        """Expected hours on a weekday (0 = Monday); weekends are never expected."""
        if weekday > 4:
            return 0.0
        return float(getattr(self, WEEKDAY_COLUMNS[weekday]) or 0.0)

    def is_active_on(self, day: date) -> bool:
        return self.expected_start <= day and (self.ended_on is None or day <= self.ended_on)

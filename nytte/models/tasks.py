"""Tasks proposed by municipal units, their screenings against the protective rules
(værnsregler), the TR consultation, and the municipality's screening policy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nytte.models.base import Base, utcnow


class Task(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    requesting_unit: Mapped[str] = mapped_column(String(200), default="")
    p_number: Mapped[str] = mapped_column(String(20), default="")
    professional_area: Mapped[str] = mapped_column(String(40))
    physical_demand: Mapped[int] = mapped_column(Integer, default=3)
    indoor_outdoor: Mapped[str] = mapped_column(String(10), default="outdoor")
    season: Mapped[str] = mapped_column(String(10), default="all")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    screenings: Mapped[list[Screening]] = relationship(
        back_populates="task", order_by="Screening.version"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Screening(Base):
    """One immutable screening decision. Re-screening adds a new version that
    points to the one it supersedes."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("screening.id"), nullable=True)
    ruleset_id: Mapped[str] = mapped_column(String(60))
    # The rule set's content as judged under (null only for decisions made before
    # rule sets were frozen with their decisions).
    ruleset_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("ruleset_version.id"), nullable=True
    )
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("municipal_policy.id"), nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="screenings")
    # One row per occupational group heard, in the order of the decision's answers.
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="screening", order_by="Consultation.id"
    )

    __table_args__ = (UniqueConstraint("task_id", "version"),)


class Consultation(Base):
    """The consultation of the employee representative (TR) for a screening."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screening.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    representative: Mapped[str] = mapped_column(String(200), default="")
    skip_reason: Mapped[str] = mapped_column(String(500), default="")
    outcome: Mapped[str] = mapped_column(String(20))
    consulted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    written_statement: Mapped[bool] = mapped_column(Boolean, default=False)
    statement_text: Mapped[str] = mapped_column(Text, default="")
    informed: Mapped[bool] = mapped_column(Boolean, default=False)
    practical_setup_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    screening: Mapped[Screening] = relationship(back_populates="consultations")


class MunicipalPolicy(Base):
    """A version of a municipality's screening policy; new versions never overwrite."""

    __tablename__ = "municipal_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    recurring: Mapped[str] = mapped_column(String(10), default="strict")
    # The same default as nytte.screening.policy.DEFAULT_LOOKBACK_YEARS.
    displacement_lookback_years: Mapped[int] = mapped_column(Integer, default=10)
    professional_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("municipality_code", "version"),)

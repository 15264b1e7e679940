"""Where nytteindsats happens: regions, municipalities, units (sites) and teams."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nytte.models.base import Base


class Region(Base):
    """One of the five regions; since 2025 also the area of a regional employment
    council (regionalt beskæftigelsesråd)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Municipality(Base):
    """A kommune, keyed by its four-digit municipality code (kommunekode)."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)

    region: Mapped[Region] = relationship()
    units: Mapped[list[Unit]] = relationship(back_populates="municipality")


class Unit(Base):
    """A nytteindsats unit (enhed): usually one physical site with staff and places."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    site_address: Mapped[str] = mapped_column(String(200), default="")
    places: Mapped[int] = mapped_column(Integer)
    staff_count: Mapped[int] = mapped_column(Integer, default=1)
    opens_at: Mapped[time] = mapped_column(Time, default=time(8, 15))
    closes_at: Mapped[time] = mapped_column(Time, default=time(14, 30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    municipality: Mapped[Municipality] = relationship(back_populates="units")
    teams: Mapped[list[Team]] = relationship(back_populates="unit", order_by="Team.id")

    __table_args__ = (UniqueConstraint("municipality_code", "name"),)


class Team(Base):
    """A team (hold) at a unit, led by a team leader (holdleder/arbejdsleder)."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    leader_name: Mapped[str] = mapped_column(String(120), default="")
    places: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship(back_populates="teams")

    __table_args__ = (UniqueConstraint("unit_id", "name"),)


class ClosingDay(Base):
    """A day a unit is closed besides public holidays (e.g. 24 December): no one is
    expected, so it never counts as an absence."""

    __tablename__ = "closing_day"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("unit_id", "day"),)

"""Reading attendance and referrals into frames for the dashboards, within a scope.

One place for the SQL the attendance dashboards make: rows are filtered in the
database on indexed columns (unit_id, day) and only the columns needed come back.
Days nobody is expected (weekends, public holidays, the unit's closing days, the
Covid-19 suspension) are dropped here too, so no figure can count them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Integer, String, case, func, select, type_coerce
from sqlalchemy.orm import Session

from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.calendar import working_days
from nytte.models import (
    Attendance,
    ClosingDay,
    Participant,
    Referral,
    Team,
    Unit,
    display_name,
)
from nytte.org.service import visible_unit_ids


@dataclass(frozen=True)
class UnitInfo:
    unit_id: int
    name: str
    places: int
    staff: int


@requires(*PERSON_LEVEL)
def scope_units(session: Session, principal: Principal, unit_id: int | None = None) -> list[int]:
    """The units a dashboard covers: the one asked for (if the principal may see it) or
    all the principal may see."""
    if principal.role is Role.RAAD:
        raise AccessDenied("Rådet ser kun samlede tal, ikke enhedernes deltagere.")
    ids = visible_unit_ids(session, principal)
    if unit_id is None:
        return ids
    if unit_id not in ids:
        raise AccessDenied("Du har kun adgang til dine egne enheder.")
    return [unit_id]


def unit_infos(session: Session, unit_ids: list[int]) -> list[UnitInfo]:
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.places, Unit.staff_count)
        .where(Unit.id.in_(unit_ids))
        .order_by(Unit.id)
    ).all()
    return [UnitInfo(i, n, p, s) for i, n, p, s in rows]


def team_frame(session: Session, unit_ids: list[int]) -> pd.DataFrame:
    rows = session.execute(
        select(Team.id, Team.unit_id, Team.name, Team.places)
        .where(Team.unit_id.in_(unit_ids))
        .order_by(Team.id)
    ).all()
    return pd.DataFrame(rows, columns=["team_id", "unit_id", "team", "places"])


def closed_days(
    session: Session, unit_ids: list[int], start: date, end: date
) -> dict[int, set[date]]:
    """Per unit, the unit's own closing days in [start, end]."""
    out: dict[int, set[date]] = {u: set() for u in unit_ids}
    for uid, d in session.execute(
        select(ClosingDay.unit_id, ClosingDay.day).where(
            ClosingDay.unit_id.in_(unit_ids), ClosingDay.day >= start, ClosingDay.day <= end
        )
    ).all():
        out[uid].add(d)
    return out


def unit_working_days(
    session: Session, unit_ids: list[int], start: date, end: date
) -> dict[int, np.ndarray]:
    closing = closed_days(session, unit_ids, start, end)
    return {u: working_days(start, end, closing[u]) for u in unit_ids}


def attendance_frame(
    session: Session, unit_ids: list[int], start: date, end: date, *, groups: bool = True
) -> pd.DataFrame:
    """Attendance rows in [start, end] of the units, with the participant's groups.

    Columns: day (datetime64), referral_id, participant_id, unit_id, team_id,
    present (bool), expected_hours, hours, reason_code, and with ``groups``
    benefit_group and visitation_group (text columns: the slowest to read; the same
    rows either way)."""
    stmt = (
        select(
            # As text: parsing 30,000 dates in pandas is far cheaper than row by row.
            type_coerce(Attendance.day, String),
            Attendance.referral_id,
            Attendance.participant_id,
            Attendance.unit_id,
            Attendance.team_id,
            Attendance.status,
            Attendance.expected_hours,
            Attendance.hours,
            Attendance.reason_code,
            *((Participant.benefit_group, Participant.visitation_group) if groups else ()),
        )
        .join(Participant, Participant.id == Attendance.participant_id)
        .where(Attendance.unit_id.in_(unit_ids), Attendance.day >= start, Attendance.day <= end)
    )
    cols = [
        "day",
        "referral_id",
        "participant_id",
        "unit_id",
        "team_id",
        "status",
        "expected_hours",
        "hours",
        "reason_code",
        *(("benefit_group", "visitation_group") if groups else ()),
    ]
    rows = session.connection().execute(stmt).fetchall()
    df = pd.DataFrame.from_records([tuple(r) for r in rows], columns=cols)
    df["day"] = pd.to_datetime(df["day"].astype(str).str.slice(0, 10), format="%Y-%m-%d")
    df["present"] = df.pop("status") == "present"
    if groups:
        df["visitation_group"] = df["visitation_group"].fillna("ingen")
    if df.empty:
        return df
    return _on_working_days(session, df, unit_ids, start, end)


def _on_working_days(session: Session, df: pd.DataFrame, unit_ids: list[int],
                     start: date, end: date) -> pd.DataFrame:
    """The rows of ``df`` (columns day, unit_id) on their unit's working days: a stray
    row on a holiday or closing day never counts."""
    keep = np.zeros(len(df), dtype=bool)
    wdays = unit_working_days(session, unit_ids, start, end)
    days = df["day"].to_numpy().astype("datetime64[D]")
    for uid, wd in wdays.items():
        sel = df["unit_id"].to_numpy() == uid
        keep[sel] = np.isin(days[sel], wd)
    return df.loc[keep].reset_index(drop=True)


def attendance_day_counts(
    session: Session, unit_ids: list[int], start: date, end: date
) -> pd.DataFrame:
    """attendance_frame counted in the database: one row per unit, team and day.

    Columns: day (datetime64), unit_id, team_id, rows (attendance rows: participants
    expected), present (of them present). The same rows are counted as
    attendance_frame returns (the participant join, working days only), for pages that
    show counts and need not read every row."""
    day = type_coerce(Attendance.day, String)
    stmt = (
        select(
            day,
            Attendance.unit_id,
            Attendance.team_id,
            func.count(),
            func.sum(type_coerce(case((Attendance.status == "present", 1), else_=0), Integer)),
        )
        .join(Participant, Participant.id == Attendance.participant_id)
        .where(Attendance.unit_id.in_(unit_ids), Attendance.day >= start, Attendance.day <= end)
        .group_by(Attendance.day, Attendance.unit_id, Attendance.team_id)
        .order_by(Attendance.day, Attendance.unit_id, Attendance.team_id)
    )
    rows = session.connection().execute(stmt).fetchall()
    df = pd.DataFrame.from_records([tuple(r) for r in rows],
                                   columns=["day", "unit_id", "team_id", "rows", "present"])
    df["day"] = pd.to_datetime(df["day"].astype(str).str.slice(0, 10), format="%Y-%m-%d")
    df["rows"] = df["rows"].astype("int64")
    df["present"] = df["present"].astype("int64")
    if df.empty:
        return df
    return _on_working_days(session, df, unit_ids, start, end)


def referral_frame(session: Session, unit_ids: list[int]) -> pd.DataFrame:
    """Every referral of the units with its participant's groups and team."""
    stmt = (
        select(
            Referral.id,
            Referral.participant_id,
            Referral.unit_id,
            Referral.team_id,
            Referral.referred_on,
            Referral.expected_start,
            Referral.ended_on,
            Referral.exit_outcome,
            Referral.caseworker_ref,
            Participant.case_ref,
            Participant.name,
            Participant.preferred_name,
            Participant.benefit_group,
            Participant.visitation_group,
        )
        .join(Participant, Participant.id == Referral.participant_id)
        .where(Referral.unit_id.in_(unit_ids))
    )
    cols = [
        "referral_id",
        "participant_id",
        "unit_id",
        "team_id",
        "referred_on",
        "expected_start",
        "ended_on",
        "exit_outcome",
        "caseworker_ref",
        "case_ref",
        "name",
        "preferred_name",
        "benefit_group",
        "visitation_group",
    ]
    df = pd.DataFrame(session.execute(stmt).all(), columns=cols)
    # The name as lists show it (name and preferred name); the parts are not kept.
    df["name"] = [display_name(n, p) for n, p in zip(df["name"], df["preferred_name"], strict=True)]
    df = df.drop(columns=["preferred_name"])
    for c in ("referred_on", "expected_start", "ended_on"):
        df[c] = pd.to_datetime(df[c])
    df["visitation_group"] = df["visitation_group"].fillna("ingen")
    return df

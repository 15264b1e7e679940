"""The attendance dashboard: attendance rate by week, team, benefit group and
visitation group, and a weekday × week heatmap.

Expected days are registered roll rows on working days (nytte.attendance.data drops
holidays and closing days); the attendance rate is present rows / expected rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from nytte.attendance.data import attendance_frame, scope_units, team_frame
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.auth import Principal
from nytte.core.reference import code_labels

WEEKDAYS_DA = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag")


@dataclass(frozen=True)
class Totals:
    expected_days: int
    present_days: int
    attendance_rate: float | None
    hours_rate: float | None
    unexcused_rate: float | None


@dataclass(frozen=True)
class AttendanceDashboard:
    start: date
    end: date
    totals: Totals
    weekly: pd.DataFrame  # week (Monday), expected, present, rate
    by_team: pd.DataFrame  # group, expected, present, rate
    by_benefit: pd.DataFrame
    by_visitation: pd.DataFrame
    heatmap: pd.DataFrame  # index weekday name, columns week label, values rate (NaN: none)


def _rate(num: float, den: float) -> float | None:
    return None if den == 0 else float(num) / float(den)


def totals_of(df: pd.DataFrame) -> Totals:
    expected = len(df)
    present = int(df["present"].sum()) if expected else 0
    unexcused = int((df["reason_code"] == "unexcused").sum()) if expected else 0
    return Totals(
        expected,
        present,
        _rate(present, expected),
        _rate(float(df["hours"].sum()), float(df["expected_hours"].sum())) if expected else None,
        _rate(unexcused, expected),
    )


def grouped(df: pd.DataFrame, column: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Expected days, present days and attendance rate per value of ``column``."""
    if df.empty:
        return pd.DataFrame(columns=["group", "expected", "present", "rate"])
    g = df.groupby(column, dropna=False)["present"].agg(expected="size", present="sum")
    g = g.reset_index().rename(columns={column: "group"})
    g["present"] = g["present"].astype(int)
    g["rate"] = g["present"] / g["expected"]
    if labels:
        g["group"] = g["group"].map(lambda v: labels.get(v, str(v)))
    return g.sort_values("group").reset_index(drop=True)


def weekly_rates(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=["week", "expected", "present", "rate"])
    week = df["day"] - pd.to_timedelta(df["day"].dt.day_of_week, unit="D")
    g = df.assign(week=week).groupby("week")["present"].agg(expected="size", present="sum")
    g = g.reset_index()
    g["present"] = g["present"].astype(int)
    g["rate"] = g["present"] / g["expected"]
    return g


def heatmap_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Rate per weekday (rows, Monday first) × ISO week (columns, 'uge NN-YYYY')."""
    if df.empty:
        return pd.DataFrame(index=list(WEEKDAYS_DA))
    iso = df["day"].dt.isocalendar()
    key = iso["year"].astype(int) * 100 + iso["week"].astype(int)
    g = (
        df.assign(key=key, wd=df["day"].dt.day_of_week)
        .groupby(["wd", "key"])["present"]
        .mean()
        .unstack("key")
        .reindex(range(5))
    )
    g.index = list(WEEKDAYS_DA)
    g.columns = [f"uge {int(k) % 100:02d}-{int(k) // 100}" for k in g.columns]
    return g


@requires(*PERSON_LEVEL)
def attendance_dashboard(
    session: Session, principal: Principal, unit_id: int | None, start: date, end: date
) -> AttendanceDashboard:
    units = scope_units(session, principal, unit_id)
    df = (
        attendance_frame(session, units, start, end)
        if units
        else attendance_frame(session, [-1], start, end)
    )
    teams = team_frame(session, units)
    team_names = dict(zip(teams["team_id"], teams["team"], strict=True))
    benefit = code_labels(session, "benefit_group")
    visitation = {**code_labels(session, "visitation_group"), "ingen": "Ingen (dagpenge)"}
    by_team = grouped(df, "team_id")
    by_team["group"] = by_team["group"].map(lambda t: team_names.get(t, "Uden hold"))
    return AttendanceDashboard(
        start,
        end,
        totals_of(df),
        weekly_rates(df),
        by_team,
        grouped(df, "benefit_group", benefit),
        grouped(df, "visitation_group", visitation),
        heatmap_frame(df),
    )

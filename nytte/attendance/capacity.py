"""Capacity: places against enrolled and actually present, day by day and over time;
referrals waiting; participants per staff member; and a forecast of enrolled and
present for the coming weeks with an interval, backtested on the unit's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from nytte.attendance.data import (
    attendance_day_counts,
    referral_frame,
    scope_units,
    team_frame,
    unit_infos,
    unit_working_days,
)
from nytte.attendance.forecast import Backtest, Forecast, backtest, forecast
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.auth import Principal


@dataclass(frozen=True)
class CapacityRow:
    name: str
    places: int
    enrolled: int
    # Participants expected per working day (attendance rows per registered day),
    # averaged over the last OCCUPANCY_WEEKS weeks with a roll: the overview's
    # Belægning for that period is this divided by the places.
    expected: float | None
    present: int | None  # on the last registered day; None if no roll was kept
    waiting: int | None  # per unit only
    staff: int | None
    per_staff: float | None


@dataclass(frozen=True)
class CapacityDashboard:
    on: date
    last_roll_day: date | None
    units: list[CapacityRow]
    teams: list[CapacityRow]
    daily: pd.DataFrame  # day, places, enrolled, present (all units in scope)
    team_daily: pd.DataFrame  # day, team, places, enrolled, present (one row per team)
    weekly: pd.DataFrame  # week, enrolled, present (means per working day)
    forecast: Forecast | None
    backtest: Backtest | None


def enrolled_on(refs: pd.DataFrame, days: np.ndarray) -> np.ndarray:
    """How many referrals are enrolled on each day: started and not ended before it."""
    start = np.sort(refs["expected_start"].to_numpy().astype("datetime64[D]"))
    ended = refs["ended_on"].dropna().to_numpy().astype("datetime64[D]")
    end = np.sort(ended)
    started = np.searchsorted(start, days, side="right")
    finished = np.searchsorted(end, days, side="left")  # ended strictly before the day
    return (started - finished).astype(int)


OCCUPANCY_WEEKS = 4


def expected_per_day(counts: pd.DataFrame, last_roll: date | None) -> float | None:
    """Mean expected participants per registered day over the last OCCUPANCY_WEEKS
    weeks up to ``last_roll`` (one attendance row is one expected day), from
    attendance_day_counts."""
    if last_roll is None or counts.empty:
        return None
    since = pd.Timestamp(last_roll - timedelta(weeks=OCCUPANCY_WEEKS))
    recent = counts[(counts["day"] > since) & (counts["day"] <= pd.Timestamp(last_roll))]
    if recent.empty:
        return None
    return float(recent.groupby("day")["rows"].sum().mean())


def occupancy(expected: float | None, places: int) -> float | None:
    """Belægning (the registry's capacity_use): expected per working day / places."""
    return expected / places if expected is not None and places else None


@requires(*PERSON_LEVEL)
def capacity_dashboard(
    session: Session,
    principal: Principal,
    unit_id: int | None,
    on: date,
    history_start: date,
    horizon_weeks: int = 10,
) -> CapacityDashboard:
    units = scope_units(session, principal, unit_id)
    infos = unit_infos(session, units)
    refs = referral_frame(session, units or [-1])
    # Counted in the database: the page shows counts, never an attendance row.
    att = attendance_day_counts(session, units or [-1], history_start, on)
    teams = team_frame(session, units or [-1])
    last_roll = att["day"].max().date() if not att.empty else None
    day = np.datetime64(on)
    ref_day = np.datetime64(last_roll) if last_roll else day

    present_last = (
        att[att["day"] == pd.Timestamp(last_roll)].groupby("unit_id")["present"].sum()
        if last_roll
        else pd.Series(dtype=int)
    )
    present_team = (
        att[att["day"] == pd.Timestamp(last_roll)].groupby("team_id")["present"].sum()
        if last_roll
        else pd.Series(dtype=int)
    )
    waiting = (
        refs[
            (refs["expected_start"] > pd.Timestamp(on))
            & (refs["referred_on"] <= pd.Timestamp(on))
            & refs["ended_on"].isna()
        ]
        .groupby("unit_id")
        .size()
    )
    unit_rows = []
    for u in infos:
        mine = refs[refs["unit_id"] == u.unit_id]
        enrolled = int(enrolled_on(mine, np.array([day]))[0])
        unit_rows.append(
            CapacityRow(
                u.name,
                u.places,
                enrolled,
                expected_per_day(att[att["unit_id"] == u.unit_id], last_roll),
                int(present_last.get(u.unit_id, 0)) if last_roll else None,
                int(waiting.get(u.unit_id, 0)),
                u.staff,
                enrolled / u.staff if u.staff else None,
            )
        )
    team_rows = []
    for t in teams.itertuples():
        mine = refs[refs["team_id"] == t.team_id]
        enrolled = int(enrolled_on(mine, np.array([day]))[0])
        team_rows.append(
            CapacityRow(
                str(t.team),
                int(t.places),
                enrolled,
                expected_per_day(att[att["team_id"] == t.team_id], last_roll),
                int(present_team.get(t.team_id, 0)) if last_roll else None,
                None,
                None,
                None,
            )
        )

    # Daily series over the history, working days of any unit in scope.
    wdays = unit_working_days(session, units or [-1], history_start, on)
    all_days = np.unique(np.concatenate(list(wdays.values()))) if wdays else np.array([])
    all_days = all_days[all_days <= ref_day]
    present_by_day = att.groupby("day")["present"].sum()
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime(all_days),
            "places": sum(u.places for u in infos),
            "enrolled": enrolled_on(refs, all_days),
        }
    )
    daily["present"] = daily["day"].map(present_by_day).fillna(0).astype(int)
    weekly = weekly_series(daily)
    present_team_day = att.groupby(["team_id", "day"])["present"].sum()
    parts = []
    for t in teams.itertuples():
        part = pd.DataFrame(
            {
                "day": daily["day"],
                "team": str(t.team),
                "places": int(t.places),
                "enrolled": enrolled_on(refs[refs["team_id"] == t.team_id], all_days),
            }
        )
        per_day = present_team_day.xs(t.team_id) if t.team_id in present_team_day.index else None
        part["present"] = (
            part["day"].map(per_day).fillna(0).astype(int) if per_day is not None else 0
        )
        parts.append(part)
    team_daily = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["day", "team", "places", "enrolled", "present"])
    )
    fc: Forecast | None = None
    bt: Backtest | None = None
    # Forecast from the first week anyone was enrolled: zeros before a unit opened are
    # no history. At least 30 weeks are needed to fit and backtest.
    active = weekly.index[weekly["enrolled"] > 0]
    history = weekly.loc[active[0] :].reset_index(drop=True) if len(active) else weekly.iloc[:0]
    if len(history) >= 30:
        bt = backtest(history, horizon_weeks)
        fc = forecast(history, horizon_weeks, bt)
    return CapacityDashboard(on, last_roll, unit_rows, team_rows, daily, team_daily, weekly, fc, bt)


def weekly_series(daily: pd.DataFrame) -> pd.DataFrame:
    """Mean enrolled and present per working day, per week (Monday); complete weeks only
    are kept at the end so a half-registered week does not pull the forecast down."""
    if daily.empty:
        return pd.DataFrame(columns=["week", "enrolled", "present"])
    week = daily["day"] - pd.to_timedelta(daily["day"].dt.day_of_week, unit="D")
    w = daily.assign(week=week).groupby("week")[["enrolled", "present"]].mean().reset_index()
    last_day = daily["day"].max()
    if last_day.weekday() < 4:  # the last week is not over
        w = w[w["week"] < last_day - timedelta(days=last_day.weekday())]
    return w.reset_index(drop=True)

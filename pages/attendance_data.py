"""Cached reads and shared widgets for the attendance and capacity pages.

Cache keys are small parameters plus the principal (role and scope), never a
DataFrame, so two users with different scopes never share an entry; a roll save or
import clears them all (clear_attendance_caches)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from nytte.attendance.at_risk import AtRiskList, at_risk_list
from nytte.attendance.capacity import CapacityDashboard, capacity_dashboard
from nytte.attendance.dashboard import AttendanceDashboard, attendance_dashboard
from nytte.attendance.definitions import definition
from nytte.attendance.funnel import Funnel, StableRule, referral_funnel
from nytte.attendance.notices import absence_notices
from nytte.attendance.roll import roll_units
from nytte.auth import Principal
from pages.common import db_session

TTL = 600  # seconds; a save clears at once, the TTL bounds memory for idle entries


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def cached_attendance(
    principal: Principal, unit_id: int | None, start: date, end: date
) -> AttendanceDashboard:
    with db_session() as session:
        return attendance_dashboard(session, principal, unit_id, start, end)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def cached_funnel(
    principal: Principal,
    unit_id: int | None,
    dimension: str,
    start: date,
    end: date,
    share: float,
    weeks: int,
    min_days: int,
) -> Funnel:
    with db_session() as session:
        return referral_funnel(
            session,
            principal,
            unit_id=unit_id,
            dimension=dimension,
            referred_from=start,
            referred_to=end,
            rule=StableRule(share, weeks, min_days),
        )


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def cached_capacity(
    principal: Principal, unit_id: int | None, on: date, history_start: date, horizon: int
) -> CapacityDashboard:
    with db_session() as session:
        return capacity_dashboard(session, principal, unit_id, on, history_start, horizon)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def cached_notices(
    principal: Principal, unit_id: int | None, start: date, end: date, include_judged: bool
) -> pd.DataFrame:
    with db_session() as session:
        return absence_notices(
            session, principal, unit_id=unit_id, start=start, end=end, include_judged=include_judged
        )


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def cached_at_risk(
    principal: Principal, unit_id: int | None, as_of: date, history_start: date
) -> AtRiskList:
    with db_session() as session:
        return at_risk_list(session, principal, unit_id, as_of, history_start)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def cached_units(principal: Principal) -> list[tuple[int, str]]:
    with db_session() as session:
        return [(u.unit_id, u.name) for u in roll_units(session, principal)]


CACHED = (
    cached_attendance,
    cached_funnel,
    cached_capacity,
    cached_notices,
    cached_at_risk,
    cached_units,
)


def clear_attendance_caches() -> None:
    """After a roll is saved or imported every attendance figure may have changed."""
    for fn in CACHED:
        fn.clear()


def unit_filter(principal: Principal, key: str) -> int | None:
    """A unit picker: one of the principal's units, or all of them (None)."""
    units = cached_units(principal)
    options: list[tuple[int | None, str]] = [(None, "Alle mine enheder"), *units]
    choice = st.selectbox("Enhed", options, format_func=lambda o: o[1], key=key)
    return choice[0]


def period_filter(key: str, default_days: int, today: date) -> tuple[date, date]:
    """A from-to date range; falls back to the default while the user is picking."""
    default = (date.fromordinal(today.toordinal() - default_days), today)
    value = st.date_input("Periode", value=default, max_value=today, format="DD-MM-YYYY", key=key)
    if isinstance(value, tuple) and len(value) == 2:
        return value[0], value[1]
    return default


def definition_note(key: str, **params: object) -> None:
    """The figure's definition as a line right under the chart or table it explains."""
    d = definition(key, **params)
    st.caption(f"**{d.label}**: {d.text}")


def figure_help(key: str, **params: object) -> str:
    """The registry's definition of a figure, for a metric's or a column's help."""
    return definition(key, **params).text


def figure_label(key: str) -> str:
    """The registry's Danish name of a figure."""
    return definition(key).label

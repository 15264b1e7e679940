"""Shared widgets for the attendance and capacity pages (their cached reads are in
pages/_ui/cache.py)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nytte.core.auth import Principal
from nytte.kpis.attendance import definition
from pages._ui import cache


def unit_filter(principal: Principal, key: str) -> int | None:
    """A unit picker: one of the principal's units, or all of them (None)."""
    units = cache.units(principal)
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


def unit_and_period(
    principal: Principal, key: str, default_days: int, today: date
) -> tuple[int | None, date, date]:
    """The unit picker and the period side by side (keys "<key>:unit", "<key>:period")."""
    c1, c2 = st.columns(2)
    with c1:
        unit_id = unit_filter(principal, f"{key}:unit")
    with c2:
        start, end = period_filter(f"{key}:period", default_days, today)
    return unit_id, start, end


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

"""Kapacitet: places against enrolled and present, day by day and over time;
waiting referrals; participants per staff member; and a forecast with its backtest."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from nytte.attendance.capacity import CapacityRow
from nytte.attendance.forecast import TARGET_LABELS, TARGETS
from nytte.auth import AccessDenied
from nytte.core import clock
from nytte.formats import fmt_date, fmt_decimal, fmt_int, fmt_pct
from pages._ui import cache
from pages.attendance_data import definition_popover, unit_filter
from pages.common import guard


def _rows(rows: list[CapacityRow], label: str, with_unit_cols: bool) -> pd.DataFrame:
    data: dict[str, list[str]] = {
        label: [r.name for r in rows],
        "Pladser": [fmt_int(r.places) for r in rows],
        "Indskrevne": [fmt_int(r.enrolled) for r in rows],
        "Belægning": [fmt_pct(r.enrolled / r.places if r.places else None) for r in rows],
        "Mødt (seneste registrerede dag)": [fmt_int(r.present) for r in rows],
    }
    if with_unit_cols:
        data["Ventende henvisninger"] = [fmt_int(r.waiting) for r in rows]
        data["Medarbejdere"] = [fmt_int(r.staff) for r in rows]
        data["Deltagere pr. medarbejder"] = [fmt_decimal(r.per_staff) for r in rows]
    return pd.DataFrame(data)


def render() -> None:
    principal = guard("kapacitet")
    st.title("Kapacitet")
    today = clock.today()
    c1, c2 = st.columns(2)
    with c1:
        unit_id = unit_filter(principal, "kapacitet:unit")
    with c2:
        horizon = st.slider("Prognose, antal uger frem", 8, 12, 10, key="kapacitet:horizon")
    history_start = today - timedelta(days=3 * 365)
    try:
        cap = cache.capacity(principal, unit_id, today, history_start, horizon)
    except AccessDenied as exc:
        st.error(str(exc))
        return
    st.caption(
        f"Indskrevne og ventende pr. {fmt_date(cap.on)}; mødt på seneste registrerede "
        f"dag ({fmt_date(cap.last_roll_day)})."
    )
    st.dataframe(_rows(cap.units, "Enhed", True), hide_index=True)
    st.dataframe(_rows(cap.teams, "Hold", False), hide_index=True)
    d = st.columns(5)
    for col, key in zip(
        d, ("places", "enrolled", "occupancy", "waiting", "per_staff"), strict=True
    ):
        with col:
            definition_popover(key)

    st.subheader("Pladser, indskrevne og mødte dag for dag")
    teams = sorted(cap.team_daily["team"].unique())
    shown = st.selectbox(
        "Vis",
        ["Alle hold samlet", *teams],
        key="kapacitet:team",
        help="Hele enheden (eller alle dine enheder) eller ét hold",
    )
    series = (
        cap.daily
        if shown == "Alle hold samlet"
        else cap.team_daily[cap.team_daily["team"] == shown]
    )
    recent = series[series["day"] >= pd.Timestamp(today - timedelta(days=365))]
    fig = go.Figure()
    fig.add_scatter(x=recent["day"], y=recent["places"], name="Pladser", line={"dash": "dash"})
    fig.add_scatter(x=recent["day"], y=recent["enrolled"], name="Indskrevne")
    fig.add_scatter(x=recent["day"], y=recent["present"], name="Mødt")
    fig.update_xaxes(tickformat="%d-%m-%Y")
    fig.update_layout(
        separators=",.", height=320, margin={"t": 10, "b": 10}, legend={"orientation": "h"}
    )
    st.plotly_chart(fig, key="kapacitet:daily")
    definition_popover("present")

    st.subheader(f"Prognose for de næste {horizon} uger")
    if cap.forecast is None or cap.backtest is None:
        st.info("For lidt historik til en prognose (mindst 30 uger).")
        return
    weekly = cap.weekly[cap.weekly["week"] >= pd.Timestamp(today - timedelta(days=365))]
    fc = cap.forecast.frame
    fig2 = go.Figure()
    colours = {"enrolled": "#1f77b4", "present": "#2ca02c"}
    fills = {"enrolled": "rgba(31,119,180,0.2)", "present": "rgba(44,160,44,0.2)"}
    for target in TARGETS:
        f = fc[fc["target"] == target]
        name = TARGET_LABELS[target]
        fig2.add_scatter(
            x=weekly["week"],
            y=weekly[target],
            name=f"{name} (faktisk)",
            line={"color": colours[target]},
        )
        fig2.add_scatter(
            x=list(f["week"]) + list(f["week"])[::-1],
            y=list(f["high"]) + list(f["low"])[::-1],
            fill="toself",
            fillcolor=fills[target],
            line={"width": 0},
            name=f"{name}: 80 %-interval",
            hoverinfo="skip",
        )
        fig2.add_scatter(
            x=f["week"],
            y=f["predicted"],
            name=f"{name} (prognose)",
            line={"color": colours[target], "dash": "dot"},
        )
    fig2.update_xaxes(tickformat="%d-%m-%Y")
    fig2.update_layout(
        separators=",.",
        height=360,
        margin={"t": 10, "b": 10},
        legend={"orientation": "h"},
        yaxis_title="Gennemsnit pr. arbejdsdag",
    )
    st.plotly_chart(fig2, key="kapacitet:forecast")
    definition_popover("forecast")

    bt = cap.backtest
    st.markdown(f"**Tilbagetest** ({fmt_int(bt.origins)} prognosetidspunkter det seneste år)")
    summary = bt.summary()
    table = pd.DataFrame({"Uger frem": range(1, bt.horizon + 1)})
    for target in TARGETS:
        s = summary[summary["target"] == target]
        table[f"{TARGET_LABELS[target]}: fejl (MAE)"] = [fmt_decimal(v) for v in s["mae"]]
        table[f"{TARGET_LABELS[target]}: naiv prognose"] = [fmt_decimal(v) for v in s["naive_mae"]]
    st.dataframe(table, hide_index=True)
    st.caption(
        "Dækning af 80 %-intervallet i tilbagetesten: "
        + ", ".join(f"{TARGET_LABELS[t].lower()} {fmt_pct(bt.coverage[t])}" for t in TARGETS)
    )
    definition_popover("backtest_mae")

"""Kapacitet: places against enrolled and present, day by day and over time;
waiting referrals; participants per staff member; and a forecast with its backtest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from nytte.attendance.capacity import OCCUPANCY_WEEKS, CapacityRow, occupancy
from nytte.attendance.forecast import TARGET_LABELS, TARGETS
from nytte.core import clock
from nytte.core.auth import AccessDenied
from nytte.core.formats import fmt_date, fmt_decimal, fmt_int, fmt_pct
from nytte.core.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import (
    definition_note,
    figure_help,
    figure_label,
    unit_filter,
)
from pages.common import guard

EXPECTED = "Forventet pr. dag"
PRESENT = "Mødt"


def _rows(rows: list[CapacityRow], label: str, with_unit_cols: bool) -> pd.DataFrame:
    data: dict[str, list[str]] = {
        label: [r.name for r in rows],
        figure_label("places"): [fmt_int(r.places) for r in rows],
        figure_label("enrolled"): [fmt_int(r.enrolled) for r in rows],
        EXPECTED: [fmt_decimal(r.expected) for r in rows],
        figure_label("occupancy"): [fmt_pct(occupancy(r.expected, r.places)) for r in rows],
        PRESENT: [fmt_int(r.present) for r in rows],
    }
    if with_unit_cols:
        data[figure_label("waiting")] = [fmt_int(r.waiting) for r in rows]
        data["Medarbejdere"] = [fmt_int(r.staff) for r in rows]
        data[figure_label("per_staff")] = [fmt_decimal(r.per_staff) for r in rows]
    return pd.DataFrame(data)


def _help() -> dict[str, Any]:
    """Each column's definition from the registry, shown on the column's header."""
    cols: dict[str, Any] = {
        figure_label(k): st.column_config.TextColumn(help=figure_help(k))
        for k in ("places", "enrolled", "occupancy", "waiting", "per_staff")
    }
    cols[EXPECTED] = st.column_config.TextColumn(
        help=f"Deltagere forventet efter ugeskemaerne pr. åbningsdag, gennemsnit over de "
        f"seneste {OCCUPANCY_WEEKS} uger med registreret fremmøde (deltidsdeltagere "
        "møder ikke alle dage). Belægning = forventet pr. dag / pladser."
    )
    cols[PRESENT] = st.column_config.TextColumn(
        help="Deltagere registreret som mødt den seneste dag med registreret fremmøde."
    )
    cols["Medarbejdere"] = st.column_config.TextColumn(
        help="Enhedens faste medarbejdere som registreret i stamdata."
    )
    return cols


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
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    st.caption(
        f"Indskrevne og ventende pr. {fmt_date(cap.on)}; forventet pr. dag og belægning "
        f"over de seneste {OCCUPANCY_WEEKS} uger; mødt den seneste registrerede dag "
        f"({fmt_date(cap.last_roll_day)}). Indskrevne kan være flere end pladserne, selv om "
        "belægningen er under 100 %: deltidsdeltagere møder ikke hver dag. Hold musen "
        "over en kolonneoverskrift for definitionen."
    )
    st.dataframe(
        _rows(cap.units, "Enhed", True), hide_index=True, column_config=_help(), width="stretch"
    )
    st.dataframe(
        _rows(cap.teams, "Hold", False), hide_index=True, column_config=_help(), width="stretch"
    )

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
    definition_note("present")

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
    definition_note("forecast")

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
    definition_note("backtest_mae")

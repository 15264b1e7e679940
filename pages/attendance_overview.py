"""Fremmødeoverblik: attendance rate by week, team, benefit and visitation group,
and a weekday × week heatmap. Every figure's definition is beside it (the metric's
or column's help, a line under a chart), read from the one registry."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from nytte.core import clock
from nytte.core.auth import AccessDenied
from nytte.core.formats import fmt_int, fmt_pct
from nytte.core.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import (
    definition_note,
    figure_help,
    figure_label,
    unit_and_period,
)
from pages.common import guard


def _group_table(df: pd.DataFrame, label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            label: df["group"],
            figure_label("expected_days"): [fmt_int(v) for v in df["expected"]],
            "Mødte dage": [fmt_int(v) for v in df["present"]],
            figure_label("attendance_rate"): [fmt_pct(v) for v in df["rate"]],
        }
    )


def _group_help() -> dict[str, Any]:
    return {
        figure_label("expected_days"): st.column_config.TextColumn(
            help=figure_help("expected_days")
        ),
        "Mødte dage": st.column_config.TextColumn(help="Forventede dage registreret som mødt."),
        figure_label("attendance_rate"): st.column_config.TextColumn(
            help=figure_help("attendance_rate")
        ),
    }


def render() -> None:
    principal = guard("fremmoedeoverblik")
    st.title("Fremmødeoverblik")
    today = clock.today()
    unit_id, start, end = unit_and_period(principal, "fremmoedeoverblik", 182, today)
    try:
        dash = cache.attendance(principal, unit_id, start, end)
    except AccessDenied as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    t = dash.totals
    m1, m2, m3, m4 = st.columns(4)
    for col, key, value in (
        (m1, "attendance_rate", fmt_pct(t.attendance_rate)),
        (m2, "expected_days", fmt_int(t.expected_days)),
        (m3, "hours_rate", fmt_pct(t.hours_rate)),
        (m4, "unexcused_rate", fmt_pct(t.unexcused_rate)),
    ):
        col.metric(figure_label(key), value, help=figure_help(key))
    if t.expected_days == 0:
        st.info("Ingen registreret fremmøde i perioden.")
        return

    st.subheader("Fremmødeprocent pr. uge")
    weekly = dash.weekly.assign(rate_pct=dash.weekly["rate"] * 100)
    fig = px.line(
        weekly,
        x="week",
        y="rate_pct",
        markers=True,
        labels={"week": "Uge (mandag)", "rate_pct": "Fremmøde (%)"},
    )
    fig.update_yaxes(range=[0, 100])
    fig.update_xaxes(tickformat="%d-%m-%Y")
    fig.update_layout(separators=",.", height=300, margin={"t": 10, "b": 10})
    st.plotly_chart(fig, key="fremmoedeoverblik:weekly")
    definition_note("attendance_rate")

    st.subheader("Fremmøde pr. ugedag og uge")
    hm = dash.heatmap
    heat = go.Figure(
        go.Heatmap(
            z=(hm.to_numpy() * 100).round(0),
            x=list(hm.columns),
            y=list(hm.index),
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": "%"},
            hovertemplate="%{y}, %{x}: %{z:.0f} %<extra></extra>",
        )
    )
    heat.update_yaxes(autorange="reversed")
    heat.update_layout(separators=",.", height=280, margin={"t": 10, "b": 10})
    st.plotly_chart(heat, key="fremmoedeoverblik:heatmap")
    definition_note("heatmap")

    st.subheader("Fordelt på hold og grupper")
    tab_team, tab_benefit, tab_visit = st.tabs(["Hold", "Ydelsesgruppe", "Visitationsgruppe"])
    for tab, frame, label in (
        (tab_team, dash.by_team, "Hold"),
        (tab_benefit, dash.by_benefit, "Ydelsesgruppe"),
        (tab_visit, dash.by_visitation, "Visitationsgruppe"),
    ):
        with tab:
            st.dataframe(_group_table(frame, label), hide_index=True, column_config=_group_help())

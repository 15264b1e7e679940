"""Henvisningstragt: referred → showed up (first day / ever) → stable attendance →
exit by outcome, split by unit, team, month, benefit or visitation group."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from nytte.attendance.funnel import DIMENSIONS, STEP_LABELS, STEPS
from nytte.core import clock
from nytte.core.auth import AccessDenied
from nytte.core.formats import fmt_int, fmt_pct
from nytte.core.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import (
    definition_note,
    figure_help,
    period_filter,
    unit_filter,
)
from pages.common import guard


def render() -> None:
    principal = guard("tragt")
    st.title("Henvisningstragt")
    st.caption(
        "Hvor mange af de henviste møder op, og hvor mange får et stabilt fremmøde? "
        "Kommunerne kan i dag ikke svare på det (Ankestyrelsen, kap. 2)."
    )
    today = clock.today()
    c1, c2, c3 = st.columns(3)
    with c1:
        unit_id = unit_filter(principal, "tragt:unit")
    with c2:
        start, end = period_filter("tragt:period", 365, today)
    with c3:
        dimension: str = st.selectbox(
            "Opdel efter", list(DIMENSIONS), format_func=lambda d: DIMENSIONS[d], key="tragt:dim"
        )
    with st.expander("Regel for stabilt fremmøde"):
        r1, r2, r3 = st.columns(3)
        share = r1.slider("Mindst andel af forventede dage (%)", 50, 100, 80, 5, key="tragt:share")
        weeks = r2.number_input("Over antal uger", 1, 12, 4, key="tragt:weeks")
        min_days = r3.number_input("Mindst antal forventede dage", 1, 60, 8, key="tragt:min")
    try:
        funnel = cache.funnel(
            principal, unit_id, dimension, start, end, share / 100, int(weeks), int(min_days)
        )
    except (AccessDenied, ValueError) as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    total = funnel.table[funnel.table["group"] == "I alt"].iloc[0]
    rule = {"weeks": int(weeks), "share": f"{share} %", "min_days": int(min_days)}
    helps = {
        "referred": figure_help("funnel_referred"),
        "first_day": figure_help("funnel_first_day"),
        "ever": figure_help("funnel_ever"),
        "stable": figure_help("funnel_stable", **rule),
    }
    cols = st.columns(len(STEPS))
    for col, step in zip(cols, STEPS, strict=True):
        share_txt = "" if step == "referred" else f" ({fmt_pct(total[f'{step}_share'])})"
        col.metric(
            STEP_LABELS[step],
            fmt_int(total[step]) + share_txt,
            help=helps.get(step, "Afsluttede henvisninger i perioden."),
        )
    if funnel.waiting:
        st.caption(
            f"{fmt_int(funnel.waiting)} henvisning(er) i perioden har endnu ikke nået deres "
            "startdato og er ikke talt med."
        )
    fig = go.Figure(
        go.Funnel(
            y=[STEP_LABELS[s] for s in STEPS[:4]],
            x=[int(total[s]) for s in STEPS[:4]],
            textinfo="value+percent initial",
        )
    )
    fig.update_layout(separators=",.", height=300, margin={"t": 10, "b": 10})
    st.plotly_chart(fig, key="tragt:fig")

    st.subheader(f"Pr. {DIMENSIONS[dimension].lower()}")
    # One column per step, "12 (40 %)": the table fits the page's width.
    table = pd.DataFrame({DIMENSIONS[dimension]: funnel.table["group"]})
    config: dict[str, Any] = {}
    for step in STEPS:
        counts = [fmt_int(v) for v in funnel.table[step]]
        if step == "referred":
            table[STEP_LABELS[step]] = counts
        else:
            shares = [fmt_pct(v) for v in funnel.table[f"{step}_share"]]
            table[STEP_LABELS[step]] = [f"{c} ({p})" for c, p in zip(counts, shares, strict=True)]
        config[STEP_LABELS[step]] = st.column_config.TextColumn(
            help=helps.get(step, "Afsluttede henvisninger i perioden.")
            + ("" if step == "referred" else " I parentes: andel af de henviste.")
        )
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    groups = funnel.table[funnel.table["group"] != "I alt"]
    if len(groups) > 1:
        shares = groups.melt(
            id_vars="group",
            value_vars=[f"{s}_share" for s in ("first_day", "ever", "stable")],
            var_name="step",
            value_name="share",
        )
        shares["step"] = shares["step"].str.removesuffix("_share").map(STEP_LABELS)
        shares["share"] = shares["share"] * 100
        bars = px.bar(
            shares,
            x="group",
            y="share",
            color="step",
            barmode="group",
            labels={"group": DIMENSIONS[dimension], "share": "Andel af henviste (%)", "step": ""},
        )
        bars.update_layout(
            separators=",.", height=320, margin={"t": 10, "b": 10}, legend={"orientation": "h"}
        )
        st.plotly_chart(bars, key="tragt:groups")

    st.subheader("Afgang fordelt på årsag")
    if funnel.exits.empty:
        st.info("Ingen afsluttede forløb blandt henvisningerne i perioden.")
    else:
        exits = funnel.exits.reset_index().rename(columns={"group": DIMENSIONS[dimension]})
        st.dataframe(exits, hide_index=True, width="stretch")
    definition_note("funnel_exit")

"""Risikoliste: participants whose attendance is slipping, ranked by a model, with
the facts that put each on the list. It advises; it decides nothing (GDPR art. 22)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from nytte.core import clock
from nytte.core.auth import AccessDenied
from nytte.core.formats import fmt_date, fmt_int, fmt_pct
from nytte.core.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import definition_note, unit_filter
from pages.common import guard


def render() -> None:
    principal = guard("risikoliste")
    st.title("Risikoliste")
    st.warning(
        "Listen er vejledende. Den er beregnet af en model ud fra fremmødet og træffer "
        "ingen afgørelse om nogen (databeskyttelsesforordningens art. 22). Tal med "
        "deltageren, før du handler; listen må ikke bruges som grundlag for sanktion."
    )
    today = clock.today()
    unit_id = unit_filter(principal, "risikoliste:unit")
    try:
        result = cache.at_risk(principal, unit_id, today, today - timedelta(days=2 * 365))
    except AccessDenied as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    definition_note("at_risk")
    if result.frame.empty:
        st.info("Ingen aktive deltagere med nok fremmødehistorik til at blive vurderet.")
        return
    st.caption(
        f"Vurderet {fmt_date(result.as_of)}; modellen er trænet på {fmt_int(result.trained_on)} "
        "tidligere forløbsuger. Hvor godt den rammer, er målt på tidligere forløb og står i "
        "Nyttes dokumentation om risikolisten."
    )
    f = result.frame
    table = pd.DataFrame(
        {
            "Navn": [n or "–" for n in f["name"]],
            "Sagsnummer": f["case_ref"],
            "Hold": f["team"],
            "Risiko": [fmt_pct(p) for p in f["probability"]],
            "Fremmøde seneste 10 dage": [fmt_pct(v) for v in f["rate_last10"]],
            "Hvorfor på listen": ["; ".join(r) if r else "–" for r in f["reasons"]],
        }
    )
    st.dataframe(table, hide_index=True)

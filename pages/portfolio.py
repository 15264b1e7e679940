"""Opgavekatalog: approved tasks by area, physical demand, indoor/outdoor and season,
with the yearly re-screening flag (the council recommends a yearly evaluation)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nytte.core import clock
from nytte.core.formats import fmt_date
from nytte.screening import service as svc
from nytte.screening.portfolio import PortfolioFilter
from nytte.screening.vocabulary import INDOOR_OUTDOOR, PROFESSIONAL_AREAS, SEASONS
from pages.common import db_session, guard

K = "pf_"


def render() -> None:
    principal = guard("opgavekatalog")
    st.title("Opgavekatalog")
    st.caption("Godkendte opgaver. Find opgaver til borgere med skånebehov (lav fysisk "
               "belastning, indendørs) og til vinteren. Opgaver, der ikke er vurderet i 12 "
               "måneder, skal genvurderes.")
    c1, c2, c3, c4 = st.columns(4)
    areas = c1.multiselect("Fagområde", list(PROFESSIONAL_AREAS),
                           format_func=lambda a: PROFESSIONAL_AREAS[a], key=K + "areas",
                           placeholder="Alle")
    demand = c2.slider("Højst fysisk belastning", 1, 5, 5, key=K + "demand")
    inout = c3.multiselect("Inde/ude", ["indoor", "outdoor"],
                           format_func=lambda v: INDOOR_OUTDOOR[v], key=K + "inout",
                           placeholder="Begge")
    season = c4.selectbox("Sæson", ["all", "spring", "summer", "autumn", "winter"],
                          format_func=lambda v: "Alle" if v == "all" else SEASONS[v],
                          key=K + "season")
    only_due = st.toggle("Kun opgaver, der skal genvurderes", key=K + "due")
    today = clock.today()
    f = PortfolioFilter(professional_areas=tuple(areas), max_physical_demand=demand,
                        indoor_outdoor=tuple(inout), season=None if season == "all" else season,
                        only_due=only_due)
    with db_session() as session:
        entries = svc.portfolio(session, principal, f, today)
    due = sum(e.needs_rescreening(today) for e in entries)
    c1, c2 = st.columns(2)
    c1.metric("Godkendte opgaver", len(entries))
    c2.metric("Skal genvurderes", due)
    if not entries:
        st.info("Ingen godkendte opgaver matcher filtrene.")
        return
    st.dataframe(pd.DataFrame([
        {"Opgave": e.task_id, "Titel": e.title, "Rekvirent": e.requesting_unit,
         "Fagområde": PROFESSIONAL_AREAS.get(e.professional_area, e.professional_area),
         "Fysisk belastning": e.physical_demand,
         "Inde/ude": INDOOR_OUTDOOR.get(e.indoor_outdoor, e.indoor_outdoor),
         "Sæson": SEASONS.get(e.season, e.season),
         "Senest vurderet": fmt_date(svc.local_time(e.screened_at).date()),
         "Genvurderes": "Ja" if e.needs_rescreening(today) else "Nej"}
        for e in entries
    ]), hide_index=True, width="stretch")

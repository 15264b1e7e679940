"""Forside: who you are and the units you see, with places against enrolled today."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nytte.core import clock
from nytte.core.auth import ROLE_LABELS, Role
from nytte.core.formats import fmt_date_long, fmt_int
from nytte.core.textsafe import md_escape
from nytte.org.service import unit_summaries
from pages.common import db_session, guard


def render() -> None:
    principal = guard("forside")
    st.title("Nytte")
    st.caption(f"{md_escape(principal.name)} · {ROLE_LABELS[principal.role]}")
    today = clock.today()
    if principal.role is Role.RAAD:
        st.write(
            "Som medlem af det regionale beskæftigelsesråd ser du samlede, "
            "sammenlignelige tal for kommunerne i din region — aldrig enkeltpersoner. "
            "Små tal (under 5) vises ikke."
        )
        return
    with db_session() as session:
        units = unit_summaries(session, principal, today)
    st.subheader(f"Enheder i dag, {fmt_date_long(today)}")
    if not units:
        st.info("Du har ikke adgang til nogen enheder endnu.")
        return
    cols = st.columns(len(units))
    for col, u in zip(cols, units, strict=True):
        col.metric(
            md_escape(u.name),  # labels read Markdown; a unit name is stored text
            f"{fmt_int(u.enrolled)} af {fmt_int(u.places)} pladser",
            help="Indskrevne: henvisninger med forventet start i dag eller før, "
            "som ikke er afsluttet.",
        )
    table = pd.DataFrame(
        [
            {
                "Enhed": u.name,
                "Pladser": u.places,
                "Indskrevne": u.enrolled,
                "Venter på start": u.waiting,
                "Hold": u.teams,
                "Medarbejdere": u.staff,
            }
            for u in units
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")

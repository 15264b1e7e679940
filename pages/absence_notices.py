"""Fraværsmeddelelser: unexcused absences for the jobcentre caseworker, exportable
as CSV, Excel and PDF. The unit records; the caseworker decides any sanction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from nytte.attendance.notices import DISCLAIMER, record_export, to_csv, to_pdf, to_xlsx
from nytte.auth import AccessDenied, Principal
from nytte.core import clock
from nytte.formats import fmt_date, fmt_decimal, fmt_int
from nytte.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import definition_note, period_filter, unit_filter
from pages.common import db_session, guard


def _exporter(
    principal: Principal, fmt: str, make: Callable[[], bytes], rows: int, start: date, end: date
) -> Callable[[], bytes]:
    def run() -> bytes:
        data = make()
        with db_session() as session:
            record_export(session, principal, fmt, rows, start, end)
        return data

    return run


def render() -> None:
    principal = guard("fravaer")
    st.title("Fraværsmeddelelser")
    st.info(DISCLAIMER)
    today = clock.today()
    c1, c2 = st.columns(2)
    with c1:
        unit_id = unit_filter(principal, "fravaer:unit")
    with c2:
        start, end = period_filter("fravaer:period", 30, today)
    judged = st.checkbox(
        "Medtag »Syg (meldt efter mødetid)« (rådgiveren vurderer)", key="fravaer:judged"
    )
    try:
        df = cache.notices(principal, unit_id, start, end, judged)
    except AccessDenied as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    caseworkers = sorted(df["Rådgiver"].unique()) if not df.empty else []
    if len(caseworkers) > 1:
        chosen = st.selectbox("Rådgiver", ["Alle", *caseworkers], key="fravaer:caseworker")
        if chosen != "Alle":
            df = df[df["Rådgiver"] == chosen].reset_index(drop=True)
    st.metric("Udeblivelser i perioden", fmt_int(len(df)))
    definition_note("absence_notice")
    if df.empty:
        st.info("Ingen udeblivelser uden rimelig grund i perioden.")
        return
    shown = df.assign(
        Dato=[fmt_date(d) for d in df["Dato"]],
        **{
            "Forventede timer": [fmt_decimal(v, 2) for v in df["Forventede timer"]],
            "Registrerede timer": [fmt_decimal(v, 2) for v in df["Registrerede timer"]],
        },
    )
    st.dataframe(shown, hide_index=True)
    period = f"{fmt_date(start)} – {fmt_date(end)}"
    stem = f"fravaer-{start.isoformat()}-{end.isoformat()}"
    b1, b2, b3 = st.columns(3)
    b1.download_button(
        "Hent CSV",
        data=_exporter(principal, "csv", lambda: to_csv(df), len(df), start, end),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        key="fravaer:csv",
    )
    b2.download_button(
        "Hent Excel",
        data=_exporter(principal, "xlsx", lambda: to_xlsx(df), len(df), start, end),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="fravaer:xlsx",
    )
    b3.download_button(
        "Hent PDF til sagen",
        data=_exporter(
            principal, "pdf", lambda: to_pdf(df, "Fraværsmeddelelser", period), len(df), start, end
        ),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="fravaer:pdf",
    )

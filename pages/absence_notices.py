"""Fraværsmeddelelser: unexcused absences for the jobcentre caseworker, exportable
as CSV, Excel and PDF. The unit records; the caseworker decides any sanction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from nytte.attendance.notices import DISCLAIMER, record_export, to_csv, to_pdf, to_xlsx
from nytte.core import clock
from nytte.core.auth import AccessDenied, Principal
from nytte.core.formats import fmt_date, fmt_decimal, fmt_int
from nytte.core.textsafe import md_escape
from pages._ui import cache
from pages.attendance_data import definition_note, unit_and_period
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
    unit_id, start, end = unit_and_period(principal, "fravaer", 30, today)
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
    files: tuple[tuple[str, str, str, Callable[[], bytes]], ...] = (
        ("Hent CSV", "csv", "text/csv", lambda: to_csv(df)),
        ("Hent Excel", "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         lambda: to_xlsx(df)),
        ("Hent PDF til sagen", "pdf", "application/pdf",
         lambda: to_pdf(df, "Fraværsmeddelelser", period)),
    )
    for column, (label, fmt, mime, make) in zip(st.columns(3), files, strict=True):
        column.download_button(
            label,
            data=_exporter(principal, fmt, make, len(df), start, end),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            on_click="ignore",
            key=f"fravaer:{fmt}",
        )

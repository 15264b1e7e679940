"""Regional gennemgang: the region's municipalities beside the national figures.

Everything rendered here comes from nytte.council.council_page, whose counts are
ProtectedTables (suppressed below 5, with secondary suppression): the page, the
chart, the downloads and the cache hold nothing else.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from nytte import kpis
from nytte.core.auth import Principal
from nytte.core.formats import fmt_datetime, fmt_int, fmt_pct
from nytte.core.reference_figures import OFFERED_2022
from nytte.core.suppression import MARK, NO_DATA, NOTE_DA, ProtectedTable
from nytte.council import periods
from nytte.council.council_page import CouncilPage
from nytte.council.downloads import REVIEW_KPIS, file_name
from nytte.council.exports import table_csv
from nytte.council.national import FIGURE_2_1_SOURCE, national_views, offered_text
from nytte.council.regional import ShareRow
from nytte.jobindsats.client import JobindsatsClient, resolve_token
from nytte.jobindsats.store import fetch_from_api, import_csv
from pages._ui import cache
from pages.common import engine, guard, upload_note

STATUS_ICONS = {"opfyldt": "✅ opfyldt", "ikke opfyldt": "❌ ikke opfyldt",
                "ingen data": "➖ ingen data"}


def _frame(t: ProtectedTable) -> pd.DataFrame:
    return pd.DataFrame([[lab, *row] for lab, row in zip(t.row_labels, t.display_rows(),
                                                          strict=True)],
                        columns=[t.row_title, *t.col_labels])


def _show_table(title: str, t: ProtectedTable, key: str) -> None:
    st.markdown(f"**{title}**")
    st.dataframe(_frame(t), hide_index=True, width="stretch")
    st.download_button("CSV", table_csv(t), file_name=f"{key}.csv", mime="text/csv",
                       key=f"raad_csv_{key}")


def render() -> None:
    principal = guard("raad")
    st.title("Regional gennemgang")
    latest = cache.latest_day()
    if latest is None or principal.region_code is None:
        st.info("Der er endnu ingen data at vise.")
        return
    c1, c2 = st.columns([1, 3])
    kind = c1.radio("Periode", ("år", "kvartal", "måned"), key="raad_kind")
    options = periods.choices(kind, latest)
    # Default to the newest complete period (a running year is mostly provisional).
    default = 1 if options[0].end > latest and len(options) > 1 else 0
    period = c2.selectbox("Vælg", options, index=default, format_func=lambda p: p.label,
                          key="raad_period")
    page = cache.council(principal, period.start, period.end)
    r = page.review
    st.caption(f"{r.region_name} · {r.period.label}. Kun samlede tal; {NOTE_DA}")
    if r.provisional_month:
        st.warning(f"Seneste måned ({periods.month_label(r.provisional_month)}) er foreløbig: "
                   "efterregistreringer kan ændre tallene.")

    # Only the open tab is drawn (a tab change re-runs the page): the browser draws
    # one tab's tables instead of all four tabs' (docs/performance.md).
    tab_region, tab_national, tab_check, tab_files = st.tabs(
        ["Kommunerne i regionen", "Landstal", "Tjekliste", "Mødemateriale og eksport"],
        key="raad_tab", on_change="rerun")
    if tab_region.open:
        with tab_region:
            _region(page)
    if tab_national.open:
        with tab_national:
            _national(page)
    if tab_check.open:
        with tab_check:
            _checklist(page)
    if tab_files.open:
        with tab_files:
            _files(principal, page)


def _region(page: CouncilPage) -> None:
    r = page.review
    left, right = st.columns(2)
    with left:
        _show_table("Nye henvisninger og fremmøde", r.funnel, "fremmoede")
    with right:
        _show_table("Afsluttede forløb", r.exits, "afgange")
    st.markdown("**Andele**")
    def pct(s: ShareRow, v: float | None) -> str:
        return NO_DATA if s.no_data else MARK if v is None else fmt_pct(v)

    st.dataframe(pd.DataFrame([{
        "Kommune": s.municipality,
        "Fremmødeprocent": pct(s, s.attendance_rate),
        "Mødte op blandt nye": pct(s, s.show_up_rate),
        "Job eller uddannelse": pct(s, s.exits_job_education),
    } for s in r.shares]), hide_index=True, width="stretch", column_config={
        "Fremmødeprocent": st.column_config.TextColumn(help=kpis.get("attendance_rate").definition),
        "Mødte op blandt nye": st.column_config.TextColumn(
            help=kpis.get("show_up_rate").definition),
        "Job eller uddannelse": st.column_config.TextColumn(
            help=kpis.get("exits_job_education").definition),
    })
    t1, t2, t3 = st.tabs(["Køn", "Ydelsesgruppe", "Alder"], key="raad_groups",
                         on_change="rerun")
    for tab, (title, table, key) in zip((t1, t2, t3), (
            ("Indskrevne efter køn", r.by_gender, "koen"),
            ("Indskrevne efter ydelsesgruppe", r.by_benefit, "ydelse"),
            ("Indskrevne efter alder", r.by_age, "alder")), strict=True):
        if tab.open:
            with tab:
                _show_table(title, table, key)
    st.markdown("**Indskrevne pr. måned**")
    fig = go.Figure()
    m = r.monthly
    shown = [c for c in range(len(m.col_labels))
             if c not in m.no_data_cols and not all(row[c] in (None, 0) for row in m.cells)]
    if len(m.row_labels) == 1:  # one month: the figures as bars, not lone points
        shown = [c for c in range(len(m.col_labels)) if c not in m.no_data_cols]
        values = [m.cells[0][c] for c in shown]
        fig.add_trace(go.Bar(x=[m.col_labels[c] for c in shown], y=values,
                             text=[MARK if v is None else fmt_int(v) for v in values],
                             textposition="outside", name=m.row_labels[0]))
    else:
        for c in shown:
            fig.add_trace(go.Scatter(x=list(m.row_labels), y=[row[c] for row in m.cells],
                                     mode="lines+markers", name=m.col_labels[c],
                                     connectgaps=False))
    fig.update_layout(height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis_title="Indskrevne", separators=",.")
    st.plotly_chart(fig, width="stretch", key="raad_monthly")
    note = "Udeladte tal (..) vises som huller."
    if r.no_data:
        note += " Ingen data i Nytte for: " + ", ".join(r.no_data) + "."
    st.caption(note)
    with st.expander("Definitioner"):
        for key in REVIEW_KPIS:
            k = kpis.get(key)
            st.markdown(f"**{k.name}** — {k.definition}  \n*Formel:* {k.formula}. "
                        f"*Kilde:* {k.source}.")


def _national(page: CouncilPage) -> None:
    st.subheader("Personer tilbudt nytteindsats i hele landet")
    st.metric("Tilbudt nytteindsats i 2022", fmt_int(OFFERED_2022),
              help=kpis.get("national_offered").definition)
    st.write(offered_text())
    st.caption(FIGURE_2_1_SOURCE)
    for v in national_views():
        st.markdown(f"**{v.title}**")
        st.dataframe(pd.DataFrame(v.rows, columns=v.header), hide_index=True, width="stretch")
        st.caption(" ".join([v.source, *v.notes]))
    st.subheader("Jobindsats: antal aktiverede i nytteindsats pr. måned")
    ji = page.jobindsats
    if ji.last_error:
        st.error(ji.last_error)
    if ji.table is None:
        st.info("Der er endnu ikke hentet tal fra Jobindsats. Hent dem nedenfor eller importér "
                "en CSV-fil eksporteret fra jobindsats.dk.")
    else:
        st.caption(f"Hentet {fmt_datetime(ji.fetched_at)}. Seneste måned ({ji.provisional_month}) "
                   "er foreløbig: Jobindsats retter den med efterregistreringer.")
        st.dataframe(_frame(ji.table), hide_index=True, width="stretch")
        if ji.source:
            st.caption(f"Kilde: {ji.source}.")
    st.caption("Tallene hentes eller importeres af en administrator (siden Administration).")


def jobindsats_admin(principal: Principal) -> None:
    """Fetch or import the national figures: administrators only, audited with the user
    (called from the administration page)."""
    st.write("Landstallene fra Jobindsats vises for alle regioner. Hent dem fra API'et "
             "eller importér en CSV-fil eksporteret fra jobindsats.dk.")
    if st.button("Hent fra Jobindsats (API)", key="admin_ji_fetch"):
        token = resolve_token()
        if not token:
            st.error("Der er ingen adgangsnøgle til Jobindsats: sæt NYTTE_JOBINDSATS_TOKEN "
                     "eller [jobindsats] token i .streamlit/secrets.toml.")
        else:
            result = fetch_from_api(engine(), principal, JobindsatsClient(token))
            (st.success if result.ok else st.error)(result.message)
    upload = st.file_uploader("Importér CSV fra jobindsats.dk", type=["csv"],
                              key="admin_ji_csv")
    upload_note("CSV-fil fra jobindsats.dk")
    if upload is not None and st.button("Importér filen", key="admin_ji_import"):
        result = import_csv(engine(), principal, upload.getvalue(), upload.name)
        (st.success if result.ok else st.error)(result.message)


def _checklist(page: CouncilPage) -> None:
    st.caption("Rådets anbefalinger (strategi 2024), beregnet ud fra kommunernes data i Nytte — "
               "intet er krydset af i hånden.")
    if not page.checklists:
        return
    titles = [i.title for i in page.checklists[0][1]]
    st.dataframe(pd.DataFrame(
        [[name, *(STATUS_ICONS[i.status.value] for i in items)]
         for name, items in page.checklists],
        columns=["Kommune", *titles]), hide_index=True, width="stretch")
    names = [n for n, _ in page.checklists]
    chosen = st.selectbox("Grundlag for kommunen", names, key="raad_check_muni")
    for name, items in page.checklists:
        if name == chosen:
            for i in items:
                st.markdown(f"**{i.title}** — {STATUS_ICONS[i.status.value]}  \n{i.evidence}  \n"
                            f"*Anbefaling:* {i.recommendation}")


def _files(principal: Principal, page: CouncilPage) -> None:
    r = page.review
    key = (principal.user_id, r.region_code, r.period.start, r.period.end)
    span = (r.period.start, r.period.end)
    st.write("Mødematerialet samler regionens kommuner, landstallene og tjeklisten i én PDF. "
             "Eksporten indeholder de samme diskretionerede tabeller. Samme filer fra "
             "kommandolinjen: `python -m nytte council export`.")
    c1, c2, c3 = st.columns(3)
    if c1.button("Lav mødemateriale", key="raad_pack_make", type="primary"):
        st.session_state["raad_pack_key"] = key
    if st.session_state.get("raad_pack_key") == key:
        c1.download_button("Hent mødemateriale (PDF)", cache.council_file(principal, *span, "pdf"),
                           file_name=file_name(page, "pdf"),
                           mime="application/pdf", key="raad_pack")
    c2.download_button("Hent tabeller (Excel)", cache.council_file(principal, *span, "xlsx"),
                       file_name=file_name(page, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="raad_xlsx")
    c3.download_button("Hent tabeller (CSV)", cache.council_file(principal, *span, "csv"),
                       file_name=file_name(page, "csv"), mime="text/csv", key="raad_csv_all")

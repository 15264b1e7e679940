"""Ledelsesoverblik: the manager's KPIs, drill-down, composition and yearly evaluation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from nytte import kpis
from nytte.core.auth import Principal
from nytte.core.formats import fmt_decimal
from nytte.core.reference_figures import BENEFIT_NAMES, VISITATION_NAMES
from nytte.core.textsafe import md_escape
from nytte.council import periods
from nytte.council.evaluation import fmt_kpi, generate_yearly_evaluation
from nytte.council.follow_up import FollowUpImportError, import_follow_ups
from nytte.council.overview import AGE_LABELS, Overview
from pages._ui import cache
from pages.common import db_session, guard

KINDS = ("måned", "kvartal", "år")
COMPOSITION_TITLES = {
    "benefit": ("Ydelsesgruppe", BENEFIT_NAMES),
    "visitation": ("Visitationsgruppe", {**VISITATION_NAMES, "uoplyst": "Uoplyst"}),
    "gender": ("Køn", {"K": "Kvinder", "M": "Mænd"}),
    "age": ("Alder", {}),
}


def _fmt(key: str, value: float | None) -> str:
    # The manager sees the municipality's own figures unsuppressed: None is "no data".
    return "–" if value is None else fmt_kpi(key, value)


def _delta(key: str, now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return None
    unit = kpis.get(key).unit
    diff = now - before
    if abs(diff) < 1e-9:
        return None  # no change: no arrow (an arrow on +0 reads as a change)
    # An ASCII minus: Streamlit reads the arrow's direction from the first character.
    sign = "+" if diff >= 0 else "-"
    if unit is kpis.Unit.SHARE:
        text = f"{fmt_decimal(abs(diff) * 100, 1)} procentpoint"
    else:
        text = fmt_kpi(key, abs(diff))
    if not any(ch in "123456789" for ch in text):
        return None  # a change that rounds to nothing is shown as none
    return sign + text


def delta_color(higher_is_better: bool | None) -> str:
    """Green when the change is good: up for a figure where more is better, down for
    one where less is better (inverse); grey for a figure that is neither."""
    if higher_is_better is None:
        return "off"
    return "normal" if higher_is_better else "inverse"


def _category_order(key: str, names: dict[str, str], data: dict[str, int]) -> list[str]:
    """The composition chart's categories in their natural order (age bands young to
    old; the other groups as their code lists order them), top to bottom."""
    if key == "age":
        order = list(AGE_LABELS)
        return [c for c in order if c in data] + [c for c in data if c not in order]
    known = [names.get(k, k) for k in names if k in data]
    return known + sorted(names.get(k, k) for k in data if k not in names)


def _capacity_note(ov: Overview) -> str | None:
    """Why «Indskrevne» can exceed «Pladser» while «Belægning» is under 100 %."""
    by_key = {r.key: r.current for r in ov.rows}
    enrolled, places, use = (by_key.get(k) for k in ("enrolled", "places", "capacity_use"))
    if enrolled is None or not places or use is None:
        return None
    per_day = use * places
    return (
        f"Indskrevne ({fmt_kpi('enrolled', enrolled)}) er alle, der har haft mindst én "
        f"forventet dag i perioden; på en gennemsnitlig åbningsdag var "
        f"{fmt_decimal(per_day, 0)} forventet efter ugeskemaerne. Det er "
        f"{fmt_kpi('capacity_use', use)} af de {fmt_kpi('places', places)} pladser "
        "(belægningen)."
    )


def render() -> None:
    principal: Principal = guard("ledelse")
    st.title("Ledelsesoverblik")
    latest, units = cache.manager_choices(principal)
    if latest is None:
        st.info("Der er endnu ingen fremmøderegistreringer at vise nøgletal for.")
        return
    c1, c2, c3, c4 = st.columns([1, 2, 2, 2])
    kind = c1.radio("Periode", KINDS, index=0, key="ledelse_kind", horizontal=False)
    options = periods.choices(kind, latest)
    # Default to the newest complete period: a running month compares badly.
    default = 1 if options[0].end > latest and len(options) > 1 else 0
    period = c2.selectbox("Vælg", options, index=default, format_func=lambda p: p.label,
                          key="ledelse_period")
    unit_labels: dict[int | None, str] = {None: "Hele kommunen"}
    unit_labels.update({u: name for u, name, _ in units})
    unit_id = c3.selectbox("Enhed", list(unit_labels), format_func=lambda u: unit_labels[u],
                           key="ledelse_unit")
    teams: dict[int | None, str] = {None: "Alle hold"}
    for u, _, ts in units:
        if u == unit_id:
            teams.update(dict(ts))
    team_id = c4.selectbox("Hold", list(teams), format_func=lambda t: teams[t],
                           key="ledelse_team", disabled=unit_id is None)
    if unit_id is None:
        team_id = None
    ov = cache.overview(principal, period.start, period.end, unit_id, team_id)
    st.caption(
        f"{ov.scope_label} · {ov.period.label}. Pilen viser ændringen fra forrige periode "
        f"({ov.previous.label}); tabellen nedenfor også samme periode sidste år "
        f"({ov.last_year.label}). Hold musen over ? ved et nøgletal for dets definition."
    )
    if period.end >= latest:
        st.warning("Perioden er ikke afsluttet: de seneste dage kan mangle registreringer.")
    # Three to a row, so the longest names fit beside each other.
    per_row = 3
    for start in range(0, len(ov.rows), per_row):
        cols = st.columns(per_row)
        for col, row in zip(cols, ov.rows[start : start + per_row], strict=False):
            kpi = row.kpi
            col.metric(
                kpi.name, _fmt(row.key, row.current),
                delta=_delta(row.key, row.current, row.previous),
                delta_color=delta_color(kpi.higher_is_better),  # type: ignore[arg-type]
                help=f"{kpi.definition} Formel: {kpi.formula}. Kilde: {kpi.source}.",
                border=True,
            )
    note = _capacity_note(ov)
    if note:
        st.caption(note)
    st.subheader("Sammenligning")
    st.dataframe(pd.DataFrame([{
        "Nøgletal": r.kpi.name,
        ov.period.label: _fmt(r.key, r.current),
        f"Forrige ({ov.previous.label})": _fmt(r.key, r.previous),
        f"Sidste år ({ov.last_year.label})": _fmt(r.key, r.last_year),
    } for r in ov.rows]), hide_index=True, width="stretch")
    if ov.drill:
        st.subheader("Pr. hold" if unit_id is not None else "Pr. enhed")
        keys = list(ov.drill[0].values)
        st.dataframe(pd.DataFrame([
            {"Enhed/hold": d.label,
             **{kpis.get(k).name: _fmt(k, v) for k, v in d.values.items()}}
            for d in ov.drill
        ]), hide_index=True, width="stretch",
            column_config={kpis.get(k).name: st.column_config.TextColumn(
                help=kpis.get(k).definition) for k in keys})
    st.subheader("Deltagernes sammensætning")
    st.caption("Indskrevne i perioden (deltagere med en aktiv henvisning).")
    comp_cols = st.columns(4)
    for col, (key, (title, names)) in zip(comp_cols, COMPOSITION_TITLES.items(), strict=True):
        data = ov.composition.get(key, {})
        frame = pd.DataFrame({title: [names.get(k, k) for k in data], "Antal": list(data.values())})
        order = _category_order(key, names, data)
        fig = px.bar(frame, x="Antal", y=title, orientation="h", height=260, title=title,
                     category_orders={title: order})
        fig.update_layout(margin={"l": 0, "r": 0, "t": 30, "b": 0}, showlegend=False,
                          separators=",.")
        fig.update_yaxes(title=None)  # category_orders puts the first on top
        col.plotly_chart(fig, width="stretch", key=f"ledelse_comp_{key}")
    with st.expander("Definitioner af nøgletallene"):
        for r in ov.rows:
            st.markdown(f"**{r.kpi.name}** — {r.kpi.definition}  \n"
                        f"*Formel:* {r.kpi.formula}. *Kilde:* {r.kpi.source}.")
    _follow_up(principal)
    _evaluation(principal, latest)


def _follow_up(principal: Principal) -> None:
    with st.expander("Importér opfølgning 3 og 6 måneder efter forløbet (CSV)"):
        st.caption("Fra jobcentrets sagssystem: semikolon-separeret med kolonnerne "
                   "sagsreference;slutdato;efter 3 mdr;efter 6 mdr (job, uddannelse eller "
                   "ingen). Alt eller intet: en fejl gemmer ingenting.")
        upload = st.file_uploader("CSV-fil", type=["csv"], key="ledelse_follow_csv")
        if upload is not None and st.button("Importér", key="ledelse_follow_import"):
            try:
                with db_session() as session:
                    result = import_follow_ups(session, principal, upload.getvalue())
            except FollowUpImportError as exc:
                st.error(md_escape(str(exc)))  # may quote user or file text
            else:
                st.success(f"{result.saved} opfølgninger gemt fra {result.rows} rækker.")


def _evaluation(principal: Principal, latest: date) -> None:
    st.subheader("Årlig evaluering")
    st.caption("Dokument til politikere og det regionale beskæftigelsesråd: formål og "
               "indhold, antal borgere, fremmøde, afgange, opgaver og høring, udvikling. "
               "Tal under 5 personer udelades.")
    years = list(range(latest.year, latest.year - 4, -1))
    c1, c2 = st.columns([1, 3])
    chosen = c1.selectbox("År", years, index=1 if len(years) > 1 else 0, key="ledelse_eval_year")
    if c2.button("Dan årlig evaluering", key="ledelse_eval_make", type="primary"):
        with db_session() as session:
            made = generate_yearly_evaluation(session, principal, chosen)
        st.session_state["ledelse_eval_files"] = (chosen, made.pdf, made.xlsx)
    files = st.session_state.get("ledelse_eval_files")
    if files and files[0] == chosen:
        d1, d2 = st.columns(2)
        d1.download_button("Hent PDF", files[1], file_name=f"aarlig_evaluering_{chosen}.pdf",
                           mime="application/pdf", key="ledelse_eval_pdf")
        d2.download_button("Hent Excel", files[2], file_name=f"aarlig_evaluering_{chosen}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="ledelse_eval_xlsx")

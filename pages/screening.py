"""Opgavescreening: the coordinator's form, the verdict, the TR consultation, the record.

The page reads widgets, calls one service in nytte.services.screening per action,
and renders. User text is shown with st.text / st.dataframe, never as HTML.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from nytte.auth import AccessDenied, Principal
from nytte.core import clock
from nytte.formats import fmt_date, fmt_datetime, fmt_pct
from nytte.screening.consultation import ConsultationError
from nytte.screening.documents import ConsultationRecord
from nytte.screening.engine import ScreeningResult
from nytte.screening.proposal import FIELD_LABELS, ProposalError
from nytte.screening.rulesets import ruleset_by_id
from nytte.screening.vocabulary import (
    ANSWERS,
    BENEFICIARIES,
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    FREQUENCIES,
    INDOOR_OUTDOOR,
    OTHERWISE_DONE_BY,
    PROFESSIONAL_AREAS,
    SEASONS,
    STATUSES,
    VERDICTS,
    YES_NO,
)
from nytte.services import screening as svc
from pages.common import db_session, guard, upload_note

K = "scr_"  # session-state namespace of this page
CURRENT = K + "current_screening"
DATE_FORMAT = "DD-MM-YYYY"


def _select(label: str, options: dict[str, str], key: str, default: str | None = None,
            help_: str | None = None) -> str:
    """A select with no preselected answer unless there is a default: a coordinator
    must choose, and an unanswered field is refused by the server with its name."""
    keys = list(options)
    index = keys.index(default) if default in keys else None
    value = st.selectbox(label, keys, index=index, format_func=lambda v: options[v],
                         key=key, help=help_, placeholder="Vælg …")
    return "" if value is None else str(value)


def _radio(label: str, options: dict[str, str], key: str, default: str | None) -> str:
    keys = list(options)
    index = keys.index(default) if default in keys else None
    value = st.radio(label, keys, index=index, format_func=lambda v: options[v], key=key,
                     horizontal=True)
    return "" if value is None else str(value)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def _form(principal: Principal, units: list[tuple[int, str]], defaults: dict[str, Any],
          task_id: int | None) -> tuple[dict[str, Any], int | None] | None:
    """The proposal form; returns (raw answers, unit id) when submitted."""
    d = defaults
    sfx = f"{K}{task_id or 'new'}_"
    with st.form(sfx + "form"):
        st.subheader("Opgaven")
        unit_id: int | None = None
        if task_id is None and units:
            names = dict(units)
            unit_id = st.selectbox("Enhed", list(names), format_func=lambda i: names[i],
                                   key=sfx + "unit")
        title = st.text_input(FIELD_LABELS["title"], value=d.get("title", ""), key=sfx + "title",
                              max_chars=200)
        description = st.text_area(
            FIELD_LABELS["description"], value=d.get("description", ""), key=sfx + "description",
            max_chars=5000, help="Hvad skal laves, hvor, og hvordan er opgaven afgrænset fra "
                                 "ordinært arbejde? Skriv aldrig personoplysninger.")
        c1, c2, c3, c4 = st.columns(4)
        requesting_unit = c1.text_input(FIELD_LABELS["requesting_unit"],
                                        value=d.get("requesting_unit", ""), key=sfx + "req")
        p_number = c2.text_input(FIELD_LABELS["p_number"], value=d.get("p_number") or "",
                                 key=sfx + "p", help="10 cifre")
        with c3:
            area = _select(FIELD_LABELS["professional_area"], PROFESSIONAL_AREAS, sfx + "area",
                           d.get("professional_area"))
        start = c4.date_input(FIELD_LABELS["start_date"], value=_date(d.get("start_date")),
                              format=DATE_FORMAT, key=sfx + "start")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            demand = st.slider(FIELD_LABELS["physical_demand"], 1, 5,
                               int(d.get("physical_demand") or 3), key=sfx + "demand")
        with c2:
            inout = _select(FIELD_LABELS["indoor_outdoor"], INDOOR_OUTDOOR, sfx + "inout",
                            d.get("indoor_outdoor"))
        with c3:
            season = _select(FIELD_LABELS["season"], SEASONS, sfx + "season", d.get("season"))
        with c4:
            frequency = _select(FIELD_LABELS["frequency"], FREQUENCIES, sfx + "freq",
                                d.get("frequency"))

        st.subheader("Værnsreglerne")
        answers = {}
        for field in ("servicelov_83", "previously_done_by_staff", "in_operating_plan",
                      "service_level_reduced", "private_market", "requires_certified_trade"):
            answers[field] = _radio(FIELD_LABELS[field], ANSWERS, sfx + field, d.get(field))
        c1, c2, c3 = st.columns(3)
        last_year = c1.number_input(FIELD_LABELS["last_done_by_staff_year"], min_value=1900,
                                    max_value=2100, value=d.get("last_done_by_staff_year"),
                                    step=1, key=sfx + "lastyear",
                                    help="Udfyldes, når ansatte tidligere har udført opgaven")
        with c2:
            otherwise = _select(FIELD_LABELS["otherwise_done_by"], OTHERWISE_DONE_BY,
                                sfx + "otherwise", d.get("otherwise_done_by"))
        with c3:
            beneficiary = _select(FIELD_LABELS["beneficiary"], BENEFICIARIES, sfx + "benef",
                                  d.get("beneficiary"))
        c1, c2, c3 = st.columns(3)
        employees = c1.number_input(FIELD_LABELS["ordinary_employees"], min_value=0, step=1,
                                    value=d.get("ordinary_employees"), key=sfx + "emp")
        requested = c2.number_input(FIELD_LABELS["participants_requested"], min_value=0, step=1,
                                    value=d.get("participants_requested"), key=sfx + "req_n")
        placed = c3.number_input(FIELD_LABELS["participants_already_placed"], min_value=0,
                                 step=1, value=d.get("participants_already_placed"),
                                 key=sfx + "placed")

        st.subheader("Høring af tillidsrepræsentant")
        c1, c2 = st.columns(2)
        with c1:
            level = _select(FIELD_LABELS["consultation_level"], CONSULTATION_LEVELS,
                            sfx + "level", d.get("consultation_level"))
        with c2:
            outcome = _select(FIELD_LABELS["consultation_outcome"], CONSULTATION_OUTCOMES,
                              sfx + "outcome", d.get("consultation_outcome"))
        c1, c2 = st.columns(2)
        consulted = c1.date_input(FIELD_LABELS["consultation_date"],
                                  value=_date(d.get("consultation_date")), format=DATE_FORMAT,
                                  key=sfx + "cdate")
        with c2:
            statement = _select(FIELD_LABELS["written_statement"], YES_NO, sfx + "statement",
                                d.get("written_statement"))
        skip = st.text_input(FIELD_LABELS["consultation_skip_reason"],
                             value=d.get("consultation_skip_reason") or "", key=sfx + "skip")
        submitted = st.form_submit_button("Vurdér og gem afgørelse", type="primary")
    if not submitted:
        return None

    def num(v: Any) -> int | None:
        return None if v is None else int(v)

    raw: dict[str, Any] = {
        "title": title, "description": description, "requesting_unit": requesting_unit,
        "p_number": p_number, "professional_area": area, **answers,
        "last_done_by_staff_year": num(last_year), "otherwise_done_by": otherwise,
        "frequency": frequency, "beneficiary": beneficiary, "physical_demand": demand,
        "indoor_outdoor": inout, "season": season, "ordinary_employees": num(employees),
        "participants_requested": num(requested), "participants_already_placed": num(placed),
        "start_date": start, "consultation_level": level, "consultation_skip_reason": skip,
        "consultation_outcome": outcome, "consultation_date": consulted,
        "written_statement": statement,
    }
    return raw, unit_id


def _show_problems(exc: ProposalError) -> None:
    st.error("Afgørelsen er ikke gemt. Ret følgende:")
    for p in exc.problems:
        st.text(f"• {p.message}")


def _verdict_banner(result: ScreeningResult) -> None:
    label = VERDICTS[result.verdict]
    text = f"Afgørelse: {label} (regelsæt {result.ruleset.id})"
    if result.verdict == "approve":
        st.success(text, icon=":material/check_circle:")
    elif result.verdict == "clarify":
        st.warning(text, icon=":material/help:")
    else:
        st.error(text, icon=":material/block:")
    if result.dispensation_needed:
        st.info("Rimelighedskravet er overskredet: der skal søges dispensation. "
                "Ansøgningen kan hentes nedenfor.")


def _criteria_table(result: ScreeningResult) -> None:
    frame = pd.DataFrame([
        {"Status": STATUSES[c.status], "Kriterium": c.title, "Begrundelse": c.reason,
         "Kilde": c.source + ("" if c.verified else " (ikke verificeret)")}
        for c in result.criteria
    ])
    # Tall enough for every criterion: none may hide below a scroll bar.
    st.dataframe(frame, hide_index=True, width="stretch", height=36 * (len(frame) + 1) + 4)


def _similar(result: ScreeningResult) -> None:
    if not result.similar:
        st.caption("Ingen lignende tidligere afgørelser.")
        return
    st.dataframe(pd.DataFrame([
        {"Opgave": s.title, "Afgørelse": VERDICTS.get(s.verdict, s.verdict),
         "Lighed": fmt_pct(s.similarity), "Afgjort": fmt_date(_date(s.decided_at[:10])),
         "Begrundelse": " ".join(s.reasons) or "Alle kriterier opfyldt",
         "Reference": s.ref}
        for s in result.similar
    ]), hide_index=True, width="stretch")


def _consultation_form(principal: Principal, screening_id: int, ruleset_id: str) -> None:
    rs = ruleset_by_id(ruleset_id)
    pre_2025 = rs.consultation.mode == "hierarchy_statement"
    st.subheader("Registrér høringen")
    if pre_2025:
        st.caption("Før 1. juli 2025 (BAB § 99): TR for faggruppen på P-nummeret; findes der "
                   "ingen, den næste i hierarkiet. Et niveau må springes over ved fravær over "
                   "3 arbejdsdage. Fælles skriftlig tilkendegivelse før start.")
    else:
        st.caption("Fra 1. juli 2025: orientér TR på P-nummeret og drøft den praktiske "
                   "tilrettelæggelse.")
    sfx = f"{K}c{screening_id}_"
    with st.form(sfx + "form"):
        c1, c2 = st.columns(2)
        with c1:
            level = _select("Hørt på niveau", {k: v for k, v in CONSULTATION_LEVELS.items()
                                                if k != "none"}, sfx + "level")
        representative = c2.text_input("Hvem er hørt (navn og rolle)", key=sfx + "rep")
        skip = st.text_input("Begrundelse for sprunget niveau", key=sfx + "skip")
        c1, c2 = st.columns(2)
        consulted = c1.date_input("Høringsdato", value=None, format=DATE_FORMAT,
                                  key=sfx + "date", max_value=clock.today())
        with c2:
            outcome = _select("Udfald", {k: v for k, v in CONSULTATION_OUTCOMES.items()
                                         if k != "not_consulted"}, sfx + "outcome")
        statement_text = st.text_area("Tilkendegivelsens tekst / referat", key=sfx + "text")
        upload = st.file_uploader("Vedhæft skriftlig tilkendegivelse (PDF, PNG eller JPEG, "
                                  "højst 5 MB)", type=["pdf", "png", "jpg", "jpeg"],
                                  key=sfx + "file")
        upload_note("PDF, PNG eller JPEG")
        written = informed = discussed = False
        if pre_2025:
            written = st.checkbox("Fælles skriftlig tilkendegivelse foreligger", key=sfx + "w")
        else:
            informed = st.checkbox("TR er orienteret", key=sfx + "inf")
            discussed = st.checkbox("Den praktiske tilrettelæggelse er drøftet", key=sfx + "disc")
        submitted = st.form_submit_button("Gem høringen")
    if not submitted:
        return
    record = ConsultationRecord(
        level=level, outcome=outcome, representative=representative.strip() or None,
        skip_reason=skip.strip() or None, consulted_on=consulted, written_statement=written,
        statement_text=statement_text.strip() or None,
        informed=informed if not pre_2025 else None,
        practical_setup_discussed=discussed if not pre_2025 else None,
    )
    attachment = None
    if upload is not None:
        attachment = (upload.name, upload.type or "application/octet-stream", upload.getvalue())
    try:
        with db_session() as session:
            saved = svc.record_consultation(session, principal, screening_id, record,
                                            attachment=attachment)
    except (ConsultationError, ValueError, AccessDenied) as exc:
        st.error(str(exc))
        return
    st.session_state[CURRENT] = (saved.task_id, saved.screening_id)
    st.rerun()


def _decision(principal: Principal, screening_id: int) -> None:
    try:
        with db_session() as session:
            view = svc.decision_view(session, principal, screening_id)
    except (AccessDenied, svc.ScreeningNotFound) as exc:
        st.error(str(exc))
        return
    record = view.record
    stored = ScreeningResult(proposal=record.proposal, ruleset=record.ruleset,
                             policy=record.policy, criteria=record.criteria,
                             verdict=record.verdict,  # type: ignore[arg-type]
                             ratio=record.ratio, similar=view.similar)
    st.divider()
    st.text(f"{record.reference} · {record.proposal.title}")
    st.caption(f"Besluttet af {record.decided_by}, {fmt_datetime(record.decided_at)}"
               + (f" · erstatter {record.supersedes}" if record.supersedes else ""))
    _verdict_banner(stored)
    _criteria_table(stored)
    st.markdown("**Lignende tidligere afgørelser**")
    _similar(stored)
    c1, c2 = st.columns(2)
    c1.download_button("Hent skriftlig vurdering (PDF)", data=view.record_pdf,
                       file_name=f"vurdering_opgave_{record.task_id}_v{record.version}.pdf",
                       mime="application/pdf", key=f"{K}pdf_{screening_id}")
    if view.dispensation_pdf is not None:
        c2.download_button("Hent dispensationsansøgning (PDF)", data=view.dispensation_pdf,
                           file_name=f"dispensationsansoegning_opgave_{record.task_id}_"
                                     f"v{record.version}.pdf",
                           mime="application/pdf", key=f"{K}disp_{screening_id}")
    if view.attachment is not None:
        name, mime, data = view.attachment
        st.download_button(f"Hent vedhæftet tilkendegivelse ({name})", data=data,
                           file_name=name, mime=mime, key=f"{K}att_{screening_id}")
    _consultation_form(principal, screening_id, record.ruleset.id)


def render() -> None:
    principal = guard("opgavescreening")
    st.title("Opgavescreening")
    st.caption("Vurdér en opgave mod værnsreglerne. Afgørelsen følger faste regler: et "
               "kriterie, der ikke er opfyldt, afviser; uafklarede punkter giver 'Afklares'.")
    with db_session() as session:
        units = svc.units_for(session, principal)
        recent = svc.recent_decisions(session, principal, limit=200)
    options: dict[int, str] = {0: "Ny opgave"}
    options.update({r.task_id: f"Opgave {r.task_id}: {r.title} ({VERDICTS[r.verdict]}, "
                               f"v{r.version})" for r in recent})
    task_choice = st.selectbox("Opgave", list(options), format_func=lambda i: options[i],
                               key=K + "task", help="Vælg en tidligere opgave for at genvurdere "
                                                     "den; afgørelsen gemmes som en ny version.")
    task_id = task_choice or None
    defaults: dict[str, Any] = {}
    if task_id is not None:
        latest = next(r for r in recent if r.task_id == task_id)
        with db_session() as session:
            defaults = svc.decision_record(session, principal,
                                           latest.screening_id).proposal.model_dump()
    submitted = _form(principal, units, defaults, task_id)
    if submitted is not None:
        raw, unit_id = submitted
        try:
            with db_session() as session:
                saved = svc.screen_and_save(session, principal, raw, unit_id=unit_id,
                                            task_id=task_id)
            st.session_state[CURRENT] = (saved.task_id, saved.screening_id)
        except ProposalError as exc:
            _show_problems(exc)
        except (AccessDenied, svc.ScreeningNotFound, ValueError) as exc:
            st.error(str(exc))
    current: tuple[int, int] | None = st.session_state.get(CURRENT)
    if task_id is not None and (current is None or current[0] != task_id):
        # A task picked from the list shows its newest decision straight away.
        current = (task_id, next(r.screening_id for r in recent if r.task_id == task_id))
    if current is not None:
        _decision(principal, current[1])
    with st.expander("Seneste afgørelser"):
        if recent:
            st.dataframe(pd.DataFrame([
                {"Opgave": r.task_id, "Titel": r.title, "Version": r.version,
                 "Afgørelse": VERDICTS[r.verdict], "Regelsæt": r.ruleset_id,
                 "Besluttet af": r.decided_by,
                 "Tidspunkt": fmt_datetime(svc.local_time(r.decided_at))}
                for r in recent
            ]), hide_index=True, width="stretch")
        else:
            st.caption("Ingen afgørelser endnu.")

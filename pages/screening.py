"""Opgavescreening: the coordinator's form, the verdict, the TR consultation, the record.

The page reads widgets, calls one service in nytte.screening.service per action,
and renders. User text is shown with st.text / st.dataframe, never as HTML.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from nytte.core import clock
from nytte.core.auth import AccessDenied, Principal
from nytte.core.formats import fmt_date, fmt_datetime, fmt_pct
from nytte.core.textsafe import md_escape
from nytte.screening import service as svc
from nytte.screening.consultation import ConsultationError
from nytte.screening.documents import ConsultationRecord
from nytte.screening.engine import ScreeningResult
from nytte.screening.proposal import FIELD_LABELS, ProposalError, SkippedLevel
from nytte.screening.record_pdf import consultation_table
from nytte.screening.rulesets import RuleSet, load_rulesets, ruleset_for
from nytte.screening.vocabulary import (
    ANSWERS,
    BENEFICIARIES,
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    FREQUENCIES,
    HOST_EMPLOYERS,
    INDOOR_OUTDOOR,
    OTHERWISE_DONE_BY,
    PROFESSIONAL_AREAS,
    SEASONS,
    SKIP_GROUNDS,
    SOURCE_KINDS,
    STATUSES,
    VERDICTS,
    YES_NO,
)
from pages._ui.widgets import table_or_note
from pages.common import db_session, guard, upload_note

K = "scr_"  # session-state namespace of this page
CURRENT = K + "current_screening"
GEN = K + "new_form_generation"
PENDING = K + "select_task"
TOAST = K + "toast"
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


def _ruleset_on(day: date | None) -> RuleSet:
    """The rule set whose questions the form asks: the one in force on the start date
    entered (today's when none is entered yet, or the earliest for a date before it)."""
    sets = load_rulesets()
    if day is None:
        day = clock.today()
    if day < sets[0].valid_from:
        return sets[0]
    return ruleset_for(day)


def _skip_fields(sfx: str, d: dict[str, Any], rs: RuleSet) -> list[dict[str, Any]]:
    """One coded reason per level of the hierarchy that may be passed over."""
    given = {s.get("level"): s for s in d.get("consultation_skips") or []}
    grounds = {"": "Ikke sprunget over", **SKIP_GROUNDS}
    out: list[dict[str, Any]] = []
    st.markdown("**Sprungne niveauer** (kun niveauer over det hørte bruges)")
    for level in rs.consultation.hierarchy[:-1]:
        prev = given.get(level) or {}
        c1, c2, c3, c4 = st.columns([3, 2, 2, 3])
        ground = c1.selectbox(CONSULTATION_LEVELS[level], list(grounds),
                              index=list(grounds).index(prev.get("ground") or ""),
                              format_func=lambda g: grounds[g], key=f"{sfx}skip_{level}")
        first = c2.date_input("Fravær fra", value=_date(prev.get("absent_from")),
                              format=DATE_FORMAT, key=f"{sfx}skip_{level}_from")
        last = c3.date_input("Fravær til", value=_date(prev.get("absent_to")),
                             format=DATE_FORMAT, key=f"{sfx}skip_{level}_to")
        detail = c4.text_input("Uddybning", value=prev.get("detail") or "",
                               key=f"{sfx}skip_{level}_detail")
        if ground:
            out.append({"level": level, "ground": ground, "absent_from": first,
                        "absent_to": last, "detail": detail or None})
    return out


GROUP_LABEL = "Faggruppe"
GROUP_HELP = ("Den faggruppe, repræsentanten er valgt for (fx gartnere, 3F). Berører opgaven "
              "flere faggrupper, skal hver faggruppes repræsentant høres.")
COUNT_LABEL = "Faggrupper, opgaven berører"
COUNT_HELP = ("Én repræsentant pr. faggruppe, opgaven berører; hver af dem skal høres. "
              "Tilføj eller fjern en faggruppe med + og −.")


def _group_sfx(sfx: str, n: int) -> str:
    """The widget-key prefix of the n-th representative (the first keeps the form's)."""
    return sfx if n == 0 else f"{sfx}g{n}_"


def _group_defaults(d: dict[str, Any], n: int) -> dict[str, Any]:
    """The stored answers of the n-th group (the task-level ones without groups)."""
    groups = d.get("consultations") or []
    if groups:
        return dict(groups[n]) if n < len(groups) else {}
    return d if n == 0 else {}


def _group_count(d: dict[str, Any], key: str) -> int:
    """How many occupational groups (representatives) the consultation has: + adds one,
    − removes the last. Outside the form, so the rows follow at once."""
    stored = len(d.get("consultations") or []) or 1
    return int(st.number_input(COUNT_LABEL, min_value=1, max_value=10, value=stored, step=1,
                               key=key, help=COUNT_HELP))


def _only_skips_above(raw: dict[str, Any], rs: RuleSet) -> None:
    """Only the levels above the one heard were passed over."""
    level = raw.get("consultation_level")
    hierarchy = rs.consultation.hierarchy
    if level in hierarchy:
        above = set(hierarchy[: hierarchy.index(level)])
        raw["consultation_skips"] = [s for s in raw.get("consultation_skips", [])
                                     if s["level"] in above]
    else:
        raw["consultation_skips"] = []


def _one_group_fields(sfx: str, d: dict[str, Any], rs: RuleSet, n: int,
                      several: bool) -> dict[str, Any]:
    """The questions for one representative, as the rule set of the start date asks."""
    pre_2025 = rs.consultation.mode == "hierarchy_statement"
    if pre_2025:
        levels = {k: CONSULTATION_LEVELS[k] for k in
                  (*rs.consultation.hierarchy, "no_representative", "none")}
    else:
        levels = {"tr_p": CONSULTATION_LEVELS["tr_p"],
                  "no_representative": "Der er ingen TR på P-nummeret",
                  "none": "Ikke orienteret endnu"}
    if several:
        st.markdown(f"**Repræsentant {n + 1}**")
    group = st.text_input(GROUP_LABEL + ("" if several else " (valgfri ved én faggruppe)"),
                          value=d.get("group") or "", key=sfx + "group", max_chars=200,
                          help=GROUP_HELP)
    c1, c2 = st.columns(2)
    with c1:
        level = _select(FIELD_LABELS["consultation_level"], levels, sfx + "level",
                        d.get("consultation_level"))
    representative = c2.text_input(FIELD_LABELS["consultation_representative"],
                                   value=d.get("consultation_representative") or "",
                                   key=sfx + "rep", max_chars=200)
    c1, c2, c3 = st.columns(3)
    with c1:
        outcome = _select(FIELD_LABELS["consultation_outcome"], CONSULTATION_OUTCOMES,
                          sfx + "outcome", d.get("consultation_outcome"))
    consulted = c2.date_input(FIELD_LABELS["consultation_date"],
                              value=_date(d.get("consultation_date")), format=DATE_FORMAT,
                              key=sfx + "cdate")
    raw: dict[str, Any] = {"group": group.strip(), "consultation_level": level,
                           "consultation_outcome": outcome, "consultation_date": consulted,
                           "consultation_representative": representative}
    if pre_2025:
        with c3:
            raw["written_statement"] = _select(FIELD_LABELS["written_statement"], YES_NO,
                                               sfx + "statement", d.get("written_statement"))
        raw["consultation_skips"] = _skip_fields(sfx, d, rs)
        raw["consultation_skip_reason"] = st.text_input(
            "Uddybning af sprungne niveauer (valgfri)",
            value=d.get("consultation_skip_reason") or "", key=sfx + "skip")
    else:
        raw["written_statement"] = "no"
        c1, c2 = st.columns(2)
        with c1:
            raw["tr_informed"] = _radio(FIELD_LABELS["tr_informed"], ANSWERS,
                                        sfx + "informed", d.get("tr_informed"))
        with c2:
            raw["practical_setup_discussed"] = _radio(
                FIELD_LABELS["practical_setup_discussed"], ANSWERS, sfx + "discussed",
                d.get("practical_setup_discussed"))
    _only_skips_above(raw, rs)
    return raw


def _consultation_fields(sfx: str, d: dict[str, Any], rs: RuleSet,
                         count: int) -> dict[str, Any]:
    """The consultation questions of the rule set in force on the start date, once per
    occupational group the task touches."""
    st.subheader("Høring af tillidsrepræsentant" if count == 1
                  else f"Høring af tillidsrepræsentanter ({count} faggrupper)")
    if rs.consultation.mode == "hierarchy_statement":
        st.caption(f"Regelsæt {rs.id}: TR for faggruppen på P-nummeret; findes der ingen, "
                   "eller er repræsentanten fraværende over "
                   f"{rs.consultation.absence_working_days} arbejdsdage, den næste i "
                   "hierarkiet. Fælles skriftlig tilkendegivelse før start.")
    else:
        st.caption(f"Regelsæt {rs.id}: orientér TR på P-nummeret og drøft den praktiske "
                   "tilrettelæggelse.")
    st.caption("Hver faggruppes repræsentant skal høres; opgaven godkendes først, når "
               "alle er hørt, som reglerne kræver. Antallet af faggrupper vælges ved "
               "startdatoen øverst.")
    groups = []
    for n in range(count):
        if n:
            st.divider()
        groups.append(_one_group_fields(_group_sfx(sfx, n), _group_defaults(d, n), rs, n,
                                        count > 1))
    first = {k: v for k, v in groups[0].items() if k != "group"}
    if count == 1 and not groups[0]["group"]:
        return {**first, "consultations": []}
    # The task-level answers mirror the first group; the groups govern.
    return {**first, "consultations": groups}


def _form(principal: Principal, units: list[tuple[int, str]], defaults: dict[str, Any],
          task_id: int | None) -> tuple[dict[str, Any], int | None] | None:
    """The proposal form; returns (raw answers, unit id) when submitted."""
    d = defaults
    # A new task's form gets fresh keys after every saved task: it starts empty.
    gen = st.session_state.get(GEN, 0)
    sfx = f"{K}{task_id or f'new{gen}'}_"
    # The start date stands outside the form: changing it switches the consultation
    # questions to the rule set in force on that date.
    # So does the number of occupational groups: one set of questions for each.
    c1, c2 = st.columns(2)
    start = c1.date_input(FIELD_LABELS["start_date"], value=_date(d.get("start_date")),
                          format=DATE_FORMAT, key=sfx + "start",
                          help="Reglerne, der gælder på startdatoen, afgør vurderingen.")
    with c2:
        count = _group_count(d, sfx + "groups")
    rs = _ruleset_on(start)
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
        with c4:
            host = _select(FIELD_LABELS["host_employer"], HOST_EMPLOYERS, sfx + "host",
                           d.get("host_employer"))
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
                                    help="Kun når ansatte tidligere har udført opgaven")
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

        consultation = _consultation_fields(sfx, d, rs, count)
        submitted = st.form_submit_button("Vurdér og gem afgørelse", type="primary")
    if not submitted:
        return None

    def num(v: Any) -> int | None:
        return None if v is None else int(v)

    raw: dict[str, Any] = {
        "title": title, "description": description, "requesting_unit": requesting_unit,
        "p_number": p_number, "professional_area": area, "host_employer": host, **answers,
        "last_done_by_staff_year": num(last_year), "otherwise_done_by": otherwise,
        "frequency": frequency, "beneficiary": beneficiary, "physical_demand": demand,
        "indoor_outdoor": inout, "season": season, "ordinary_employees": num(employees),
        "participants_requested": num(requested), "participants_already_placed": num(placed),
        "start_date": start, **consultation,
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
         "Kildetype": SOURCE_KINDS.get(c.kind, SOURCE_KINDS["unverified"]),
         "Kilde": c.source}
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


def _recorded_group(sfx: str, rs: RuleSet, group: str, n: int,
                    several: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One representative's consultation in "Registrér høringen"."""
    pre_2025 = rs.consultation.mode == "hierarchy_statement"
    if several:
        st.markdown(f"**Repræsentant {n + 1}**")
    name = st.text_input(GROUP_LABEL + ("" if several else " (valgfri ved én faggruppe)"),
                         value=group, key=sfx + "group", max_chars=200, help=GROUP_HELP)
    c1, c2 = st.columns(2)
    levels = ({k: CONSULTATION_LEVELS[k] for k in
               (*rs.consultation.hierarchy, "no_representative")} if pre_2025 else
              {"tr_p": CONSULTATION_LEVELS["tr_p"],
               "no_representative": "Der er ingen TR på P-nummeret"})
    with c1:
        level = _select("Hørt på niveau", levels, sfx + "level")
    representative = c2.text_input("Hvem er hørt (navn og rolle)", key=sfx + "rep")
    skips: list[dict[str, Any]] = []
    skip = ""
    if pre_2025:
        skips = _skip_fields(sfx, {}, rs)
        skip = st.text_input("Uddybning af sprungne niveauer (valgfri)", key=sfx + "skip")
    c1, c2 = st.columns(2)
    consulted = c1.date_input("Høringsdato", value=None, format=DATE_FORMAT,
                              key=sfx + "date", max_value=clock.today())
    with c2:
        outcome = _select("Udfald", {k: v for k, v in CONSULTATION_OUTCOMES.items()
                                     if k != "not_consulted"}, sfx + "outcome")
    written = informed = discussed = False
    if pre_2025:
        written = st.checkbox("Fælles skriftlig tilkendegivelse foreligger", key=sfx + "w")
    else:
        informed = st.checkbox("TR er orienteret", key=sfx + "inf")
        discussed = st.checkbox("Den praktiske tilrettelæggelse er drøftet", key=sfx + "disc")
    answers = {"group": name.strip(), "level": level, "representative": representative,
               "skip": skip, "consulted": consulted, "outcome": outcome, "written": written,
               "informed": informed, "discussed": discussed}
    return answers, skips


def _consultation_form(principal: Principal, screening_id: int, rs: RuleSet,
                       groups: list[str]) -> None:
    """Record the consultation under the rule set stored with the decision: one
    representative per occupational group (``groups``: the decision's groups)."""
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
    count = _group_count({"consultations": groups}, sfx + "groups")
    with st.form(sfx + "form"):
        rows: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for n in range(count):
            if n:
                st.divider()
            rows.append(_recorded_group(_group_sfx(sfx, n), rs,
                                        groups[n] if n < len(groups) else "", n, count > 1))
        st.divider()
        statement_text = st.text_area("Tilkendegivelsens tekst / referat", key=sfx + "text")
        upload = st.file_uploader("Vedhæft skriftlig tilkendegivelse (PDF, PNG eller JPEG, "
                                  "højst 5 MB)", type=["pdf", "png", "jpg", "jpeg"],
                                  key=sfx + "file")
        upload_note("PDF, PNG eller JPEG")
        submitted = st.form_submit_button("Gem høringen")
    if not submitted:
        return
    records: list[ConsultationRecord] = []
    hierarchy = rs.consultation.hierarchy
    for n, (a, skips) in enumerate(rows):
        level = a["level"]
        above = set(hierarchy[: hierarchy.index(level)]) if level in hierarchy else set()
        try:
            coded = tuple(SkippedLevel.model_validate(s) for s in skips if s["level"] in above)
        except ValidationError:
            st.error("Angiv fraværets datoer som gyldige datoer"
                     + (f" (repræsentant {n + 1})." if count > 1 else "."))
            return
        records.append(ConsultationRecord(
            skips=coded, group=a["group"] or None,
            level=level, outcome="not_consulted" if level == "no_representative"
            else a["outcome"],
            representative=a["representative"].strip() or None,
            skip_reason=a["skip"].strip() or None, consulted_on=a["consulted"],
            written_statement=a["written"],
            # The shared minutes go with the first representative's row.
            statement_text=(statement_text.strip() or None) if n == 0 else None,
            informed=a["informed"] if not pre_2025 else None,
            practical_setup_discussed=a["discussed"] if not pre_2025 else None,
        ))
    attachment = None
    if upload is not None:
        attachment = (upload.name, upload.type or "application/octet-stream", upload.getvalue())
    try:
        with db_session() as session:
            saved = svc.record_consultation(session, principal, screening_id, records,
                                            attachment=attachment)
    except ProposalError as exc:
        _show_problems(exc)
        return
    except (ConsultationError, ValueError, AccessDenied) as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    st.session_state[CURRENT] = (saved.task_id, saved.screening_id)
    st.session_state[TOAST] = f"Høringen er gemt. Afgørelse: {VERDICTS[saved.result.verdict]}"
    st.rerun()


def _decision(principal: Principal, screening_id: int) -> None:
    try:
        with db_session() as session:
            view = svc.decision_view(session, principal, screening_id)
    except (AccessDenied, svc.ScreeningNotFound) as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    record = view.record
    stored = ScreeningResult(proposal=record.proposal, ruleset=record.ruleset,
                             policy=record.policy, criteria=record.criteria,
                             verdict=record.verdict,  # type: ignore[arg-type]
                             ratio=record.ratio, similar=view.similar)
    st.divider()
    st.text(f"{record.reference} · {record.proposal.title}")
    # decided_by comes from the login's name claim: shown as typed, never as Markdown.
    st.caption(f"Besluttet af {md_escape(record.decided_by)}, {fmt_datetime(record.decided_at)}"
               + (f" · erstatter {md_escape(str(record.supersedes))}"
                  if record.supersedes else ""))
    _verdict_banner(stored)
    _criteria_table(stored)
    st.markdown("**Høringen pr. faggruppe**" if record.proposal.consultations
                else "**Høringen**")
    # The same stored answers as the record's consultation block.
    st.dataframe(pd.DataFrame(consultation_table(record.proposal, record.ruleset)),
                 hide_index=True, width="stretch")
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
        st.download_button(f"Hent vedhæftet tilkendegivelse ({md_escape(name)})", data=data,
                           file_name=name, mime=mime, key=f"{K}att_{screening_id}")
    _consultation_form(principal, screening_id, record.ruleset,
                       [g.group for g in record.proposal.consultations])


def render() -> None:
    principal = guard("opgavescreening")
    st.title("Opgavescreening")
    st.caption("Vurdér en opgave mod værnsreglerne. Afgørelsen følger faste regler: et "
               "kriterie, der ikke er opfyldt, afviser; uafklarede punkter giver 'Afklares'.")
    with db_session() as session:
        units = svc.units_for(session, principal)
        recent = svc.recent_decisions(session, principal, limit=200)
    if PENDING in st.session_state:
        # A task just saved: select it (before the select box exists), so its decision
        # shows under the form, and the next "Ny opgave" gets an empty form.
        st.session_state[K + "task"] = st.session_state.pop(PENDING)
    toast = st.session_state.pop(TOAST, None)
    if toast:
        st.toast(toast)
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
            st.session_state[PENDING] = saved.task_id
            st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
            st.session_state[TOAST] = (f"Afgørelse for opgave {saved.task_id}: "
                                       f"{VERDICTS[saved.result.verdict]}")
        except ProposalError as exc:
            _show_problems(exc)
        except (AccessDenied, svc.ScreeningNotFound, ValueError) as exc:
            st.error(md_escape(str(exc)))  # may quote user or file text
        else:
            st.rerun()
    current: tuple[int, int] | None = st.session_state.get(CURRENT)
    if task_id is not None and (current is None or current[0] != task_id):
        # A task picked from the list shows its newest decision straight away.
        current = (task_id, next(r.screening_id for r in recent if r.task_id == task_id))
    if current is not None and task_id is not None:
        _decision(principal, current[1])
    with st.expander("Seneste afgørelser"):
        table_or_note([
            {"Opgave": r.task_id, "Titel": r.title, "Version": r.version,
             "Afgørelse": VERDICTS[r.verdict], "Regelsæt": r.ruleset_id,
             "Besluttet af": r.decided_by,
             "Tidspunkt": fmt_datetime(svc.local_time(r.decided_at))}
            for r in recent
        ], "Ingen afgørelser endnu.")

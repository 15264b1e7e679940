"""Administration: search the audit trail; export a participant's history (right of access)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nytte.admin.audit_log import (
    AuditFilter,
    audit_actions,
    audit_row_cells,
    export_audit_search,
    export_participant_history,
    search_audit,
)
from nytte.core.audit_text import ENTITY_LABELS, action_label, entity_label
from nytte.core.auth import AccessDenied, Principal
from nytte.core.config import RetentionSettings
from nytte.core.formats import fmt_int
from pages.common import db_session, guard, run_or_refuse

EXPORT_KEY = "nytte_admin_export"
AUDIT_EXPORT_KEY = "nytte_admin_audit_export"


def render() -> None:
    principal = guard("administration")
    st.title("Administration")
    trail, access, retention, national = st.tabs(
        ["Revisionsspor", "Indsigt for en deltager", "Opbevaring", "Landstal (Jobindsats)"])
    with national:
        from pages.council import jobindsats_admin

        jobindsats_admin(principal)
    with trail:
        _audit_search(principal)
    with access:
        _subject_access(principal)
    with retention:
        settings = RetentionSettings()
        st.write(
            f"Persondata anonymiseres {fmt_int(settings.months)} måneder efter, at en "
            "deltagers sidste forløb er afsluttet: sagsreferencen erstattes af et "
            "pseudonym, og noter slettes. Tallene i oversigterne ændres ikke."
        )
        st.code("python -m nytte retention --months 12", language="bash")
        st.caption("Kør kommandoen dagligt (cron). Perioden sættes med NYTTE_RETENTION_MONTHS.")


def _audit_search(principal: Principal) -> None:
    with db_session() as session:
        actions = audit_actions(session, principal)
    with st.form("audit_search"):
        c1, c2, c3 = st.columns(3)
        actor = c1.text_input("Bruger (del af bruger-id)", key="audit_actor")
        action = c2.selectbox("Hændelse", ["", *actions], key="audit_action",
                              format_func=lambda a: action_label(a) if a else "Alle hændelser")
        entity = c3.selectbox("Objekttype", ["", *ENTITY_LABELS], key="audit_entity",
                              format_func=lambda e: entity_label(e) if e else "Alle typer")
        c4, c5, c6, c7 = st.columns(4)
        entity_id = c4.text_input("Objekt-id", key="audit_entity_id")
        case_ref = c5.text_input("Sagsreference", key="audit_case_ref")
        date_from = c6.date_input("Fra (dd-mm-åååå)", value=None, format="DD-MM-YYYY",
                                  key="audit_from")
        date_to = c7.date_input("Til (dd-mm-åååå)", value=None, format="DD-MM-YYYY",
                                key="audit_to")
        if st.form_submit_button("Søg", type="primary"):
            st.session_state.pop(AUDIT_EXPORT_KEY, None)  # a new search: a new export
    flt = AuditFilter(actor, action or "", entity or "", entity_id, case_ref, date_from, date_to)
    rows = run_or_refuse(lambda s: search_audit(s, principal, flt), (LookupError, AccessDenied))
    if rows is None:
        return
    st.caption(f"{fmt_int(len(rows))} hændelse(r) (de nyeste først, højst 1.000). "
               "Tidspunkter i dansk tid.")
    if not rows:
        return
    cells = [audit_row_cells(r) for r in rows]
    table = pd.DataFrame(
        [{k: c[k] for k in ("Tidspunkt (dansk tid)", "Bruger", "Rolle", "Hændelse",
                            "Begrundelse")} for c in cells]
    )
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"Hændelse": st.column_config.TextColumn(width="large")},
    )
    if st.button("Eksportér resultatet (CSV)", key="audit_export"):
        with db_session() as session:
            st.session_state[AUDIT_EXPORT_KEY] = export_audit_search(session, principal, flt)
    if st.session_state.get(AUDIT_EXPORT_KEY):
        st.download_button(
            "Hent CSV", st.session_state[AUDIT_EXPORT_KEY], file_name="revisionsspor.csv",
            mime="text/csv", key="audit_download",
        )


def _subject_access(principal: Principal) -> None:
    st.write(
        "Udtræk alt, hvad Nytte har registreret om én deltager (henvisninger, fremmøde "
        "og revisionsspor), når borgeren beder om indsigt. Udtrækket registreres i "
        "revisionssporet."
    )
    with st.form("subject_access"):
        case_ref = st.text_input("Sagsreference", key="access_case_ref")
        submitted = st.form_submit_button("Lav udtræk", type="primary")
    if submitted:
        st.session_state.pop(EXPORT_KEY, None)
        if not case_ref.strip():
            st.error("Skriv deltagerens sagsreference.")
            return
        export = run_or_refuse(lambda s: export_participant_history(s, principal, case_ref),
                               (LookupError, AccessDenied))
        if export is None:
            return
        st.session_state[EXPORT_KEY] = export
    shown = st.session_state.get(EXPORT_KEY)
    if shown is not None:
        st.success(
            f"Udtræk klar: {fmt_int(shown.counts['referrals'])} henvisninger, "
            f"{fmt_int(shown.counts['attendance'])} fremmøderegistreringer, "
            f"{fmt_int(shown.counts['events'])} hændelser."
        )
        st.download_button(
            "Hent udtræk (zip)", shown.data, file_name=shown.filename,
            mime="application/zip", key="access_download",
        )

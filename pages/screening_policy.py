"""Screeningspolitik (admin): the municipality's versioned screening policy, and the
precedent file (export of the decision history, import of another municipality's)."""

from __future__ import annotations

import streamlit as st

from nytte.core import clock
from nytte.core.auth import AccessDenied, Role
from nytte.core.formats import fmt_datetime
from nytte.core.textsafe import md_escape
from nytte.screening import service as svc
from nytte.screening.policy import PolicyError
from nytte.screening.precedent import PrecedentFileError
from nytte.screening.rulesets import ruleset_for
from nytte.screening.vocabulary import PROFESSIONAL_AREAS, RECURRING_POLICIES
from pages._ui.widgets import table_or_note
from pages.common import db_session, guard, upload_note

K = "pol_"


def _policy_form() -> None:
    principal = guard("screeningpolitik")
    with db_session() as session:
        current = svc.current_policy(session, principal)
        versions = svc.policy_versions(session, principal)
    st.subheader("Kommunens politik")
    st.caption("Gentagne opgaver: Sorø afviser dem som drift; Fredensborg accepterer dem, når "
               "de ikke indgår i en driftsplan. Politikken gemmes som en ny version; tidligere "
               "afgørelser beholder den version, de blev truffet under.")
    with st.form(K + "form"):
        recurring = st.radio("Gentagne opgaver", list(RECURRING_POLICIES),
                             index=list(RECURRING_POLICIES).index(current.recurring),
                             format_func=lambda v: RECURRING_POLICIES[v], key=K + "rec")
        lookback = st.number_input("Antal år tilbage, hvor ansattes arbejde tæller som "
                                   "fortrængning", min_value=0, max_value=100, step=1,
                                   value=current.displacement_lookback_years, key=K + "years",
                                   help="Regnes tilbage fra opgavens startdato. Ansattes arbejde "
                                        "før grænsen godkendes kun, når grænsen er mindst "
                                        "regelsættets mindstegrænse "
                                        f"({ruleset_for(clock.today()).displacement.floor_years}"
                                        " år, efter KL's Vestvolden-eksempel); ellers "
                                        "afklares opgaven.")
        areas = st.multiselect("Enhedens fagområder", list(PROFESSIONAL_AREAS),
                               default=list(current.professional_areas),
                               format_func=lambda a: PROFESSIONAL_AREAS[a], key=K + "areas",
                               placeholder="Vælg fagområder")
        saved = st.form_submit_button("Gem ny version", type="primary")
    if saved:
        try:
            with db_session() as session:
                policy = svc.save_policy(session, principal, recurring=str(recurring),
                                         displacement_lookback_years=int(lookback),
                                         professional_areas=list(areas))
            st.success(f"Politikken er gemt som version {policy.version}.")
            st.rerun()
        except (PolicyError, AccessDenied) as exc:
            st.error(md_escape(str(exc)))  # may quote user or file text
    table_or_note([
        {"Version": v.version, "Gentagne opgaver": RECURRING_POLICIES[v.policy.recurring],
         "År tilbage": v.policy.displacement_lookback_years,
         "Fagområder": ", ".join(PROFESSIONAL_AREAS[a] for a in v.policy.professional_areas),
         "Oprettet af": v.created_by,
         "Tidspunkt": fmt_datetime(svc.local_time(v.created_at))}
        for v in versions
    ], "Ingen gemt politik endnu; standardpolitikken (streng, 10 år) gælder.")


def _precedent_files() -> None:
    principal = guard("screeningpolitik")
    st.subheader("Præcedens: del afgørelser med andre kommuner")
    with db_session() as session:
        exported = svc.export_precedent(session, principal)
    st.download_button("Hent kommunens afgørelser (JSON)", data=exported.encode("utf-8"),
                       file_name=f"praecedens_{principal.municipality_code}.json",
                       mime="application/json", key=K + "export")
    if principal.role not in (Role.ADMIN, Role.LEDER):
        return
    upload = st.file_uploader("Indlæs en anden kommunes præcedensfil", type=["json"],
                              key=K + "import")
    upload_note("JSON-fil fra en anden kommunes Nytte")
    if upload is not None and st.button("Indlæs", key=K + "import_btn"):
        try:
            with db_session() as session:
                result = svc.import_precedent(session, principal, upload.getvalue())
            st.success(f"{result.added} afgørelser indlæst; {result.already_known} var "
                       f"allerede kendt; {result.own_skipped} var kommunens egne.")
        except PrecedentFileError as exc:
            st.error("Filen er ikke indlæst:")
            st.text(str(exc))


def render() -> None:
    guard("screeningpolitik")
    st.title("Screeningspolitik")
    _policy_form()
    st.divider()
    _precedent_files()

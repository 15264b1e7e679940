"""Henvisninger: the referrals of the user's units, and correcting one of them.

The form remembers the version of the referral it was built from; saving sends
that version, so a second coordinator who saves an older version is told instead
of overwriting. If the database fails mid-save, the input stays on the screen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nytte.core import clock
from nytte.core.audit_guard import UnauditedWrite
from nytte.core.auth import AccessDenied, Principal
from nytte.core.concurrency import ConcurrentEditError, DatabaseUnavailable, saving
from nytte.core.formats import fmt_date, fmt_decimal
from nytte.core.reference import code_labels
from nytte.core.textsafe import md_escape
from nytte.referrals.service import (
    WEEKDAY_COLUMNS,
    InvalidInput,
    ReferralView,
    get_referral,
    list_referrals,
    update_referral,
)
from pages.common import db_session, guard

PAGE = "henvisninger"
SELECTED_KEY = "ref_selected"
DAY_LABELS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag")


def _version_key(referral_id: int) -> str:
    return f"ref_version_{referral_id}"


def _stale_key(referral_id: int) -> str:
    return f"ref_stale_{referral_id}"


def _field_key(referral_id: int, name: str) -> str:
    return f"ref_{referral_id}_{name}"


def render() -> None:
    principal = guard(PAGE)
    st.title("Henvisninger")
    today = clock.today()
    with db_session() as session:
        referrals = list_referrals(session, principal, active_on=today)
        outcomes = code_labels(session, "exit_outcome")
    st.caption(f"{len(referrals)} aktive henvisninger i dine enheder pr. {fmt_date(today)}.")
    if not referrals:
        return
    table = pd.DataFrame(
        [
            {
                "Sagsreference": r.case_ref,
                "Enhed": r.unit,
                "Hold": r.team or "",
                "Henvist": fmt_date(r.referred_on),
                "Forventet start": fmt_date(r.expected_start),
                "Timer pr. uge": fmt_decimal(r.weekly_hours, 2),
                "Sagsbehandler": r.caseworker_ref or "",
            }
            for r in referrals
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", height=260)
    by_id = {r.referral_id: r for r in referrals}
    chosen = st.selectbox(
        "Ret en henvisning",
        options=list(by_id),
        format_func=lambda i: f"{by_id[i].case_ref} · {by_id[i].unit}",
        index=None,
        placeholder="Vælg sagsreference …",
        key=SELECTED_KEY,
    )
    if chosen is None:
        return
    try:
        with db_session() as session:
            current = get_referral(session, principal, chosen)
    except AccessDenied as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    # The version this user's form is built from: kept until a save succeeds or the
    # user asks for the newest version, so a concurrent save by someone else shows.
    st.session_state.setdefault(_version_key(chosen), current.version)
    _edit_form(principal, current, outcomes)


def _edit_form(principal: Principal, view: ReferralView, outcomes: dict[str, str]) -> None:
    rid = view.referral_id
    stale = st.session_state.get(_stale_key(rid))
    if stale:
        st.error(stale)
        st.button("Hent nyeste version", key=f"ref_reload_{rid}", on_click=_forget, args=(rid,))
    with st.form(f"ref_form_{rid}"):
        st.subheader(md_escape(view.case_ref))
        st.text(f"{view.unit} · {view.team or 'intet hold'}")  # st.text: never Markdown
        c1, c2, c3 = st.columns(3)
        expected_start = c1.date_input(
            "Forventet start", value=view.expected_start, format="DD-MM-YYYY",
            key=_field_key(rid, "expected_start"),
        )
        ended_on = c2.date_input(
            "Afsluttet", value=view.ended_on, format="DD-MM-YYYY",
            key=_field_key(rid, "ended_on"),
        )
        codes = list(outcomes)
        exit_outcome = c3.selectbox(
            "Afgangsårsag", codes, format_func=lambda c: outcomes[c],
            index=codes.index(view.exit_outcome) if view.exit_outcome in codes else None,
            placeholder="Ikke afsluttet", key=_field_key(rid, "exit_outcome"),
        )
        cols = st.columns(5)
        hours = {
            col_name: cols[i].number_input(
                DAY_LABELS[i], min_value=0.0, max_value=12.0, step=0.25,
                value=view.hours[i], key=_field_key(rid, col_name),
            )
            for i, col_name in enumerate(WEEKDAY_COLUMNS)
        }
        caseworker = st.text_input(
            "Sagsbehandler (jobcenter)", value=view.caseworker_ref, max_chars=80,
            key=_field_key(rid, "caseworker_ref"),
        )
        submitted = st.form_submit_button("Gem ændringer", type="primary")
    if not submitted:
        return
    values = {
        "expected_start": expected_start,
        "ended_on": ended_on,
        "exit_outcome": exit_outcome,
        "caseworker_ref": caseworker,
        **hours,
    }
    try:
        with saving("Henvisningen"), db_session() as session:
            saved = update_referral(
                session, principal, rid, st.session_state[_version_key(rid)], values
            )
    except (InvalidInput, AccessDenied, UnauditedWrite) as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    except ConcurrentEditError as exc:
        st.session_state[_stale_key(rid)] = str(exc)
        st.rerun()
    except DatabaseUnavailable as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    st.session_state[_version_key(rid)] = saved.version
    st.success("Henvisningen er gemt.")


def _forget(referral_id: int) -> None:
    """Drop this form's remembered version and values so it reloads from the database."""
    prefix = f"ref_{referral_id}_"
    for key in list(st.session_state):
        if str(key).startswith(prefix) or key in (_version_key(referral_id),
                                                  _stale_key(referral_id)):
            del st.session_state[key]

"""Indlæs henvisninger: import referrals from the case system (CSV or Excel).

The whole file is checked first; if any row is wrong nothing is saved and every
problem is listed by row and field."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nytte.core.audit_guard import UnauditedWrite
from nytte.core.auth import AccessDenied
from nytte.core.formats import fmt_decimal, fmt_int
from nytte.core.textsafe import md_escape
from nytte.io.errors import MAX_LISTED, ImportRejected
from nytte.io.exports import to_csv_bytes
from nytte.io.reader import DEFAULT_LIMITS, MB
from nytte.referrals.imports import import_referrals
from pages.common import db_session, guard, upload_note

PAGE = "indlaes-henvisninger"
TEMPLATE_COLUMNS = ["sagsnr", "ydelsesgruppe", "visitationsgruppe", "køn", "fødselsår",
                    "enhed", "hold", "henvist", "forventet_start", "timer_pr_uge", "ugedage",
                    "sagsbehandler"]
TEMPLATE_ROW = {"sagsnr": "SAG-123456", "ydelsesgruppe": "kontanthjaelp",
                "visitationsgruppe": "jobparat", "køn": "K", "fødselsår": 1990,
                "enhed": "Service++", "hold": "", "henvist": "02-11-2026",
                "forventet_start": "09-11-2026", "timer_pr_uge": "25,5",
                "ugedage": "man,tir,ons,tor", "sagsbehandler": "Jobcenter"}


def render() -> None:
    principal = guard(PAGE)
    st.title("Indlæs henvisninger")
    st.write(
        "Indlæs listen over borgere, jobcentret har henvist, som CSV eller Excel (.xlsx). "
        "Hele filen kontrolleres først; er der fejl, gemmes intet, og alle fejl vises med "
        "række og felt. Filen må ikke indeholde CPR-numre, navne eller adresser."
    )
    st.download_button(
        "Hent skabelon (CSV)", to_csv_bytes([TEMPLATE_ROW], TEMPLATE_COLUMNS),
        file_name="henvisninger_skabelon.csv", mime="text/csv", key="import_template",
    )
    upload = st.file_uploader("Fil", type=["csv", "xlsx"], key="import_file")
    upload_note("CSV eller Excel (xlsx)")
    if upload is None:
        return
    if upload.size > DEFAULT_LIMITS.max_bytes:
        # Refused before the content is read.
        st.error(
            f"Filen er {fmt_decimal(upload.size / MB, 1)} MB; der kan højst indlæses "
            f"{fmt_decimal(DEFAULT_LIMITS.max_bytes / MB, 1)} MB ad gangen. Intet er gemt."
        )
        return
    if not st.button("Indlæs filen", type="primary", key="import_go"):
        return
    try:
        with db_session() as session:
            result = import_referrals(session, principal, upload.getvalue(), upload.name)
    except ImportRejected as exc:
        st.error(f"Filen blev ikke indlæst; intet er gemt. {fmt_int(len(exc.problems))} fejl:")
        shown = exc.problems[:MAX_LISTED]
        # st.table: plain text cells that print and can be read aloud (not a canvas).
        st.table(
            pd.DataFrame(
                [{"Række": str(p.row) if p.row is not None else "Filen",
                  "Felt": p.field or "–", "Fejl": p.message} for p in shown]
            ).set_index("Række")
        )
        if len(exc.problems) > len(shown):
            st.caption(f"… og {fmt_int(len(exc.problems) - len(shown))} fejl mere.")
        return
    except (AccessDenied, UnauditedWrite) as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        return
    st.success(
        f"{fmt_int(result.referrals)} henvisninger indlæst "
        f"({fmt_int(result.new_participants)} nye deltagere)."
    )

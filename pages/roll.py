"""Morgenregistrering: the morning roll for a unit or a team, the printable sign-in
sheet and the import of a paper roll."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from nytte.attendance.course_length import OK, OVER
from nytte.attendance.definitions import definition
from nytte.attendance.roll import (
    ABSENT,
    PRESENT,
    STATUS_LABELS,
    RollEntry,
    RollError,
    RollSheet,
    read_roll,
    roll_units,
    save_roll,
    sign_in_sheet_pdf,
)
from nytte.attendance.roll_import import COLUMNS, import_paper_roll
from nytte.auth import AccessDenied, Principal
from nytte.core import clock
from nytte.formats import fmt_date, fmt_int
from pages.common import db_session, guard

LABEL_TO_STATUS = {v: k for k, v in STATUS_LABELS.items()}
PREFIX = "fremmoede"


def _ctx(unit_id: int, team_id: int | None, day: date) -> str:
    return f"{unit_id}:{team_id}:{day.isoformat()}"


def _base_frame(sheet: RollSheet, all_present: bool, absent: dict[int, str]) -> pd.DataFrame:
    """The editor's starting values: what is registered, else (after «Alle mødt») present."""
    rows: list[dict[str, Any]] = []
    for line in sheet.lines:
        status = STATUS_LABELS.get(line.status or "")
        hours = line.hours
        reason = sheet.reasons.get(line.reason_code or "", line.reason_code)
        if line.attendance_id is None and all_present:
            status, hours, reason = STATUS_LABELS[PRESENT], line.expected_hours, None
        if line.referral_id in absent:
            status, hours, reason = STATUS_LABELS[ABSENT], 0.0, absent[line.referral_id]
        flag = f"Uge {line.course.week}" + (
            "" if line.course.level == OK else " ⛔" if line.course.level == OVER else " ⚠"
        )
        rows.append(
            {
                "Sagsnummer": line.case_ref,
                "Hold": line.team_name,
                "Forløb": flag,
                "Skema": line.expected_hours,
                "Status": status,
                "Timer": hours,
                "Fraværsårsag": reason,
                "Note": line.note,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "Sagsnummer",
            "Hold",
            "Forløb",
            "Skema",
            "Status",
            "Timer",
            "Fraværsårsag",
            "Note",
        ],
    )
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="Nr.")
    return frame


def _clean(value: Any) -> Any:
    """A missing cell (None or NaN) as None."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _entries(
    sheet: RollSheet, base: pd.DataFrame, edits: dict[str, Any]
) -> tuple[list[RollEntry], list[int]]:
    """Entries to save from the base frame plus the editor's edited_rows."""
    label_to_code = {v: k for k, v in sheet.reasons.items()}
    edited: dict[int, dict[str, Any]] = {
        int(k): v for k, v in (edits or {}).get("edited_rows", {}).items()
    }
    entries, rows = [], []
    for pos, line in enumerate(sheet.lines):
        values = {
            k: _clean(v) for k, v in {**base.iloc[pos].to_dict(), **edited.get(pos, {})}.items()
        }
        status = LABEL_TO_STATUS.get(values.get("Status") or "")
        if status is None:
            continue
        hours_raw = values.get("Timer")
        hours = None if hours_raw is None or pd.isna(hours_raw) else float(hours_raw)
        base_status = _clean(base.iloc[pos]["Status"])
        if (
            status == ABSENT
            and "Timer" not in edited.get(pos, {})
            and base_status != STATUS_LABELS[ABSENT]
        ):
            hours = None  # switched to absence: the hours follow (0)
        reason_label = values.get("Fraværsårsag")
        reason = label_to_code.get(reason_label, reason_label) if reason_label else None
        if (
            status == PRESENT
            and "Fraværsårsag" not in edited.get(pos, {})
            and base_status == (STATUS_LABELS[ABSENT])
        ):
            reason = None  # switched from absence to present: the absence reason goes
        entries.append(
            RollEntry(
                line.referral_id,
                status,
                hours,
                reason,
                str(values.get("Note") or ""),
                line.version,
            )
        )
        rows.append(pos + 1)
    return entries, rows


def _show_errors(exc: RollError) -> None:
    lines = exc.messages()
    st.error("Intet er gemt. Ret dette og gem igen:\n\n" + "\n".join(f"- {m}" for m in lines))


def _roll_tab(principal: Principal, sheet: RollSheet, ctx: str, today: date) -> None:
    gen_key, ap_key, abs_key = f"{PREFIX}:gen:{ctx}", f"{PREFIX}:all:{ctx}", f"{PREFIX}:abs:{ctx}"
    gen = st.session_state.get(gen_key, 0)
    absent: dict[int, str] = st.session_state.get(abs_key, {})
    unregistered = sum(1 for ln in sheet.lines if ln.attendance_id is None)
    c1, c2, c3 = st.columns(3)
    c1.metric("Forventede", fmt_int(len(sheet.lines)))
    c2.metric("Registreret", fmt_int(sheet.registered))
    c3.metric("Mangler", fmt_int(unregistered))
    flags = [ln for ln in sheet.lines if ln.course.level != OK]
    if flags:
        with st.expander(
            f"Forløbslængde: {len(flags)} deltager(e) nærmer sig eller er over grænsen"
        ):
            for ln in flags:
                st.write(f"{ln.case_ref}: {ln.course.message}")

    if st.button(
        "Alle mødt",
        key=f"{PREFIX}:allbtn:{ctx}",
        type="primary",
        disabled=unregistered == 0,
        help="Markér alle, der ikke er registreret, som mødt",
    ):
        st.session_state[ap_key] = True
        st.session_state[gen_key] = gen + 1
        st.rerun()

    label_by_ref = {ln.referral_id: ln.case_ref for ln in sheet.lines}
    with st.form(f"{PREFIX}:exc:{ctx}", clear_on_submit=True, border=True):
        st.caption("Undtagelser: vælg dem, der ikke er mødt, og årsagen")
        who = st.multiselect(
            "Fraværende",
            options=list(label_by_ref),
            format_func=lambda r: label_by_ref[r],
            key=f"{PREFIX}:who:{ctx}",
            placeholder="Vælg deltagere …",
        )
        why = st.selectbox("Årsag", options=list(sheet.reasons.values()), key=f"{PREFIX}:why:{ctx}")
        if st.form_submit_button("Sæt som fravær"):
            st.session_state[abs_key] = {**absent, **{r: why for r in who}}
            st.session_state[gen_key] = gen + 1
            st.rerun()

    base = _base_frame(sheet, bool(st.session_state.get(ap_key)), absent)
    editor_key = f"{PREFIX}:editor:{ctx}:{gen}"
    st.data_editor(
        base,
        key=editor_key,
        num_rows="fixed",
        width="stretch",
        height=min(38 + 35 * max(len(base), 1), 1000),
        disabled=["Sagsnummer", "Hold", "Forløb", "Skema"],
        column_config={
            "Forløb": st.column_config.TextColumn(help=definition("course_week").text),
            "Status": st.column_config.SelectboxColumn(options=list(LABEL_TO_STATUS)),
            "Timer": st.column_config.NumberColumn(
                min_value=0.0, max_value=24.0, step=0.25, format="localized"
            ),
            "Skema": st.column_config.NumberColumn(
                format="localized", help="Timer efter ugeskemaet"
            ),
            "Fraværsårsag": st.column_config.SelectboxColumn(options=list(sheet.reasons.values())),
            "Note": st.column_config.TextColumn(max_chars=500),
        },
    )
    reason = st.text_input(
        "Begrundelse for rettelse",
        key=f"{PREFIX}:reason:{ctx}",
        help="Kræves, når en registrering, der allerede er gemt, ændres (logges).",
    )
    if st.button("Gem fremmøde", key=f"{PREFIX}:save:{ctx}", type="primary"):
        entries, rows = _entries(sheet, base, st.session_state.get(editor_key, {}))
        if not entries:
            st.warning("Ingen er markeret endnu; tryk »Alle mødt« eller vælg status.")
            return
        try:
            with db_session() as session:
                result = save_roll(
                    session,
                    principal,
                    sheet.unit_id,
                    sheet.day,
                    entries,
                    today=today,
                    correction_reason=reason,
                    row_numbers=rows,
                )
        except RollError as exc:
            _show_errors(exc)
            return
        except AccessDenied as exc:
            st.error(str(exc))
            return
        for key in (ap_key, abs_key, f"{PREFIX}:reason:{ctx}"):
            st.session_state.pop(key, None)
        st.session_state[gen_key] = gen + 1
        st.session_state[f"{PREFIX}:flash"] = (
            f"Gemt: {fmt_int(result.created)} nye, {fmt_int(result.corrected)} rettet, "
            f"{fmt_int(result.unchanged)} uændret."
        )
        st.rerun()


def _import_tab(principal: Principal, unit_id: int, today: date) -> None:
    st.write(
        "Tast papirlisten ind i et regneark og gem som CSV med semikolon. Kolonner: "
        f"`{';'.join(COLUMNS)}`. Datoer som dd-mm-åååå, decimaltal med komma. Filen "
        "indlæses kun, hvis alle rækker er i orden."
    )
    upload = st.file_uploader("Papirliste (CSV)", type=["csv", "txt"], key=f"{PREFIX}:upload")
    reason = st.text_input(
        "Begrundelse, hvis filen retter allerede gemte registreringer", key=f"{PREFIX}:impreason"
    )
    if upload is not None and st.button("Importér", key=f"{PREFIX}:import"):
        try:
            with db_session() as session:
                result = import_paper_roll(
                    session,
                    principal,
                    unit_id,
                    upload.getvalue(),
                    today=today,
                    correction_reason=reason,
                )
        except RollError as exc:
            _show_errors(exc)
            return
        st.success(
            f"Importeret: {fmt_int(result.created)} nye, {fmt_int(result.corrected)} rettet, "
            f"{fmt_int(result.unchanged)} uændret."
        )


def render() -> None:
    principal = guard("fremmoede")
    st.title("Morgenregistrering")
    today = clock.today()
    with db_session() as session:
        units = roll_units(session, principal)
    if not units:
        st.info("Du har ingen enheder at registrere fremmøde for.")
        return
    c1, c2, c3 = st.columns([2, 2, 1])
    unit = c1.selectbox("Enhed", units, format_func=lambda u: u.name, key=f"{PREFIX}:unit")
    team_options: list[tuple[int | None, str]] = [(None, "Hele enheden"), *unit.teams]
    team_id, _ = c2.selectbox(
        "Hold", team_options, format_func=lambda t: t[1], key=f"{PREFIX}:team:{unit.unit_id}"
    )
    day = c3.date_input(
        "Dato", value=today, max_value=today, format="DD-MM-YYYY", key=f"{PREFIX}:day"
    )
    flash = st.session_state.pop(f"{PREFIX}:flash", None)
    if flash:
        st.success(flash)
    with db_session() as session:
        sheet = read_roll(session, principal, unit.unit_id, day, team_id)
    if sheet.closed:
        st.warning(
            f"{fmt_date(day)}: {sheet.closed}. Ingen forventes; der registreres ikke "
            "fremmøde på lukkede dage."
        )
    tab_roll, tab_pdf, tab_import = st.tabs(
        ["Registrering", "Mødeliste (PDF)", "Import af papirliste"]
    )
    with tab_roll:
        if sheet.lines:
            _roll_tab(principal, sheet, _ctx(unit.unit_id, team_id, day), today)
        elif not sheet.closed:
            st.info("Ingen deltagere forventes denne dag efter ugeskemaerne.")
    with tab_pdf:
        st.write(
            "Udskriv mødelisten, hvis tabletten ikke virker: én side pr. hold med "
            "underskriftskolonne."
        )

        def pdf_bytes() -> bytes:
            with db_session() as session:
                return sign_in_sheet_pdf(session, principal, unit.unit_id, day, team_id)

        st.download_button(
            "Hent mødeliste (PDF)",
            data=pdf_bytes,
            file_name=f"moedeliste-{day.isoformat()}.pdf",
            mime="application/pdf",
            key=f"{PREFIX}:pdf",
            on_click="ignore",
        )
    with tab_import:
        _import_tab(principal, unit.unit_id, today)

"""Morgenregistrering: the morning roll for a unit or a team, the printable sign-in
sheet and the import of a paper roll.

What is set on screen lives in the session state and, as a draft, on the server
(nytte/attendance/roll_draft.py): a server restart loses the session, and the roll
opened again with nothing on screen brings the draft back."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from nytte.attendance.course_length import OK, OVER
from nytte.attendance.roll import (
    ABSENT,
    PRESENT,
    STATUS_LABELS,
    RollEntry,
    RollError,
    RollSheet,
    opening_day,
    read_roll,
    roll_units,
    sign_in_sheet_pdf,
)
from nytte.attendance.roll_draft import (
    Draft,
    discard_draft,
    load_draft,
    save_draft,
    save_roll_and_discard_draft,
)
from nytte.attendance.roll_import import COLUMNS as IMPORT_COLUMNS
from nytte.attendance.roll_import import import_paper_roll
from nytte.core import clock
from nytte.core.auth import AccessDenied, Principal
from nytte.core.formats import fmt_date, fmt_int
from nytte.core.textsafe import md_escape
from nytte.kpis.attendance import definition
from pages.common import db_session, guard, read_or_last

log = logging.getLogger("nytte.pages.roll")

LABEL_TO_STATUS = {v: k for k, v in STATUS_LABELS.items()}
PREFIX = "fremmoede"
# The grid's columns, what a team leader fills in first (the name stays in view).
COLUMNS = [
    "Navn",
    "Status",
    "Timer",
    "Fraværsårsag",
    "Note",
    "Skema",
    "Forløb",
    "Hold",
    "Sagsnummer",
]
EDITABLE = ("Status", "Timer", "Fraværsårsag", "Note")
Overrides = dict[int, dict[str, Any]]  # roll line position -> the values set on screen


def _ctx(unit_id: int, team_id: int | None, day: date) -> str:
    return f"{unit_id}:{team_id}:{day.isoformat()}"


def _keys(ctx: str) -> tuple[str, str]:
    """Session keys of the grid's generation and of what was set on screen."""
    return f"{PREFIX}:gen:{ctx}", f"{PREFIX}:set:{ctx}"


def _draft_keys(ctx: str) -> tuple[str, str, str]:
    """Session keys of the server draft: looked for (once per roll), what was last
    written to it, and when the draft brought back was made (for the info line)."""
    return f"{PREFIX}:draft:seen:{ctx}", f"{PREFIX}:draft:written:{ctx}", \
        f"{PREFIX}:draft:restored:{ctx}"


def follow_status(change: dict[str, Any], expected: float) -> dict[str, Any]:
    """A status chosen in the grid brings its hours along (present: the schedule's hours,
    absent: 0) unless the hours were typed in the same edit; a participant marked
    present loses the absence reason. The hours stay editable afterwards."""
    out = dict(change)
    status = change.get("Status")
    if "Status" in change and "Timer" not in change:
        if status == STATUS_LABELS[PRESENT]:
            out["Timer"] = expected
        elif status == STATUS_LABELS[ABSENT]:
            out["Timer"] = 0.0
    if status == STATUS_LABELS[PRESENT] and "Fraværsårsag" not in change:
        out["Fraværsårsag"] = None
    return out


def fold_edits(
    overrides: Overrides, edited_rows: dict[Any, dict[str, Any]], expected: list[float]
) -> Overrides:
    """The grid's edited rows folded into what was set on screen before."""
    out = {k: dict(v) for k, v in overrides.items()}
    for k, change in (edited_rows or {}).items():
        pos = int(k)
        clean = {c: _clean(v) for c, v in change.items() if c in EDITABLE}
        out[pos] = {**out.get(pos, {}), **follow_status(clean, expected[pos])}
    return out


def _base_frame(sheet: RollSheet, overrides: Overrides) -> pd.DataFrame:
    """The grid's values: what is registered, with what was set on screen on top."""
    rows: list[dict[str, Any]] = []
    for pos, line in enumerate(sheet.lines):
        flag = f"Uge {line.course.week}" + (
            "" if line.course.level == OK else " ⛔" if line.course.level == OVER else " ⚠"
        )
        row: dict[str, Any] = {
            "Navn": line.name or line.case_ref,
            "Status": STATUS_LABELS.get(line.status or ""),
            "Timer": line.hours,
            "Fraværsårsag": (
                sheet.reasons.get(line.reason_code, line.reason_code) if line.reason_code else None
            ),
            "Note": line.note or "",
            "Skema": line.expected_hours,
            "Forløb": flag,
            "Hold": line.team_name,
            "Sagsnummer": line.case_ref,
        }
        row.update(overrides.get(pos, {}))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # Text columns as strings with missing values, so an empty cell shows empty.
    for col in ("Navn", "Status", "Fraværsårsag", "Note", "Forløb", "Hold", "Sagsnummer"):
        frame[col] = frame[col].astype("string")
    frame["Timer"] = frame["Timer"].astype("float64")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="Nr.")
    return frame


def _clean(value: Any) -> Any:
    """A missing cell (None, NaN or pandas' NA) as None."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _entries(
    sheet: RollSheet, base: pd.DataFrame, edits: dict[str, Any]
) -> tuple[list[RollEntry], list[int]]:
    """Entries to save: the grid's values plus any edit not yet folded in."""
    label_to_code = {v: k for k, v in sheet.reasons.items()}
    pending = fold_edits({}, (edits or {}).get("edited_rows", {}), list(base["Skema"]))
    entries, rows = [], []
    for pos, line in enumerate(sheet.lines):
        merged = {**base.iloc[pos].to_dict(), **pending.get(pos, {})}
        values = {k: _clean(v) for k, v in merged.items()}
        status = LABEL_TO_STATUS.get(values.get("Status") or "")
        if status is None:
            continue
        hours_raw = values.get("Timer")
        hours = None if hours_raw is None else float(hours_raw)
        reason_label = values.get("Fraværsårsag")
        reason = label_to_code.get(reason_label, reason_label) if reason_label else None
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


def draft_entries(sheet: RollSheet, overrides: Overrides) -> dict[int, dict[str, Any]]:
    """What was set on screen, as a draft: by referral id, in codes (not labels)."""
    label_to_code = {v: k for k, v in sheet.reasons.items()}
    out: dict[int, dict[str, Any]] = {}
    for pos, values in overrides.items():
        if not 0 <= pos < len(sheet.lines):
            continue
        entry: dict[str, Any] = {}
        if "Status" in values:
            entry["status"] = LABEL_TO_STATUS.get(_clean(values["Status"]) or "")
        if "Timer" in values:
            hours = _clean(values["Timer"])
            entry["hours"] = None if hours is None else float(hours)
        if "Fraværsårsag" in values:
            label = _clean(values["Fraværsårsag"])
            entry["reason_code"] = label_to_code.get(label, label) if label else None
        if "Note" in values:
            entry["note"] = str(_clean(values["Note"]) or "")
        if entry:
            out[sheet.lines[pos].referral_id] = entry
    return out


def overrides_from_draft(sheet: RollSheet, entries: dict[int, dict[str, Any]]) -> Overrides:
    """A draft as values set on screen, placed on the lines of the roll as it is now
    (a referral no longer on the roll is left out)."""
    position = {line.referral_id: pos for pos, line in enumerate(sheet.lines)}
    out: Overrides = {}
    for rid, entry in entries.items():
        pos = position.get(rid)
        if pos is None:
            continue
        values: dict[str, Any] = {}
        if "status" in entry:
            values["Status"] = STATUS_LABELS.get(entry["status"] or "")
        if "hours" in entry:
            values["Timer"] = entry["hours"]
        code = entry.get("reason_code")
        if "reason_code" in entry and (code is None or code in sheet.reasons):
            values["Fraværsårsag"] = sheet.reasons[code] if code else None
        if "note" in entry:
            values["Note"] = entry["note"]
        if values:
            out[pos] = values
    return out


def _write_draft(principal: Principal, sheet: RollSheet, ctx: str,
                 overrides: Overrides) -> None:
    """Keep what is on screen as the server draft, when it changed since last written.
    Best effort: without the database the session state still holds it."""
    _, written_key, _ = _draft_keys(ctx)
    if overrides == st.session_state.get(written_key, {}):
        return
    try:
        with db_session() as session:
            save_draft(session, principal, sheet.unit_id, sheet.team_id, sheet.day,
                       draft_entries(sheet, overrides))
    except Exception as exc:  # the roll on screen never depends on its draft
        log.warning("roll draft not written (%s): %s", type(exc).__name__, exc)
        return
    st.session_state[written_key] = {k: dict(v) for k, v in overrides.items()}


def _restore_draft(principal: Principal, sheet: RollSheet, ctx: str) -> None:
    """With nothing set on screen for this roll yet, bring the server draft back (once)."""
    _, set_key = _keys(ctx)
    seen_key, written_key, restored_key = _draft_keys(ctx)
    if st.session_state.get(seen_key) or set_key in st.session_state:
        return
    try:
        with db_session() as session:
            draft: Draft | None = load_draft(session, principal, sheet.unit_id,
                                             sheet.team_id, sheet.day)
    except Exception as exc:  # without the database, the roll opens as saved
        log.warning("roll draft not read (%s): %s", type(exc).__name__, exc)
        return
    st.session_state[seen_key] = True
    overrides = overrides_from_draft(sheet, draft.entries) if draft else {}
    if not overrides:
        return
    st.session_state[set_key] = overrides
    st.session_state[written_key] = {k: dict(v) for k, v in overrides.items()}
    st.session_state[restored_key] = draft.updated_at if draft else None


def _restored_line(restored: Any, today: date) -> str:
    shown = clock.to_danish(restored)
    when = f"kl. {shown:%H:%M}" if shown.date() == today else (
        f"{fmt_date(shown.date())} kl. {shown:%H:%M}")
    return (f"Din ikke-gemte registrering fra {when} er hentet frem. Tryk »Gem fremmøde« "
            "for at gemme den.")


def _forget_screen(ctx: str) -> None:
    """After a save or a discard: nothing is set on screen, and no draft is kept."""
    gen_key, set_key = _keys(ctx)
    _, written_key, restored_key = _draft_keys(ctx)
    for key in (set_key, restored_key, f"{PREFIX}:reason:{ctx}"):
        st.session_state.pop(key, None)
    st.session_state[written_key] = {}
    st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1


def _show_errors(exc: RollError) -> None:
    lines = exc.messages()
    # The messages quote cells of the file or the form: escaped, never read as Markdown.
    st.error("Intet er gemt. Ret dette og gem igen:\n\n"
             + "\n".join(f"- {md_escape(m)}" for m in lines))


def _on_grid_change(ctx: str, editor_key: str, expected: list[float]) -> None:
    """Fold the grid's edit into what was set on screen and draw the grid again, so a
    changed status shows its hours at once."""
    gen_key, set_key = _keys(ctx)
    edits = st.session_state.get(editor_key, {}) or {}
    st.session_state[set_key] = fold_edits(
        st.session_state.get(set_key, {}), edits.get("edited_rows", {}), expected
    )
    st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1


def _roll_tab(principal: Principal, sheet: RollSheet, ctx: str, today: date) -> None:
    gen_key, set_key = _keys(ctx)
    _restore_draft(principal, sheet, ctx)
    gen = st.session_state.get(gen_key, 0)
    overrides: Overrides = st.session_state.get(set_key, {})
    # Every change on screen (a grid edit, «Alle mødt», «Sæt som fravær») reruns the
    # page with new values: they are written to the draft here, in one place.
    _write_draft(principal, sheet, ctx, overrides)
    restored = st.session_state.get(_draft_keys(ctx)[2])
    if restored is not None:
        st.info(_restored_line(restored, today))
    unregistered = [
        pos
        for pos, ln in enumerate(sheet.lines)
        if ln.attendance_id is None and "Status" not in overrides.get(pos, {})
    ]
    missing = sum(
        1
        for pos, ln in enumerate(sheet.lines)
        if ln.attendance_id is None and not overrides.get(pos, {}).get("Status")
    )
    st.markdown(
        f"**Forventede** {fmt_int(len(sheet.lines))} · **Registreret** "
        f"{fmt_int(sheet.registered)} · **Mangler** {fmt_int(missing)}",
        help="Forventede: deltagere med timer i ugeskemaet i dag. Registreret: gemt i "
        "Nytte. Mangler: endnu uden status (heller ikke valgt på skærmen).",
    )
    flags = [ln for ln in sheet.lines if ln.course.level != OK]
    if flags:
        with st.expander(
            f"Forløbslængde: {len(flags)} deltager(e) nærmer sig eller er over grænsen"
        ):
            for ln in flags:
                st.write(f"{md_escape(ln.name or ln.case_ref)} ({md_escape(ln.case_ref)}): "
                         f"{ln.course.message}")

    if st.button(
        "Alle mødt",
        key=f"{PREFIX}:allbtn:{ctx}",
        type="primary",
        disabled=not unregistered,
        help="Markér alle, der ikke er registreret, som mødt med skemaets timer "
        "(gemmes først, når du trykker »Gem fremmøde«)",
    ):
        st.session_state[set_key] = {
            **overrides,
            **{
                pos: {
                    "Status": STATUS_LABELS[PRESENT],
                    "Timer": sheet.lines[pos].expected_hours,
                    "Fraværsårsag": None,
                }
                for pos in unregistered
            },
        }
        st.session_state[gen_key] = gen + 1
        st.rerun()

    # Absences: tap each absent person (no "select all": one tap marks one person).
    names = {pos: ln.name or ln.case_ref for pos, ln in enumerate(sheet.lines)}
    with st.form(f"{PREFIX}:exc:{ctx}", clear_on_submit=True, border=True):
        who = st.pills(
            "Fraværende: tryk på dem, der ikke er mødt",
            options=list(names),
            format_func=lambda pos: names[pos],
            selection_mode="multi",
            key=f"{PREFIX}:who:{ctx}",
        )
        why = st.selectbox("Årsag", options=list(sheet.reasons.values()), key=f"{PREFIX}:why:{ctx}")
        if st.form_submit_button("Sæt som fravær"):
            if who:
                st.session_state[set_key] = {
                    **overrides,
                    **{
                        pos: {
                            **overrides.get(pos, {}),
                            "Status": STATUS_LABELS[ABSENT],
                            "Timer": 0.0,
                            "Fraværsårsag": why,
                        }
                        for pos in who
                    },
                }
                st.session_state[gen_key] = gen + 1
            st.rerun()

    base = _base_frame(sheet, overrides)
    editor_key = f"{PREFIX}:editor:{ctx}:{gen}"
    st.data_editor(
        base,
        key=editor_key,
        num_rows="fixed",
        width="stretch",
        height=min(38 + 35 * max(len(base), 1), 1000),
        disabled=["Navn", "Sagsnummer", "Hold", "Forløb", "Skema"],
        placeholder="",  # an empty cell shows empty (Streamlit's default is "None")
        on_change=_on_grid_change,
        args=(ctx, editor_key, [ln.expected_hours for ln in sheet.lines]),
        column_config={
            "Navn": st.column_config.TextColumn(
                pinned=True, help="Navn (kaldenavn) fra sagssystemet; ellers sagsnummeret"
            ),
            "Status": st.column_config.SelectboxColumn(
                options=list(LABEL_TO_STATUS),
                help="Mødt giver skemaets timer, Fravær 0 timer; timerne kan rettes bagefter",
            ),
            "Timer": st.column_config.NumberColumn(
                min_value=0.0,
                max_value=24.0,
                step=0.25,
                format="localized",
                help="Timer deltageren var der i dag",
            ),
            "Skema": st.column_config.NumberColumn(
                format="localized", help="Timer efter ugeskemaet"
            ),
            "Forløb": st.column_config.TextColumn(help=definition("course_week").text),
            "Fraværsårsag": st.column_config.SelectboxColumn(
                options=list(sheet.reasons.values()), help="Kræves ved fravær"
            ),
            "Note": st.column_config.TextColumn(max_chars=500),
        },
    )
    reason = st.text_input(
        "Begrundelse for rettelse",
        key=f"{PREFIX}:reason:{ctx}",
        help="Kræves, når en registrering, der allerede er gemt, ændres (logges).",
    )
    save = st.button("Gem fremmøde", key=f"{PREFIX}:save:{ctx}", type="primary")
    if overrides and st.button(
        "Kassér kladde",
        key=f"{PREFIX}:discard:{ctx}",
        help="Glem det, der er valgt på skærmen og ikke gemt (også kladden, Nytte har "
        "gemt af det). Det, der allerede er gemt, ændres ikke.",
    ):
        try:
            with db_session() as session:
                discard_draft(session, principal, sheet.unit_id, sheet.team_id, sheet.day)
        except Exception as exc:  # the screen is cleared anyway; retention removes it
            log.warning("roll draft not discarded (%s): %s", type(exc).__name__, exc)
        _forget_screen(ctx)
        st.rerun()
    if save:
        entries, rows = _entries(sheet, base, st.session_state.get(editor_key, {}))
        if not entries:
            st.warning("Ingen er markeret endnu; tryk »Alle mødt« eller vælg status.")
            return
        try:
            with db_session() as session:
                result = save_roll_and_discard_draft(
                    session,
                    principal,
                    sheet.unit_id,
                    sheet.team_id,
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
            st.error(md_escape(str(exc)))  # may quote user or file text
            return
        _forget_screen(ctx)
        st.session_state[f"{PREFIX}:flash"] = (
            f"Gemt: {fmt_int(result.created)} nye, {fmt_int(result.corrected)} rettet, "
            f"{fmt_int(result.unchanged)} uændret."
        )
        st.rerun()


def _import_tab(principal: Principal, unit_id: int, today: date) -> None:
    st.write(
        "Tast papirlisten ind i et regneark og gem som CSV med semikolon. Kolonner: "
        f"`{';'.join(IMPORT_COLUMNS)}`. Datoer som dd-mm-åååå, decimaltal med komma. Filen "
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
    # Read through read_or_last: during a database outage the roll being typed stays
    # on the screen (drawn from this session's last read) and can be saved afterwards.
    units = read_or_last("roll_units", lambda session: roll_units(session, principal))
    if not units:
        st.info("Du har ingen enheder at registrere fremmøde for.")
        return
    c1, c2, c3 = st.columns([2, 2, 1])
    unit = c1.selectbox("Enhed", units, format_func=lambda u: u.name, key=f"{PREFIX}:unit")
    team_options: list[tuple[int | None, str]] = [(None, "Hele enheden"), *unit.teams]
    team_id, _ = c2.selectbox(
        "Hold", team_options, format_func=lambda t: t[1], key=f"{PREFIX}:team:{unit.unit_id}"
    )
    opening = read_or_last(
        f"roll_opening:{unit.unit_id}:{today.isoformat()}",
        lambda session: opening_day(session, principal, unit.unit_id, today),
    )
    day = c3.date_input(
        "Dato", value=opening.day, max_value=today, format="DD-MM-YYYY", key=f"{PREFIX}:day"
    )
    note = opening.note(today)
    if note and day == opening.day:
        st.info(note)
    flash = st.session_state.pop(f"{PREFIX}:flash", None)
    if flash:
        st.success(flash)
    sheet = read_or_last(
        f"roll_sheet:{_ctx(unit.unit_id, team_id, day)}",
        lambda session: read_roll(session, principal, unit.unit_id, day, team_id),
    )
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

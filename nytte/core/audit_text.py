"""The audit trail in words: one Danish sentence per event, for the administrator's
search, its CSV export and a citizen's access request.

Events are stored with technical codes (action, entity, JSON details) so they can be
searched exactly; people read them as sentences. An action this module does not know
yet still gets a Danish sentence (never its code), naming the kind of object."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from nytte.core import clock
from nytte.core.auth import ROLE_LABELS, Role
from nytte.core.formats import fmt_date, fmt_datetime, fmt_int

ENTITY_LABELS: dict[str, str] = {
    "attendance": "fremmøderegistrering",
    "roll": "morgenregistrering",
    "absence_notices": "fraværsmeddelelser",
    "referral": "henvisning",
    "referral_file": "fil med henvisninger",
    "participant": "deltager",
    "screening": "opgavescreening",
    "municipal_policy": "screeningspolitik",
    "precedent_import": "afgørelser fra andre kommuner",
    "audit_event": "revisionsspor",
    "task": "opgave",
}

ACTION_LABELS: dict[str, str] = {
    "attendance.registered": "Fremmøde registreret",
    "attendance.corrected": "Fremmøde rettet",
    "absence_notices.exported": "Fraværsmeddelelser eksporteret",
    "update": "Henvisning rettet",
    "import": "Fil med henvisninger indlæst",
    "import_create": "Henvisning oprettet ved import",
    "follow_up_imported": "Opfølgning på afgange indlæst",
    "screening.create": "Opgave vurderet",
    "policy.create": "Screeningspolitik gemt",
    "precedent.import": "Afgørelser fra andre kommuner indlæst",
    "export_audit": "Revisionsspor eksporteret",
    "export_personal_data": "Indsigtsudtræk lavet",
    "retention_anonymise": "Deltager anonymiseret",
}

FIELD_LABELS: dict[str, str] = {
    "status": "status",
    "hours": "timer",
    "expected_hours": "forventede timer",
    "reason_code": "fraværsårsag",
    "note": "note",
    "day": "dato",
    "team_id": "hold",
    "unit_id": "enhed",
    "referred_on": "henvist",
    "expected_start": "forventet start",
    "ended_on": "afsluttet",
    "exit_outcome": "afgangsårsag",
    "mon_hours": "timer mandag",
    "tue_hours": "timer tirsdag",
    "wed_hours": "timer onsdag",
    "thu_hours": "timer torsdag",
    "fri_hours": "timer fredag",
    "benefit_group": "ydelsesgruppe",
    "rows": "rækker",
    "version": "version",
    "verdict": "afgørelse",
    "task_id": "opgave",
    "format": "format",
}

VALUE_LABELS: dict[str, str] = {
    "present": "mødt",
    "absent": "fraværende",
    "approve": "godkendes",
    "clarify": "afklares",
    "reject": "afvises",
}


def action_label(action: str) -> str:
    """A Danish name for an action code (for the search filter)."""
    return ACTION_LABELS.get(action, "Anden hændelse")


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, "objekt")


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return "System"


def danish_time(value: datetime) -> str:
    """A stored timestamp (UTC) as Danish time, '02-03-2026 08:15'."""
    return fmt_datetime(clock.to_danish(value))


def _value(value: Any) -> str:
    if value is None or value == "":
        return "tom"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        return fmt_int(value) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")
    if isinstance(value, str):
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:
            return VALUE_LABELS.get(value, value)
    if isinstance(value, list | tuple):
        return f"{fmt_int(len(value))} stk."
    if isinstance(value, dict):
        return f"{fmt_int(len(value))} felter"
    return str(value)


def describe_values(values: Mapping[str, Any] | None) -> str:
    """Stored details as 'felt: værdi; …' with Danish field names (no JSON)."""
    if not values:
        return ""
    return "; ".join(f"{FIELD_LABELS.get(k, k.replace('_', ' '))}: {_value(v)}"
                     for k, v in values.items())


def _changed(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    if not new:
        return ""
    parts = []
    for key, value in new.items():
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        if old and key in old and old[key] != value:
            parts.append(f"{label} fra {_value(old[key])} til {_value(value)}")
        else:
            parts.append(f"{label} til {_value(value)}")
    return ": " + ", ".join(parts)


def _n(new: Mapping[str, Any], key: str) -> str:
    return fmt_int(new.get(key) or 0)


def _roll(entity_id: str, new: Mapping[str, Any], old: Mapping[str, Any]) -> str:
    day = _value(new.get("day")) if new.get("day") else "en dag"
    unit = entity_id.split(":", 1)[0] if ":" in entity_id else ""
    where = f" i enhed nr. {unit}" if unit else ""
    if "rows" in new:
        return (f"Registrerede fremmøde for {day}{where}: {_n(new, 'rows')} personer, "
                f"{_n(new, 'present')} mødt.")
    return f"Registrerede fremmøde{where} (registrering nr. {entity_id})."


def _screening(entity_id: str, new: Mapping[str, Any], old: Mapping[str, Any]) -> str:
    verdict = VALUE_LABELS.get(str(new.get("verdict")), "uden afgørelse")
    again = " (genvurdering)" if new.get("supersedes_id") else ""
    return (f"Vurderede opgave nr. {new.get('task_id', '?')}{again}, version "
            f"{new.get('version', '?')}: {verdict}.")


_SENTENCES: dict[str, Callable[[str, Mapping[str, Any], Mapping[str, Any]], str]] = {
    "attendance.registered": _roll,
    "attendance.corrected": lambda i, n, o: (
        f"Rettede fremmøderegistrering nr. {i} for {_value(o.get('day'))}"
        f"{_changed(o, {k: v for k, v in n.items() if k != 'day'})}."),
    "absence_notices.exported": lambda i, n, o: (
        f"Eksporterede fraværsmeddelelser for {i.replace('..', ' til ')}"
        f" ({_n(n, 'rows')} rækker)." if ".." in i else
        f"Eksporterede fraværsmeddelelser ({_n(n, 'rows')} rækker)."),
    "update": lambda i, n, o: f"Rettede henvisning nr. {i}{_changed(o, n)}.",
    "import": lambda i, n, o: (
        f"Indlæste en fil med henvisninger: {_n(n, 'rows')} rækker, "
        f"{_n(n, 'new_participants')} nye deltagere."),
    "import_create": lambda i, n, o: (
        f"Oprettede henvisning nr. {i} ved import (henvist {_value(n.get('referred_on'))}, "
        f"forventet start {_value(n.get('expected_start'))})."),
    "follow_up_imported": lambda i, n, o: (
        f"Indlæste opfølgning på afgange: {_n(n, 'saved')} af {_n(n, 'rows')} rækker gemt."),
    "screening.create": _screening,
    "policy.create": lambda i, n, o: "Gemte en ny version af kommunens screeningspolitik.",
    "precedent.import": lambda i, n, o: (
        f"Indlæste afgørelser fra andre kommuner: {_n(n, 'added')} nye, "
        f"{_n(n, 'already_known')} kendte, {_n(n, 'own_skipped')} egne sprunget over."),
    "export_audit": lambda i, n, o: (
        f"Eksporterede {_n(n, 'rows')} hændelser fra revisionssporet."),
    "export_personal_data": lambda i, n, o: (
        f"Lavede indsigtsudtræk for deltager nr. {i}: {_n(n, 'referrals')} henvisninger, "
        f"{_n(n, 'attendance')} fremmøderegistreringer, {_n(n, 'events')} hændelser."),
    "retention_anonymise": lambda i, n, o: (
        f"Anonymiserede deltager nr. {i}, fordi opbevaringsperioden var udløbet."),
}


def describe(action: str, entity: str, entity_id: str,
             old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    """One Danish sentence for an audit event."""
    sentence = _SENTENCES.get(action)
    if sentence is not None:
        try:
            return sentence(entity_id or "", new or {}, old or {})
        except (TypeError, ValueError, AttributeError):
            pass  # details of an older shape: fall back to the general sentence
    what = entity_label(entity)
    ident = f" nr. {entity_id}" if entity_id else ""
    details = describe_values(new)
    return f"{action_label(action)}: {what}{ident}" + (f" ({details})." if details else ".")

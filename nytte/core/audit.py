"""Writing audit events. Every service that writes calls `record` in the same
transaction as the change, so a change and its event commit or fail together.

An event says who changed what (ids, field names, codes, numbers) but never holds
free text or a caseworker in clear: such values are replaced by FREE_TEXT_MARKER and
kept in an AuditNote, which retention blanks when the person is anonymised. The same
goes for the reason of a change about a person."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nytte.core.auth import Principal
from nytte.models import AuditEvent, AuditNote

# Fields whose values are free text or identify a person or a caseworker.
FREE_TEXT_FIELDS = frozenset({
    "note", "caseworker_ref", "caseworker", "case_ref", "correction_reason", "comment",
    "first_name", "last_name", "name", "names", "full_name", "given_name", "family_name",
    "statement", "description", "free_text",
})
FREE_TEXT_MARKER = "[fritekst]"


def _split(
    values: dict[str, Any] | None, side: str, notes: list[tuple[str, str]]
) -> dict[str, Any] | None:
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in FREE_TEXT_FIELDS and isinstance(value, str) and value.strip():
            notes.append((f"{side}.{key}", value))
            out[key] = FREE_TEXT_MARKER
        elif isinstance(value, dict):  # e.g. a search filter holding a case reference
            out[key] = _split(value, f"{side}.{key}", notes)
        else:
            out[key] = value
    return out


def record(
    session: Session,
    principal: Principal,
    action: str,
    entity: str,
    entity_id: object = "",
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    municipality_code: str | None = None,
    participant_id: int | None = None,
    reason: str = "",
) -> AuditEvent:
    notes: list[tuple[str, str]] = []
    old_kept = _split(old, "old", notes)
    new_kept = _split(new, "new", notes)
    if participant_id is not None and reason.strip():
        notes.append(("reason", reason))
        reason = FREE_TEXT_MARKER
    event = AuditEvent(
        actor=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        municipality_code=municipality_code or principal.municipality_code,
        participant_id=participant_id,
        reason=reason,
        old=old_kept,
        new=new_kept,
    )
    event.notes = [
        AuditNote(participant_id=participant_id, key=key, text=text[:500])
        for key, text in notes
    ]
    session.add(event)
    return event


def shown(event: AuditEvent) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """(reason, old, new) of ``event`` with its free text put back for display (what
    retention has blanked shows as the marker)."""
    texts = {n.key: n.text for n in event.notes if n.text}
    reason = texts.get("reason", event.reason) if event.reason == FREE_TEXT_MARKER else (
        event.reason
    )

    def side(values: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
        if values is None:
            return None
        return {
            k: texts.get(f"{name}.{k}", v) if v == FREE_TEXT_MARKER
            else side(v, f"{name}.{k}") if isinstance(v, dict) else v
            for k, v in values.items()
        }

    return reason, side(event.old, "old"), side(event.new, "new")

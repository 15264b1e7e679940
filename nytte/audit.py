"""Writing audit events. Every service that writes calls `record` in the same
transaction as the change, so a change and its event commit or fail together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nytte.auth import Principal
from nytte.models import AuditEvent


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
    event = AuditEvent(
        actor=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        municipality_code=municipality_code or principal.municipality_code,
        participant_id=participant_id,
        reason=reason,
        old=old,
        new=new,
    )
    session.add(event)
    return event

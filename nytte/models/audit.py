"""The audit trail: append-only events for every write (who, when, what, old, new).

On PostgreSQL a trigger (migration 0001) refuses UPDATE and DELETE on this table, and
the application's database role may only insert and read it (nytte.core.db_roles).

Events never carry free text in clear: a note, a caseworker or a correction's reason
is replaced in the event by a marker, and the text itself goes to `audit_note`, a
row that retention can blank when the person is anonymised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nytte.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    participant_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The writing transaction (PostgreSQL txid_current(), set by a trigger the app's
    # role cannot change): the database refuses to commit a write to an audited table
    # in a transaction without an event (nytte.core.db_roles). NULL on SQLite.
    tx_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    notes: Mapped[list[AuditNote]] = relationship(back_populates="event", lazy="selectin")

    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
        Index("ix_audit_event_participant", "participant_id"),
        Index("ix_audit_event_tx_id", "tx_id"),
    )


class AuditNote(Base):
    """A free-text value of an audit event, kept apart so retention can blank it.

    key is where the text belonged in the event: "reason", "old.note",
    "new.caseworker_ref", ...; the event itself holds a marker there."""

    __tablename__ = "audit_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(500), default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    event: Mapped[AuditEvent] = relationship(back_populates="notes")

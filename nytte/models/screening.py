"""Tables of the task screening beyond the foundation's.

- PrecedentImport: decisions another municipality shared as a precedent file; they
  join the importing municipality's precedent search but are never its own decisions.
- ConsultationAttachment: the written statement as an attached file (PDF, scan).
- RuleSetVersion: the full content of a rule set as it was when a decision was made;
  a decision's record is rendered from it, never from the current YAML file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from nytte.models.base import Base, utcnow


class PrecedentImport(Base):
    __tablename__ = "precedent_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    source_ref: Mapped[str] = mapped_column(String(80))
    source_municipality: Mapped[str] = mapped_column(String(4))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ruleset_id: Mapped[str] = mapped_column(String(60), default="")
    decided_at: Mapped[str] = mapped_column(String(32), default="")
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (Unique("municipality_code", "source_ref"),)


class ConsultationAttachment(Base):
    __tablename__ = "consultation_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id"), index=True, unique=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RuleSetVersion(Base):
    """An immutable copy of one rule set's content, shared by every decision made
    while the rule-set file had exactly this content (identified by its hash)."""

    __tablename__ = "ruleset_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(60), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""trust: free text of audit events apart (audit_note), the writing transaction of
each event (audit_event.tx_id)

The database-side rules that use tx_id (an event must accompany every write to an
audited table; tx_id is set by the database) are installed by `nytte migrate`
after the migrations (nytte.core.db_roles), so that tables added by later migrations are
covered too.

Revision ID: 0009_trust
Revises: 0007_participant_names
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_trust"
down_revision: str | None = "0007_participant_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not batch_alter_table: on SQLite that copies audit_event and loses its
    # append-only triggers; a plain ADD COLUMN keeps them.
    op.add_column("audit_event", sa.Column("tx_id", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_event_tx_id", "audit_event", ["tx_id"])
    op.create_table(
        "audit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["audit_event.id"],
                                name="fk_audit_note_event_id_audit_event"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_note"),
    )
    op.create_index("ix_audit_note_event_id", "audit_note", ["event_id"])
    op.create_index("ix_audit_note_participant_id", "audit_note", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_note_participant_id", table_name="audit_note")
    op.drop_index("ix_audit_note_event_id", table_name="audit_note")
    op.drop_table("audit_note")
    op.drop_index("ix_audit_event_tx_id", table_name="audit_event")
    op.drop_column("audit_event", "tx_id")

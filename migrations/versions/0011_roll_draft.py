"""roll_draft: the roll a user is typing, kept on the server until it is saved

Revision ID: 0011_roll_draft
Revises: 0010_data_version
Create Date: 2026-11-30

A server restart loses the session state; the values set on screen are written here
as they change, so the roll comes back after a restart. Scratch, not a record: only
its owner reads it, saving the roll deletes it, retention deletes it after 7 days,
and it is not audited (nytte/core/audit_guard.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_roll_draft"
down_revision: str | None = "0010_data_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roll_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("team_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_roll_draft_unit_id_unit"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_roll_draft_team_id_team"),
        sa.PrimaryKeyConstraint("id", name="pk_roll_draft"),
        sa.UniqueConstraint("owner", "unit_id", "team_key", "day",
                            name="uq_roll_draft_owner_context"),
    )
    op.create_index("ix_roll_draft_updated_at", "roll_draft", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_roll_draft_updated_at", table_name="roll_draft")
    op.drop_table("roll_draft")

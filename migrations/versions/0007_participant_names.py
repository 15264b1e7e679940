"""participant names: name and preferred name from the case system

Revision ID: 0007_participant_names
Revises: 0006_screening_frozen
Create Date: 2026-11-29

Both nullable: participants imported before, and case systems that do not send
names, have none. Retention clears them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_participant_names"
down_revision: str | None = "0006_screening_frozen"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("preferred_name", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("preferred_name")
        batch.drop_column("name")

"""data_version: one change counter per data area, for caches across replicas

Revision ID: 0010_data_version
Revises: 0009_trust
Create Date: 2026-11-29

Every service that writes an area bumps its counter in the same transaction; page
caches put the counters in their keys, so a change committed by one server process
is seen by the others on their next rerun.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_data_version"
down_revision: str | None = "0009_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AREAS = ("attendance", "referrals", "follow_up", "jobindsats", "org")


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"area": a, "version": 0} for a in AREAS])


def downgrade() -> None:
    op.drop_table("data_version")

"""screening frozen: every decision keeps the rule set it was judged under

Revision ID: 0006_screening_frozen
Revises: 0005_council
Create Date: 2026-11-29

A ruleset_version table holds the full content of a rule set (identified by its
hash); screening.ruleset_version_id points to it. Decisions made before this
revision keep a null pointer and are shown with the rule set of their id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

IMMUTABLE_MESSAGE = "screening decisions are immutable; save a new version"
# The stored rule sets and the written statements are as immutable as the decisions
# that point to them: a new file is a new version.
NEW_IMMUTABLE = ("ruleset_version", "consultation_attachment")

revision: str = "0006_screening_frozen"
down_revision: str | None = "0005_council"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_triggers(table: str) -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}")
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
        )


def _immutable(tables: tuple[str, ...]) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "postgresql":
            # screening_immutable() is created by 0004_screening.
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION screening_immutable()"
            )
        elif dialect == "sqlite":
            _sqlite_triggers(table)


def _drop_immutable(tables: tuple[str, ...]) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        elif dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "ruleset_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ruleset_id", sa.String(length=60), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ruleset_version")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_ruleset_version_content_hash")),
    )
    op.create_index(op.f("ix_ruleset_version_ruleset_id"), "ruleset_version", ["ruleset_id"])
    with op.batch_alter_table("screening") as batch:
        batch.add_column(sa.Column("ruleset_version_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_screening_ruleset_version_id_ruleset_version"),
            "ruleset_version", ["ruleset_version_id"], ["id"],
        )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's batch mode rebuilt the table and with it dropped its triggers.
        _sqlite_triggers("screening")
    _immutable(NEW_IMMUTABLE)


def downgrade() -> None:
    _drop_immutable(NEW_IMMUTABLE)
    with op.batch_alter_table("screening") as batch:
        batch.drop_constraint(
            op.f("fk_screening_ruleset_version_id_ruleset_version"), type_="foreignkey"
        )
        batch.drop_column("ruleset_version_id")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers("screening")
    op.drop_index(op.f("ix_ruleset_version_ruleset_id"), table_name="ruleset_version")
    op.drop_table("ruleset_version")

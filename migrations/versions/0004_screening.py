"""screening: shared precedent, consultation attachments, immutable decisions

Decisions (screening, consultation) refuse UPDATE and DELETE in the database: a
re-screening adds a new version. Note for re-chaining: a later batch_alter_table on
these tables (SQLite copies the table) must recreate the triggers.

Revision ID: 0004_screening
Revises: 0001_foundation
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_screening"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


IMMUTABLE_MESSAGE = "screening decisions are immutable; save a new version"
IMMUTABLE_TABLES = ("screening", "consultation")


def _immutable() -> None:
    """Refuse UPDATE and DELETE of decisions in the database itself, not only in Python."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION screening_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{IMMUTABLE_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION screening_immutable()"
            )
    elif dialect == "sqlite":
        for table in IMMUTABLE_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
                )


def _drop_immutable() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS screening_immutable()")
    elif dialect == "sqlite":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "precedent_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("source_ref", sa.String(length=80), nullable=False),
        sa.Column("source_municipality", sa.String(length=4), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("ruleset_id", sa.String(length=60), nullable=False),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_precedent_import_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_precedent_import")),
        sa.UniqueConstraint(
            "municipality_code", "source_ref", name=op.f("uq_precedent_import_municipality_code")
        ),
    )
    with op.batch_alter_table("precedent_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_precedent_import_municipality_code"), ["municipality_code"]
        )

    op.create_table(
        "consultation_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_consultation_attachment_consultation_id_consultation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_attachment")),
    )
    with op.batch_alter_table("consultation_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_attachment_consultation_id"),
            ["consultation_id"],
            unique=True,
        )
    _immutable()


def downgrade() -> None:
    _drop_immutable()
    with op.batch_alter_table("consultation_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_attachment_consultation_id"))
    op.drop_table("consultation_attachment")
    with op.batch_alter_table("precedent_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_precedent_import_municipality_code"))
    op.drop_table("precedent_import")

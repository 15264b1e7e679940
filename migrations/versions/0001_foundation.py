"""foundation schema

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23

The first schema, plus triggers that make audit_event append-only in the database
itself (PostgreSQL and SQLite), not only in Python.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_MESSAGE = "audit_event is append-only"


def _audit_append_only() -> None:
    """Refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) of audit events."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def _drop_audit_append_only() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_audit_event_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_participant", ["participant_id"], unique=False)

    op.create_table(
        "code_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_da", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_value")),
        sa.UniqueConstraint(
            "list_name", "code", "valid_from", name=op.f("uq_code_value_list_name")
        ),
    )
    with op.batch_alter_table("code_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_value_list_name"), ["list_name"], unique=False)

    op.create_table(
        "region",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    op.create_table(
        "municipality",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_municipality_region_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_municipality")),
    )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipality_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "municipal_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recurring", sa.String(length=10), nullable=False),
        sa.Column("displacement_lookback_years", sa.Integer(), nullable=False),
        sa.Column("professional_areas", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_municipal_policy_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipal_policy")),
        sa.UniqueConstraint(
            "municipality_code", "version", name=op.f("uq_municipal_policy_municipality_code")
        ),
    )
    with op.batch_alter_table("municipal_policy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipal_policy_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=False),
        sa.Column("benefit_group", sa.String(length=40), nullable=False),
        sa.Column("visitation_group", sa.String(length=40), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("gender IN ('K', 'M')", name=op.f("ck_participant_gender")),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_participant_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint(
            "municipality_code", "case_ref", name=op.f("uq_participant_municipality_code")
        ),
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("site_address", sa.String(length=200), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_unit_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("municipality_code", "name", name=op.f("uq_unit_municipality_code")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "closing_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_closing_day_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_day")),
        sa.UniqueConstraint("unit_id", "day", name=op.f("uq_closing_day_unit_id")),
    )
    with op.batch_alter_table("closing_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closing_day_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("requesting_unit", sa.String(length=200), nullable=False),
        sa.Column("p_number", sa.String(length=20), nullable=False),
        sa.Column("professional_area", sa.String(length=40), nullable=False),
        sa.Column("physical_demand", sa.Integer(), nullable=False),
        sa.Column("indoor_outdoor", sa.String(length=10), nullable=False),
        sa.Column("season", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_task_municipality_code_municipality"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_task_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_municipality_code"), ["municipality_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("leader_name", sa.String(length=120), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_team_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_team_unit_id")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("expected_start", sa.Date(), nullable=False),
        sa.Column("mon_hours", sa.Float(), nullable=False),
        sa.Column("tue_hours", sa.Float(), nullable=False),
        sa.Column("wed_hours", sa.Float(), nullable=False),
        sa.Column("thu_hours", sa.Float(), nullable=False),
        sa.Column("fri_hours", sa.Float(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("exit_outcome", sa.String(length=40), nullable=True),
        sa.Column("caseworker_ref", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_referral_participant_id_participant"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_referral_team_id_team")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_referral_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("ruleset_id", sa.String(length=60), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["municipal_policy.id"],
            name=op.f("fk_screening_policy_id_municipal_policy"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["screening.id"], name=op.f("fk_screening_supersedes_id_screening")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_screening_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
        sa.UniqueConstraint("task_id", "version", name=op.f("uq_screening_task_id")),
    )
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_task_id"), ["task_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expected_hours", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("registered_by", sa.String(length=120), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('present', 'absent')", name=op.f("ck_attendance_status")),
        sa.CheckConstraint(
            "expected_hours >= 0 AND expected_hours <= 24",
            name=op.f("ck_attendance_expected_hours"),
        ),
        sa.CheckConstraint("hours >= 0 AND hours <= 24", name=op.f("ck_attendance_hours")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_attendance_participant_id_participant"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_attendance_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_attendance_team_id_team")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_attendance_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("referral_id", "day", name=op.f("uq_attendance_referral_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_day", ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attendance_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index("ix_attendance_unit_day", ["unit_id", "day"], unique=False)

    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("representative", sa.String(length=200), nullable=False),
        sa.Column("skip_reason", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("consulted_on", sa.Date(), nullable=True),
        sa.Column("written_statement", sa.Boolean(), nullable=False),
        sa.Column("statement_text", sa.Text(), nullable=False),
        sa.Column("informed", sa.Boolean(), nullable=False),
        sa.Column("practical_setup_discussed", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screening.id"], name=op.f("fk_consultation_screening_id_screening")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_screening_id"), ["screening_id"], unique=False
        )

    _audit_append_only()


def downgrade() -> None:
    _drop_audit_append_only()
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_screening_id"))

    op.drop_table("consultation")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_unit_day")
        batch_op.drop_index(batch_op.f("ix_attendance_participant_id"))
        batch_op.drop_index("ix_attendance_day")

    op.drop_table("attendance")
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_task_id"))

    op.drop_table("screening")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_unit_id"))
        batch_op.drop_index(batch_op.f("ix_referral_team_id"))
        batch_op.drop_index(batch_op.f("ix_referral_participant_id"))

    op.drop_table("referral")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_unit_id"))

    op.drop_table("team")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_unit_id"))
        batch_op.drop_index(batch_op.f("ix_task_municipality_code"))

    op.drop_table("task")
    with op.batch_alter_table("closing_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closing_day_unit_id"))

    op.drop_table("closing_day")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_municipality_code"))

    op.drop_table("unit")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_municipality_code"))

    op.drop_table("participant")
    with op.batch_alter_table("municipal_policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipal_policy_municipality_code"))

    op.drop_table("municipal_policy")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_region_code"))

    op.drop_table("municipality")
    op.drop_table("region")
    with op.batch_alter_table("code_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_value_list_name"))

    op.drop_table("code_value")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_participant")
        batch_op.drop_index("ix_audit_event_occurred_at")
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")

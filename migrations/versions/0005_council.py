"""council: KPI summary tables and Jobindsats figures

Revision ID: 0005_council
Revises: 0004_screening
Create Date: 2026-11-23

Summary tables (derived from attendance and referrals; rebuilt by
`python -m nytte council refresh`) and the figures fetched from Jobindsats.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_council"
down_revision: str | None = "0004_screening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_attendance_month",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("expected_days", sa.Integer(), nullable=False),
        sa.Column("present_days", sa.Integer(), nullable=False),
        sa.Column("unexcused_days", sa.Integer(), nullable=False),
        sa.Column("expected_hours", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_council_attendance_month_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", "month", name=op.f("pk_council_attendance_month")),
    )
    op.create_index(
        "ix_council_attendance_month_muni",
        "council_attendance_month",
        ["municipality_code", "month"],
    )
    op.create_table(
        "council_referral_stats",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("benefit_group", sa.String(length=40), nullable=False),
        sa.Column("visitation_group", sa.String(length=40), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("expected_start", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("active_until", sa.Date(), nullable=False),
        sa.Column("exit_outcome", sa.String(length=40), nullable=True),
        sa.Column("first_present", sa.Date(), nullable=True),
        sa.Column("present_days", sa.Integer(), nullable=False),
        sa.Column("expected_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_council_referral_stats_referral_id_referral"),
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_council_referral_stats")),
    )
    op.create_index(
        "ix_council_referral_stats_muni_start",
        "council_referral_stats",
        ["municipality_code", "expected_start"],
    )
    op.create_index(
        "ix_council_referral_stats_muni_end",
        "council_referral_stats",
        ["municipality_code", "ended_on"],
    )
    op.create_index(
        "ix_council_referral_stats_active",
        "council_referral_stats",
        [
            "municipality_code", "active_until", "expected_start", "participant_id",
            "gender", "benefit_group", "visitation_group", "birth_year",
        ],
    )
    op.create_table(
        "council_enrolled_month",
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "municipality_code", "month", name=op.f("pk_council_enrolled_month")
        ),
    )
    op.create_table(
        "council_exit_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"],
            name=op.f("fk_council_exit_follow_up_referral_id_referral"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_exit_follow_up")),
    )
    op.create_index(
        "ux_council_exit_follow_up", "council_exit_follow_up", ["referral_id", "months_after"],
        unique=True,
    )
    op.create_table(
        "council_summary_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attendance_max_id", sa.Integer(), nullable=False),
        sa.Column("referral_max_id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_summary_state")),
    )
    op.create_table(
        "jobindsats_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("offer", sa.String(length=100), nullable=False),
        sa.Column("measure", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobindsats_observation")),
    )
    op.create_index(
        "ux_jobindsats_observation_key",
        "jobindsats_observation",
        ["table_id", "area", "month", "offer", "measure"],
        unique=True,
    )
    op.create_index(
        "ix_jobindsats_observation_muni_month",
        "jobindsats_observation",
        ["municipality_code", "month"],
    )
    op.create_table(
        "jobindsats_fetch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("latest_month", sa.Date(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobindsats_fetch")),
    )


def downgrade() -> None:
    op.drop_table("jobindsats_fetch")
    op.drop_index("ix_jobindsats_observation_muni_month", table_name="jobindsats_observation")
    op.drop_index("ux_jobindsats_observation_key", table_name="jobindsats_observation")
    op.drop_table("jobindsats_observation")
    op.drop_table("council_summary_state")
    op.drop_table("council_enrolled_month")
    op.drop_index("ux_council_exit_follow_up", table_name="council_exit_follow_up")
    op.drop_table("council_exit_follow_up")
    op.drop_index("ix_council_referral_stats_active", table_name="council_referral_stats")
    op.drop_index("ix_council_referral_stats_muni_end", table_name="council_referral_stats")
    op.drop_index("ix_council_referral_stats_muni_start", table_name="council_referral_stats")
    op.drop_table("council_referral_stats")
    op.drop_index("ix_council_attendance_month_muni", table_name="council_attendance_month")
    op.drop_table("council_attendance_month")

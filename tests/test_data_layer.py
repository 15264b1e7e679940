"""The data layer on SQLite and PostgreSQL: migrations, constraints, append-only audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.migrate import alembic_config
from nytte.core.reference import codes_valid_on
from nytte.models import Attendance, AuditEvent, Base, CodeValue, Municipality, Referral
from nytte.org.service import unit_summaries

ADMIN = Principal("u1", "Test", Role.ADMIN, municipality_code="0253")


def test_migrations_reach_head_with_every_model_table(empty_engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    with empty_engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        tables = set(inspect(conn).get_table_names())
    assert sorted(version) == sorted(heads)
    assert set(Base.metadata.tables) <= tables


def test_migrations_downgrade_to_base_and_up_again(empty_engine: Engine) -> None:
    from alembic import command

    cfg = alembic_config()
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with empty_engine.connect() as conn:
        assert "attendance" not in inspect(conn).get_table_names()
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    with empty_engine.connect() as conn:
        assert "attendance" in inspect(conn).get_table_names()


def test_reference_data_synced(empty_engine: Engine) -> None:
    with Session(empty_engine) as s:
        assert s.scalar(select(func.count()).select_from(Municipality)) == 98
        before = {c.code for c in codes_valid_on(s, "benefit_group", date(2024, 1, 1))}
        after = {c.code for c in codes_valid_on(s, "benefit_group", date(2025, 8, 1))}
    assert "uddannelseshjaelp" in before and "uddannelseshjaelp" not in after
    assert "kontanthjaelp" in after


def test_code_lists_are_data_not_code(empty_engine: Engine) -> None:
    with Session(empty_engine) as s:
        lists = set(s.scalars(select(CodeValue.list_name).distinct()))
    assert {"benefit_group", "visitation_group", "absence_reason", "exit_outcome"} <= lists


def test_audit_events_cannot_be_updated_or_deleted(empty_engine: Engine) -> None:
    with Session(empty_engine) as s, s.begin():
        record(s, ADMIN, "test", "thing", 1, new={"a": 1})
    for stmt in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
            conn.execute(text(stmt))
    with Session(empty_engine) as s:
        assert s.scalar(select(AuditEvent.actor)) == "u1"


def test_one_attendance_row_per_referral_and_day(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        row = s.scalars(select(Attendance).limit(1)).one()
        dup = Attendance(
            referral_id=row.referral_id,
            participant_id=row.participant_id,
            unit_id=row.unit_id,
            day=row.day,
            status="present",
            expected_hours=1,
            hours=1,
            registered_by="x",
        )
        s.add(dup)
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()


def test_unit_summaries_agree_with_raw_rows(demo_engine: Engine) -> None:
    on = date(2026, 11, 20)
    leader = Principal("l", "L", Role.LEDER, municipality_code="0253")
    with Session(demo_engine) as s:
        summaries = unit_summaries(s, leader, on)
        refs = s.scalars(select(Referral)).all()  # other municipalities' units never match
    for u in summaries:
        expected = sum(1 for r in refs if r.unit_id == u.unit_id and r.is_active_on(on))
        assert u.enrolled == expected
    assert [u.name for u in summaries] == ["Service++", "Citykorpset"]


def test_coordinator_sees_only_own_units(demo_engine: Engine) -> None:
    coord = Principal("c", "C", Role.KOORDINATOR, municipality_code="0253", unit_ids=frozenset({2}))
    other_muni = Principal("o", "O", Role.LEDER, municipality_code="0101")
    with Session(demo_engine) as s:
        assert [u.unit_id for u in unit_summaries(s, coord, date(2026, 11, 20))] == [2]
        assert unit_summaries(s, other_muni, date(2026, 11, 20)) == []

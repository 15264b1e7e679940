"""Two database roles on PostgreSQL: the app's role cannot rewrite the audit trail or
the decisions, every write path it has needs an audit event (enforced by the
database), `nytte migrate` grants, and the app refuses to run as the owner."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.config import ConfigError
from nytte.core.db import make_engine
from nytte.core.db_roles import check_app_role
from nytte.core.migrate import upgrade
from nytte.models import Attendance, AuditEvent, ClosingDay, Referral, Task
from tests.conftest import (
    PG_ADMIN_URL,
    ROOT,
    clone_pg_database,
    drop_pg_database,
)

ADMIN = Principal("a", "A", Role.ADMIN, "0253")


def _admin(sql: str) -> None:
    conninfo = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def roles(demo_pg: Engine) -> Iterator[tuple[Engine, Engine, str, str]]:
    """(owner engine, app engine, owner URL, app URL) of a private copy of the demo
    database; migrating it again with the app role grants that role (as `make migrate`)."""
    owner_url, name = clone_pg_database(str(demo_pg.url.database))
    role = f"nytte_app_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE ROLE "{role}" LOGIN')
    owner = make_engine(owner_url)
    upgrade(owner, app_role=role)
    app_url = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
    app = make_engine(app_url)
    try:
        yield owner, app, owner_url, app_url
    finally:
        app.dispose()
        owner.dispose()
        drop_pg_database(name)
        _admin(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "ALTER TABLE screening DISABLE TRIGGER ALL",
        "ALTER TABLE attendance DISABLE TRIGGER attendance_audited",
        "DROP TRIGGER audit_event_no_update ON audit_event",
        "UPDATE audit_event SET reason = 'omskrevet'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "UPDATE screening SET verdict = 'approve'",
        "DELETE FROM consultation",
        "DELETE FROM audit_note",
        "DELETE FROM alembic_version",
        "ALTER TABLE audit_event OWNER TO CURRENT_USER",
    ],
)
def test_app_role_cannot_rewrite_the_record(roles: tuple[Engine, Engine, str, str],
                                            sql: str) -> None:
    owner, app, *_ = roles
    with owner.connect() as conn:
        before = conn.execute(text("SELECT count(*), max(id) FROM audit_event")).one()
    with pytest.raises(DBAPIError, match=r"(?i)permission denied|must be owner"), \
            app.begin() as conn:
        conn.execute(text(sql))
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(id) FROM audit_event")).one() == before


def _first_attendance(engine: Engine) -> tuple[int, str]:
    with Session(engine) as s:
        row = s.scalars(select(Attendance).order_by(Attendance.id).limit(1)).one()
        return row.id, row.note


WRITE_PATHS: dict[str, Callable[[Session, int], Any]] = {
    "orm": lambda s, i: setattr(s.get(Attendance, i), "note", "ændret"),
    "core": lambda s, i: s.execute(update(Attendance).where(Attendance.id == i)
                                   .values(note="ændret")),
    "text": lambda s, i: s.execute(text("UPDATE attendance SET note = 'ændret' WHERE id = :i"),
                                   {"i": i}),
    "connection": lambda s, i: s.connection().execute(
        text("UPDATE attendance SET note = 'ændret' WHERE id = :i"), {"i": i}),
    "driver_sql": lambda s, i: s.connection().exec_driver_sql(
        f"UPDATE attendance SET note = 'ændret' WHERE id = {int(i)}"),
    "bulk_mappings": lambda s, i: s.bulk_update_mappings(
        Attendance, [{"id": i, "note": "ændret", "version": s.get_one(Attendance, i).version}]),
    "bulk_insert": lambda s, i: s.bulk_insert_mappings(
        ClosingDay, [{"unit_id": s.get_one(Attendance, i).unit_id, "day": date(2031, 7, 3)}]),
    "text_insert": lambda s, i: s.execute(text(
        "INSERT INTO closing_day (unit_id, day, reason) VALUES (1, '2031-07-04', '')")),
    "text_delete": lambda s, i: s.execute(text("DELETE FROM closing_day")),
}


@pytest.mark.parametrize("path", list(WRITE_PATHS))
def test_the_database_refuses_an_unaudited_write_on_every_path(
        roles: tuple[Engine, Engine, str, str], path: str) -> None:
    owner, app, *_ = roles
    aid, note = _first_attendance(owner)
    with owner.connect() as conn:
        tasks = conn.execute(text("SELECT count(*) FROM task")).scalar()
        closed = conn.execute(text("SELECT count(*) FROM closing_day")).scalar()
    with pytest.raises(DBAPIError, match="unaudited write"), Session(app) as s:
        WRITE_PATHS[path](s, aid)
        s.commit()
    assert _first_attendance(owner) == (aid, note)
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM task")).scalar() == tasks
        assert conn.execute(text("SELECT count(*) FROM closing_day")).scalar() == closed


def test_an_audited_text_write_commits(roles: tuple[Engine, Engine, str, str]) -> None:
    owner, app, *_ = roles
    aid, _ = _first_attendance(owner)
    with Session(app) as s:
        s.execute(text("UPDATE attendance SET note = 'revideret' WHERE id = :i"), {"i": aid})
        record(s, ADMIN, "update", "attendance", aid, new={"note": "revideret"})
        s.commit()
    assert _first_attendance(owner) == (aid, "revideret")
    with Session(owner) as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert event.tx_id is not None and event.new == {"note": "[fritekst]"}


def test_a_forged_tx_id_is_overwritten(roles: tuple[Engine, Engine, str, str]) -> None:
    owner, app, *_ = roles
    with app.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_event (occurred_at, actor, actor_role, action, entity, "
            "entity_id, reason, tx_id) VALUES (now(), 'x', 'admin', 'x', 'x', '', '', 1)"))
    with owner.connect() as conn:
        assert conn.execute(text("SELECT tx_id FROM audit_event ORDER BY id DESC LIMIT 1")
                            ).scalar() != 1


def test_the_app_role_keeps_roll_drafts_without_events(
        roles: tuple[Engine, Engine, str, str]) -> None:
    """A roll draft is scratch (UNAUDITED_TABLES): the app's role writes, reads and
    deletes it without an audit event; it opens no way around the rule for the rest."""
    from nytte.attendance.roll_draft import discard_draft, load_draft, save_draft

    owner, app, *_ = roles
    leader = Principal("k-draft", "K", Role.LEDER, "0253")
    with Session(owner) as s:
        ref = s.scalars(select(Referral).where(Referral.ended_on.is_(None)).limit(1)).one()
        unit_id, rid = ref.unit_id, ref.id
    with Session(app) as s:
        assert save_draft(s, leader, unit_id, None, date(2026, 11, 23),
                          {rid: {"note": "kladde"}}) is not None
        s.commit()
    with Session(app) as s:
        assert load_draft(s, leader, unit_id, None, date(2026, 11, 23)) is not None
        assert discard_draft(s, leader, unit_id, None, date(2026, 11, 23)) is True
        s.commit()
    aid, note = _first_attendance(owner)
    with pytest.raises(DBAPIError, match="unaudited write"), Session(app) as s:
        save_draft(s, leader, unit_id, None, date(2026, 11, 23), {rid: {"note": "kladde"}})
        s.execute(update(Attendance).where(Attendance.id == aid).values(note="ændret"))
        s.commit()
    assert _first_attendance(owner) == (aid, note)
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM roll_draft")).scalar() == 0


def test_the_owner_is_exempt_and_loads_data(roles: tuple[Engine, Engine, str, str]) -> None:
    owner, *_ = roles
    with Session(owner) as s:
        assert s.scalar(select(Task.id).limit(1)) is not None  # the demo loaded as owner


def test_app_refuses_to_run_as_the_owner(roles: tuple[Engine, Engine, str, str]) -> None:
    owner, app, *_ = roles
    with pytest.raises(ConfigError, match="ejer revisionssporet") as exc:
        check_app_role(owner, allow_owner=False)
    assert "audit_event" in str(exc.value) and "NYTTE_MIGRATE_DATABASE_URL" in str(exc.value)
    assert check_app_role(owner, allow_owner=True) is True
    assert check_app_role(app, allow_owner=False) is False


def test_migrate_command_runs_as_owner_and_grants_again(
        roles: tuple[Engine, Engine, str, str]) -> None:
    _, app, owner_url, app_url = roles
    env = {**os.environ, "NYTTE_MIGRATE_DATABASE_URL": owner_url, "NYTTE_DATABASE_URL": app_url}
    out = subprocess.run([sys.executable, "-m", "nytte", "migrate"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "rettigheder givet til rollen" in out.stdout
    with app.connect() as conn:  # the grants still hold
        assert conn.execute(text("SELECT count(*) FROM referral")).scalar()
    with pytest.raises(DBAPIError, match="permission denied"), app.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))


def _app_errors(url: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[Any, str]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from nytte.core.db import dispose_engines

    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        st.cache_resource.clear()
        dispose_engines()
    assert not at.exception
    return at, " ".join(e.value for e in at.error)


def test_app_start_checks_the_role(roles: tuple[Engine, Engine, str, str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, owner_url, app_url = roles
    _, errors = _app_errors(owner_url, monkeypatch)
    assert "ejer revisionssporet" in errors
    at, errors = _app_errors(owner_url, monkeypatch, NYTTE_ALLOW_OWNER_DATABASE_ROLE="1")
    assert "UDVIKLINGSTILSTAND" in errors
    at, errors = _app_errors(app_url, monkeypatch)
    assert errors == ""
    assert any("Vælg rolle" in s.label for s in at.sidebar.selectbox)

"""require_audit: a transaction that writes without an audit event is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text, update
from sqlalchemy.orm import Session

from nytte.core.audit import record
from nytte.core.audit_guard import UnauditedWrite, require_audit
from nytte.core.auth import Principal, Role

# The demo data screens its tasks, leaving events by this actor.
from nytte.models import Attendance, AuditEvent, Referral, Task
from tests.trust_helpers import db_checksum, writable_copy

ADMIN = Principal("a", "A", Role.ADMIN, "0253")

NOT_DEMO = AuditEvent.actor != "demo-screening"


@pytest.fixture(scope="module")
def db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("guard")) as engine:
        yield engine


def test_unaudited_orm_write_is_refused(db: Engine) -> None:
    before = db_checksum(db)
    with pytest.raises(UnauditedWrite, match="revisionssporet"), \
            require_audit(Session(db)) as s, s.begin():
        s.scalars(select(Task).limit(1)).one().title = "Ny titel"
    assert db_checksum(db) == before


def test_unaudited_bulk_update_is_refused(db: Engine) -> None:
    before = db_checksum(db)
    with pytest.raises(UnauditedWrite, match="attendance"), \
            require_audit(Session(db)) as s, s.begin():
        s.execute(update(Attendance).where(Attendance.id == 1).values(note="x"))
    assert db_checksum(db) == before


def test_audited_write_and_plain_reads_pass(db: Engine, tmp_path: Path) -> None:
    with require_audit(Session(db)) as s, s.begin():
        s.scalars(select(Referral).limit(5)).all()  # reading needs no event
    with require_audit(Session(db)) as s, s.begin():
        task = s.scalars(select(Task).limit(1)).one()
        task.title = "Revideret titel"
        record(s, ADMIN, "update", "task", task.id, new={"title": task.title})
    with Session(db) as s:
        assert s.scalar(select(AuditEvent.action).where(NOT_DEMO)) == "update"


def test_page_refuses_a_save_whose_service_forgot_the_audit(
    db: Engine, app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate a service that forgets nytte.core.audit.record: the page's guarded
    session refuses to commit, the user is told, and nothing is written."""
    import streamlit as st

    import nytte.referrals.service as referrals_service
    from tests.trust_helpers import render_as

    monkeypatch.setenv("NYTTE_DATABASE_URL", db.url.render_as_string(False))
    monkeypatch.setattr(referrals_service, "record", lambda *a, **k: None)
    st.cache_resource.clear()
    coordinator = Principal("k", "K", Role.KOORDINATOR, "0253", frozenset({2}))
    with Session(db) as s:
        rid = s.scalar(select(Referral.id).where(Referral.unit_id == 2,
                                                 Referral.ended_on.is_(None)).limit(1))
    before = db_checksum(db)
    at = render_as("pages.referrals", coordinator)
    at.selectbox(key="ref_selected").select(rid).run()
    at.text_input(key=f"ref_{rid}_caseworker_ref").input("Uden spor")
    next(b for b in at.button if b.label == "Gem ændringer").click().run()
    assert not at.exception
    assert any("mangler en hændelse i revisionssporet" in e.value for e in at.error)
    assert db_checksum(db) == before
    st.cache_resource.clear()


# --- the engine guard: every statement, whatever built it ---------------------------

@pytest.mark.parametrize("path", ["orm", "core", "text", "connection", "driver_sql",
                                  "bulk_mappings", "bulk_insert", "text_insert",
                                  "text_delete"])
def test_guarded_engine_refuses_every_unaudited_write_path(db: Engine, path: str) -> None:
    from nytte.core.audit_guard import guard_engine
    from tests.test_trust_db_roles import WRITE_PATHS

    guarded = create_engine(db.url)
    guard_engine(guarded)
    with Session(db) as s:
        aid = s.scalar(select(Attendance.id).order_by(Attendance.id).limit(1))
    assert aid is not None
    before = db_checksum(db)
    with pytest.raises(UnauditedWrite, match="revisionssporet"), Session(guarded) as s:
        WRITE_PATHS[path](s, aid)
        s.commit()
    guarded.dispose()
    assert db_checksum(db) == before


def test_guarded_engine_lets_an_audited_text_write_through(db: Engine) -> None:
    from nytte.core.audit_guard import guard_engine

    guarded = guard_engine(create_engine(db.url))
    with Session(guarded) as s:
        aid = s.scalar(select(Attendance.id).order_by(Attendance.id).limit(1))
        s.execute(text("UPDATE attendance SET hours = hours WHERE id = :i"), {"i": aid})
        record(s, ADMIN, "update", "attendance", aid, new={"hours": "uændret"})
        s.commit()
    with guarded.begin() as conn:  # a transaction that only reads commits too
        conn.execute(text("SELECT count(*) FROM attendance"))
    guarded.dispose()


def test_the_apps_engine_is_guarded(app_db: str) -> None:
    from nytte.core.audit_guard import guard_engine
    from pages.common import engine

    e = engine()
    assert guard_engine(e) is e
    with pytest.raises(UnauditedWrite), e.begin() as conn:
        conn.execute(text("DELETE FROM closing_day WHERE day < '1900-01-01'"))

"""Concurrency and faults: no lost update when two coordinators edit the same task,
roll row or referral (the second is told, in Danish); the database going away
mid-save tells the user, keeps their input on screen and writes nothing.

These tests fail when the protection is removed: test_without_version_column_...
runs the same scenario with the version column switched off and sees the lost
update that the other tests assert cannot happen."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.core.concurrency import OUTAGE_MESSAGE, ConcurrentEditError
from nytte.core.db import get_engine

# The demo data screens its tasks, leaving events by this actor.
from nytte.models import Attendance, AuditEvent, Referral, Task
from nytte.referrals.service import get_referral, update_referral
from tests.concurrency_scenarios import first_ids, two_editors
from tests.trust_helpers import ROOT, render_as, shown_text, writable_copy

K1 = Principal("k1", "Koordinator 1", Role.KOORDINATOR, "0253", frozenset({2}))
K2 = Principal("k2", "Koordinator 2", Role.KOORDINATOR, "0253", frozenset({2}))

NOT_DEMO = AuditEvent.actor != "demo-screening"


@pytest.fixture
def db(demo_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    with writable_copy(demo_engine, tmp_path) as engine:
        yield engine


def _referral_id(engine: Engine) -> int:
    with Session(engine) as s:
        rid = s.scalar(select(Referral.id).where(Referral.unit_id == 2,
                                                 Referral.ended_on.is_(None)).limit(1))
    assert rid is not None
    return rid


def _values(view: Any, **changes: Any) -> dict[str, Any]:
    base = {"expected_start": view.expected_start, "ended_on": view.ended_on,
            "exit_outcome": view.exit_outcome, "caseworker_ref": view.caseworker_ref,
            **dict(zip(("mon_hours", "tue_hours", "wed_hours", "thu_hours", "fri_hours"),
                       view.hours, strict=True))}
    return {**base, **changes}


def test_two_coordinators_same_task(db: Engine) -> None:
    task_id, _ = first_ids(db)
    assert two_editors(db, Task, task_id, "title", "Titel fra A", "Titel fra B") == "refused"
    with Session(db) as s:
        task = s.get(Task, task_id)
        assert task is not None and (task.title, task.version) == ("Titel fra A", 2)


def test_two_coordinators_same_roll_row(db: Engine) -> None:
    _, att_id = first_ids(db)
    assert two_editors(db, Attendance, att_id, "hours", 1.5, 4.0) == "refused"
    with Session(db) as s:
        row = s.get(Attendance, att_id)
        assert row is not None and (row.hours, row.version) == (1.5, 2)


def test_two_coordinators_same_referral_race(db: Engine) -> None:
    """Both sessions hold the referral; the second's UPDATE finds the version moved."""
    rid = _referral_id(db)
    a, b = Session(db), Session(db)
    view_a, view_b = get_referral(a, K1, rid), get_referral(b, K2, rid)
    update_referral(a, K1, rid, view_a.version, _values(view_a, caseworker_ref="Fra A"))
    a.commit()
    with pytest.raises(ConcurrentEditError, match="ændret af en anden"):
        update_referral(b, K2, rid, view_b.version, _values(view_b, caseworker_ref="Fra B"))
    b.rollback()
    a.close()
    b.close()
    with Session(db) as s:
        ref = s.get(Referral, rid)
        assert ref is not None and ref.caseworker_ref == "Fra A"
        assert ref.version == view_a.version + 1
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(NOT_DEMO)) == 1


def test_second_coordinator_told_on_the_page(db: Engine, app_db: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NYTTE_DATABASE_URL", db.url.render_as_string(False))
    st.cache_resource.clear()
    rid = _referral_id(db)
    first, second = _open_form(K1, rid), _open_form(K2, rid)
    first.text_input(key=f"ref_{rid}_caseworker_ref").input("Fra A")
    _submit(first)
    assert [s.value for s in first.success] == ["Henvisningen er gemt."]
    second.text_input(key=f"ref_{rid}_caseworker_ref").input("Fra B")
    _submit(second)
    assert any("ændret af en anden" in e.value for e in second.error)
    assert second.text_input(key=f"ref_{rid}_caseworker_ref").value == "Fra B"  # kept
    assert any(b.label == "Hent nyeste version" for b in second.button)
    with Session(db) as s:
        assert s.scalar(select(Referral.caseworker_ref).where(Referral.id == rid)) == "Fra A"
    st.cache_resource.clear()


def _open_form(principal: Principal, rid: int) -> Any:
    at = render_as("pages.referrals", principal)
    at.selectbox(key="ref_selected").select(rid).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: Any) -> None:
    next(b for b in at.button if b.label == "Gem ændringer").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_database_outage_mid_save(db: Engine, app_db: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The referral UPDATE has run when the connection dies before the audit INSERT."""
    url = db.url.render_as_string(False)
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    st.cache_resource.clear()
    rid = _referral_id(db)
    with Session(db) as s:
        before = s.get(Referral, rid)
        assert before is not None
        old = (before.caseworker_ref, before.mon_hours, before.version)
    at = _open_form(K1, rid)
    at.text_input(key=f"ref_{rid}_caseworker_ref").input("Ny sagsbehandler")
    at.number_input(key=f"ref_{rid}_mon_hours").set_value(3.5)

    app_engine = get_engine()  # the engine the page uses (same URL, same process)
    seen: list[str] = []

    def die(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
            many: bool) -> None:
        seen.append(statement.split()[0] + " " + statement.split()[1])
        if statement.startswith("INSERT INTO audit_event"):
            if conn.dialect.name == "postgresql":
                # The server really goes away for this connection.
                with db.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": conn.connection.dbapi_connection.info.backend_pid})
            else:
                raise OperationalError(statement, params, Exception("disk I/O error"))

    event.listen(app_engine, "before_cursor_execute", die)
    try:
        _submit(at)
    finally:
        event.remove(app_engine, "before_cursor_execute", die)
    assert "UPDATE referral" in seen  # the save was under way
    assert [e.value for e in at.error] == [OUTAGE_MESSAGE]
    assert at.text_input(key=f"ref_{rid}_caseworker_ref").value == "Ny sagsbehandler"
    assert at.number_input(key=f"ref_{rid}_mon_hours").value == 3.5
    with Session(db) as s:
        row = s.get(Referral, rid)
        assert row is not None and (row.caseworker_ref, row.mon_hours, row.version) == old
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(NOT_DEMO)) == 0
    # The database is back: the same input, saved with one click.
    _submit(at)
    assert [s.value for s in at.success] == ["Henvisningen er gemt."]
    with Session(db) as s:
        row = s.get(Referral, rid)
        assert row is not None and (row.caseworker_ref, row.mon_hours) == ("Ny sagsbehandler", 3.5)
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(NOT_DEMO)) == 1
    assert "Ny sagsbehandler" in shown_text(at)
    st.cache_resource.clear()


def test_without_version_column_the_same_scenario_loses_an_update(demo_sqlite: Engine,
                                                                  tmp_path: Path) -> None:
    """The control: remove the protection and the scenario above loses B's or A's edit."""
    with writable_copy(demo_sqlite, tmp_path) as engine:
        out = subprocess.run(
            [sys.executable, "-m", "tests.concurrency_scenarios",
             engine.url.render_as_string(False)],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        )
    assert out.stdout.split() == ["lost_update", "lost_update"]

"""Faults seen by a coordinator typing the morning roll: the database server going
down mid-session (a real outage on PostgreSQL: connections refused and cut), a second
first-registration of the same roll rows racing the first, and a locked SQLite file.
Each shows one Danish sentence without internals, keeps what was typed, and writes
nothing half; after an outage the same roll is saved with one click."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from nytte.attendance.roll import RollEntry, read_roll, save_roll
from nytte.core.auth import Principal, Role
from nytte.core.concurrency import BUSY_MESSAGE, OUTAGE_MESSAGE, RACE_MESSAGE
from nytte.core.db import dispose_engines, get_engine, make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.models import PRESENT, Attendance, AuditEvent
from tests.apptest_helpers import open_page
from tests.tcp_proxy import TcpProxy
from tests.test_trust_db_roles import _admin
from tests.trust_helpers import ROOT, shown_text, writable_copy

DAY = date(2026, 11, 23)
CTX = f"2:None:{DAY.isoformat()}"
K2 = Principal("k2", "Koordinator 2", Role.KOORDINATOR, "0253", frozenset({2}))


def _open_roll() -> Any:
    at = open_page(Role.KOORDINATOR, "fremmoede")
    assert not at.exception
    at.selectbox(key="fremmoede:unit").select_index(1).run()  # Citykorpset
    at.date_input(key="fremmoede:day").set_value(DAY).run()
    at.button(key=f"fremmoede:allbtn:{CTX}").click().run()
    assert not at.exception
    return at


def _save(at: Any) -> None:
    at.button(key=f"fremmoede:save:{CTX}").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _errors(at: Any) -> list[str]:
    return [e.value for e in at.error if not e.value.startswith("UDVIKLINGSTILSTAND")]


def _day_rows(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as s:
        return [(a.referral_id, a.registered_by) for a in s.scalars(
            select(Attendance).where(Attendance.day == DAY, Attendance.unit_id == 2))]


def _roll_events(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "attendance.registered")) or 0)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield monkeypatch
    st.cache_resource.clear()
    st.cache_data.clear()
    dispose_engines()


def test_real_outage_mid_session_keeps_the_roll_and_saves_it_afterwards(
        demo_pg: Engine, tmp_path: Path, app_env: pytest.MonkeyPatch) -> None:
    with writable_copy(demo_pg, tmp_path) as owner:
        role = f"nytte_app_{uuid.uuid4().hex[:8]}"
        _admin(f'CREATE ROLE "{role}" LOGIN')
        try:
            upgrade(owner, app_role=role)  # the app runs as its own role, as in production
            proxy = TcpProxy(owner.url.port or 5432)
            proxy.start()
            app_url = make_url(owner.url.render_as_string(False)).set(
                username=role, port=proxy.port).render_as_string(False)
            app_env.setenv("NYTTE_DATABASE_URL", app_url)
            try:
                _outage_scenario(owner, proxy, role)
            finally:
                proxy.stop()
                dispose_engines()
        finally:
            owner.dispose()
    _admin(f'DROP ROLE IF EXISTS "{role}"')  # its grants went with the database


def _outage_scenario(owner: Engine, proxy: TcpProxy, role: str) -> None:
    at = _open_roll()
    assert _errors(at) == []
    proxy.stop()  # the database server goes away: connections cut and refused
    _save(at)
    assert _errors(at) == [OUTAGE_MESSAGE]
    screen = shown_text(at)
    for internal in ("127.0.0.1", str(proxy.port), role, str(owner.url.database),
                     "psycopg", "postgres", "Traceback", "OperationalError"):
        assert internal not in screen, internal
    # «Alle mødt» is still set on the screen: every line has its status.
    typed = at.session_state[f"fremmoede:set:{CTX}"]
    assert typed and all(v.get("Status") == "Mødt" for v in typed.values())
    # Another click during the outage: the page and the roll stay on the screen.
    at.run()
    assert not at.exception
    assert any(w.value == OUTAGE_MESSAGE for w in at.warning)
    assert at.button(key=f"fremmoede:save:{CTX}")
    assert _day_rows(owner) == []
    proxy.start()  # the database is back
    _save(at)
    assert any("Gemt:" in s.value for s in at.success), _errors(at)
    rows = _day_rows(owner)
    assert len(rows) >= 20 and {by for _, by in rows} == {"demo-koordinator"}


def _race_hook(url: str) -> Any:
    """Just before the page's first INSERT of attendance, another coordinator saves the
    same roll (committed)."""
    fired: list[bool] = []

    def hook(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if fired or not statement.lstrip().startswith("INSERT INTO attendance"):
            return
        fired.append(True)
        other = make_engine(url)
        with session_scope(other) as s:
            sheet = read_roll(s, K2, 2, DAY)
            entries = [RollEntry(ln.referral_id, PRESENT, None, None, "", ln.version)
                       for ln in sheet.lines]
            save_roll(s, K2, 2, DAY, entries, today=DAY)
        other.dispose()

    return hook


def test_a_racing_first_registration_is_told_in_danish_and_writes_nothing(
        demo_engine: Engine, tmp_path: Path, app_env: pytest.MonkeyPatch) -> None:
    with writable_copy(demo_engine, tmp_path) as db:
        url = db.url.render_as_string(False)
        app_env.setenv("NYTTE_DATABASE_URL", url)
        app_env.setenv("NYTTE_ALLOW_OWNER_DATABASE_ROLE", "1")
        at = _open_roll()
        hook = _race_hook(url)
        event.listen(get_engine(), "before_cursor_execute", hook)
        try:
            _save(at)
        finally:
            event.remove(get_engine(), "before_cursor_execute", hook)
        # PostgreSQL: a unique violation; SQLite: the same, or a stale snapshot (busy).
        expected = [RACE_MESSAGE] if db.dialect.name == "postgresql" else [RACE_MESSAGE,
                                                                          BUSY_MESSAGE]
        assert len(_errors(at)) == 1 and _errors(at)[0] in expected
        assert "UNIQUE" not in shown_text(at) and "locked" not in shown_text(at)
        rows = _day_rows(db)
        assert rows and {by for _, by in rows} == {"k2"}  # only the first save's rows
        assert _roll_events(db) == 1
        dispose_engines()


def test_a_locked_sqlite_file_is_told_in_danish(
        demo_sqlite: Engine, tmp_path: Path, app_env: pytest.MonkeyPatch) -> None:
    with writable_copy(demo_sqlite, tmp_path) as db:
        app_env.setenv("NYTTE_DATABASE_URL", db.url.render_as_string(False))
        at = _open_roll()
        blocker = sqlite3.connect(str(db.url.database), timeout=1)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the file
        blocker.execute("UPDATE unit SET name = name WHERE id = 2")
        try:
            _save(at)  # waits out the busy timeout, then gives up
        finally:
            blocker.rollback()
            blocker.close()
        assert _errors(at) == [BUSY_MESSAGE]
        assert _day_rows(db) == []
        _save(at)  # the writer is done: the same roll saves
        assert any("Gemt:" in s.value for s in at.success), _errors(at)
        assert len(_day_rows(db)) >= 20
        dispose_engines()

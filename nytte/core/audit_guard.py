"""A session, and an engine, that refuse to commit an unaudited write.

The rule is that every write leaves an audit event in the same transaction.
`require_audit(session)` makes that a check: if the transaction inserted, changed
or deleted rows of an audited table (ORM objects or bulk statements) and added no
AuditEvent, commit raises UnauditedWrite and everything is rolled back.
pages/common.db_session applies it to every page's session, so a service that
forgets `nytte.core.audit.record` fails loudly in tests instead of writing silently.

`guard_engine(engine)` applies the same rule to every statement the engine sends,
whatever built it (ORM, Core, text(), exec_driver_sql, bulk mappings): it reads the
SQL itself. The app's engine has it on every backend; on PostgreSQL the database
enforces the rule as well (nytte.core.db_roles)."""

from __future__ import annotations

import re
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import ORMExecuteState, Session

from nytte.models import AuditEvent, Base

# Reference data (code lists, regions, municipalities) is loaded by migrations, not
# written by users; summary tables are recomputed from audited rows; Jobindsats
# figures are public statistics fetched by the app. Everything else is personal or
# operational data, and a write to it needs an audit event. One exception: a roll
# draft (roll_draft) is the user's own unsaved typing, readable only by them and
# deleted when the roll is saved (which is audited); an event for every change on
# screen would flood the trail with keystrokes.
UNAUDITED_TABLES = frozenset({
    "audit_event", "code_value", "region", "municipality", "alembic_version",
    "council_attendance_month", "council_referral_stats", "council_enrolled_month",
    "council_summary_state", "jobindsats_observation", "jobindsats_fetch", "data_version",
    "roll_draft",
})


class UnauditedWrite(RuntimeError):
    """A transaction wrote audited tables without an audit event."""


def _table_of(obj: Any) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return None if table is None else str(table.name)


def require_audit(session: Session) -> Session:
    writes: set[str] = set()
    audited = [False]

    def before_flush(sess: Session, _ctx: Any, _instances: Any) -> None:
        for obj in (*sess.new, *sess.dirty, *sess.deleted):
            if isinstance(obj, AuditEvent):
                audited[0] = True
                continue
            name = _table_of(obj)
            if name is None or name in UNAUDITED_TABLES:
                continue
            if obj in sess.new or obj in sess.deleted or sess.is_modified(obj):
                writes.add(name)

    def on_execute(state: ORMExecuteState) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        for name in _statement_tables(state):
            if name == "audit_event":
                audited[0] = True
            elif name not in UNAUDITED_TABLES:
                writes.add(name)

    def before_commit(sess: Session) -> None:
        sess.flush()
        if writes and not audited[0]:
            names = ", ".join(sorted(writes))
            raise UnauditedWrite(
                f"Ændringen blev ikke gemt: den mangler en hændelse i revisionssporet "
                f"(tabeller: {names})."
            )

    def reset(_sess: Session, *_: Any) -> None:
        writes.clear()
        audited[0] = False

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "do_orm_execute", on_execute)
    event.listen(session, "before_commit", before_commit)
    event.listen(session, "after_commit", reset)
    event.listen(session, "after_soft_rollback", reset)
    return session


def _statement_tables(state: ORMExecuteState) -> list[str]:
    table = getattr(state.statement, "table", None)
    if table is not None:
        return [str(table.name)]
    mapper = state.bind_mapper
    if mapper is not None and isinstance(mapper.class_, type) and issubclass(mapper.class_, Base):
        return [str(getattr(mapper.local_table, "name", ""))]
    return []


# The table a data-changing statement writes: INSERT [OR x] INTO t, REPLACE INTO t,
# UPDATE [OR x] [ONLY] t, DELETE FROM [ONLY] t, MERGE INTO t, TRUNCATE [TABLE] t.
_WRITE_RE = re.compile(
    r"""\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?"""
    r"""(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?)"""
    r"""\s+(?:"?\w+"?\.)?["`\[]?(\w+)""",
    re.IGNORECASE,
)
_READ_ONLY_START = re.compile(r"^\s*(SELECT|PRAGMA|SHOW|SET|BEGIN|SAVEPOINT|RELEASE|EXPLAIN)\b",
                              re.IGNORECASE)
_states: weakref.WeakKeyDictionary[Connection, tuple[set[str], list[bool]]] = (
    weakref.WeakKeyDictionary()
)
_guarded: weakref.WeakSet[Engine] = weakref.WeakSet()


def written_tables(statement: str) -> set[str]:
    """Tables a SQL statement inserts into, updates, deletes from or truncates."""
    if _READ_ONLY_START.match(statement):
        return set()
    return {m.group(1).lower() for m in _WRITE_RE.finditer(statement)}


def _state(conn: Connection) -> tuple[set[str], list[bool]]:
    # Kept per Connection object (not conn.info: an invalidated connection, e.g.
    # after the server went away, refuses that access during the rollback).
    state = _states.get(conn)
    if state is None:
        state = (set(), [False])
        _states[conn] = state
    return state


def guard_engine(engine: Engine) -> Engine:
    """Refuse, at commit, any transaction on ``engine`` that wrote an audited table
    and inserted no audit event. Idempotent."""
    if engine in _guarded:
        return engine
    _guarded.add(engine)

    def before_cursor_execute(conn: Connection, _cursor: Any, statement: str,
                              *_: Any) -> None:
        tables = written_tables(statement)
        if not tables:
            return
        writes, audited = _state(conn)
        for name in tables:
            if name == "audit_event":
                audited[0] = True
            elif name not in UNAUDITED_TABLES:
                writes.add(name)

    def on_commit(conn: Connection) -> None:
        writes, audited = _state(conn)
        pending = sorted(writes) if writes and not audited[0] else []
        writes.clear()
        audited[0] = False
        if pending:
            raise UnauditedWrite(
                "Ændringen blev ikke gemt: den mangler en hændelse i revisionssporet "
                f"(tabeller: {', '.join(pending)})."
            )

    def on_rollback(conn: Connection) -> None:
        writes, audited = _state(conn)
        writes.clear()
        audited[0] = False

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    return engine

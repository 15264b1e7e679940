"""A session that refuses to commit an unaudited write.

The rule is that every write leaves an audit event in the same transaction.
`require_audit(session)` makes that a check: if the transaction inserted, changed
or deleted rows of an audited table (ORM objects or bulk statements) and added no
AuditEvent, commit raises UnauditedWrite and everything is rolled back.
pages/common.db_session applies it to every page's session, so a service that
forgets `nytte.audit.record` fails loudly in tests instead of writing silently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from nytte.models import AuditEvent, Base

# Reference data (code lists, regions, municipalities) is loaded by migrations, not
# written by users; summary tables are recomputed from audited rows; Jobindsats
# figures are public statistics fetched by the app. Everything else is personal or
# operational data, and a write to it needs an audit event.
UNAUDITED_TABLES = frozenset({
    "audit_event", "code_value", "region", "municipality", "alembic_version",
    "council_attendance_month", "council_referral_stats", "council_enrolled_month",
    "council_summary_state", "jobindsats_observation", "jobindsats_fetch", "data_version",
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

"""Data versions: how every server process learns that an area's data changed.

A service that writes calls ``changed(session, Area.X)`` inside its own transaction;
the area's counter in the ``data_version`` table goes up when (and only if) the
transaction commits. On a session the bump is the transaction's last statement (a
``before_commit`` step installed by nytte.core.bootstrap): the counter's row is locked
for a moment at commit, not for the whole save, so concurrent writers of one area
wait microseconds for each other instead of a whole transaction. Readers put
``versions(...)`` of the areas they depend on into their cache keys, so a cached
figure is never served after a change that any process (any replica) committed. One
invalidation per area, in the database, not in one process's memory."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import Connection, event, select, text, update
from sqlalchemy.orm import Session

from nytte.models.data_version import DataVersion


class Area(StrEnum):
    """What a write changes, in the words the caches depend on."""

    ATTENDANCE = "attendance"  # roll calls, absence reasons
    REFERRALS = "referrals"  # referrals, participants, their groups and exits
    FOLLOW_UP = "follow_up"  # status 3 and 6 months after a course
    JOBINDSATS = "jobindsats"  # figures fetched from Jobindsats
    ORG = "org"  # units, teams, closing days


PENDING = "nytte_changed_areas"
_hooks_installed = False


def changed(db: Session | Connection, *areas: Area) -> None:
    """Bump the areas' counters in the caller's transaction (sorted: no deadlocks).

    On a session the bump waits for the commit (see the module's docstring); it never
    flushes the session, so the caller's own flush reports its conflicts."""
    if isinstance(db, Session) and _hooks_installed:
        db.info.setdefault(PENDING, set()).update(areas)
    elif isinstance(db, Session):
        with db.no_autoflush:
            _bump(db, tuple(areas))
    else:
        _bump(db, tuple(areas))


def _bump_pending(session: Session) -> None:
    areas = session.info.pop(PENDING, None)
    if areas:
        with session.no_autoflush:
            _bump(session, tuple(areas))


def _forget_pending(session: Session, *_: object) -> None:
    session.info.pop(PENDING, None)


def install_session_hooks() -> None:
    """Bump pending areas just before a session commits; a rollback forgets them."""
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(Session, "before_commit", _bump_pending)
    event.listen(Session, "after_rollback", _forget_pending)
    _hooks_installed = True


def _bump(db: Session | Connection, areas: tuple[Area, ...]) -> None:
    for area in sorted(set(areas)):
        done = db.execute(
            update(DataVersion)
            .where(DataVersion.area == area.value)
            .values(version=DataVersion.version + 1)
        )
        if getattr(done, "rowcount", 1) == 0:
            # Seeded by the migration; a database without the row gets it now.
            db.execute(
                text("INSERT INTO data_version (area, version) VALUES (:a, 1)"),
                {"a": area.value},
            )


def versions(db: Session | Connection, areas: Iterable[Area]) -> tuple[int, ...]:
    """The areas' current counters, in the order asked (0 for an area never written)."""
    wanted = list(areas)
    rows = db.execute(
        select(DataVersion.area, DataVersion.version).where(
            DataVersion.area.in_([a.value for a in wanted])
        )
    ).all()
    found = {str(area): int(version) for area, version in rows}
    return tuple(int(found.get(a.value, 0)) for a in wanted)

"""Data versions: how every server process learns that an area's data changed.

A service that writes calls ``changed(session, Area.X)`` inside its own transaction;
the area's counter in the ``data_version`` table goes up when (and only if) the
transaction commits. Readers put ``versions(...)`` of the areas they depend on into
their cache keys, so a cached figure is never served after a change that any
process (any replica) committed. One invalidation per area, in the database, not in
one process's memory."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from nytte.models.data_version import DataVersion


class Area(StrEnum):
    """What a write changes, in the words the caches depend on."""

    ATTENDANCE = "attendance"  # roll calls, absence reasons
    REFERRALS = "referrals"  # referrals, participants, their groups and exits
    FOLLOW_UP = "follow_up"  # status 3 and 6 months after a course
    JOBINDSATS = "jobindsats"  # figures fetched from Jobindsats
    ORG = "org"  # units, teams, closing days


def changed(db: Session | Connection, *areas: Area) -> None:
    """Bump the areas' counters in the caller's transaction (sorted: no deadlocks).

    It does not flush the session: the caller's own flush reports its conflicts."""
    if isinstance(db, Session):
        with db.no_autoflush:
            _bump(db, areas)
    else:
        _bump(db, areas)


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

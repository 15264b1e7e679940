"""Data versions: how every server process learns that an area's data changed.

A service that writes calls ``changed(session, Area.X)`` inside its own transaction;
the area's counter in the ``data_version`` table goes up when (and only if) the
transaction commits. On a session the bump is the transaction's last statement (a
``before_commit`` step installed by nytte.core.bootstrap): the counter's row is locked
for a moment at commit, not for the whole save, so concurrent writers of one area
wait microseconds for each other instead of a whole transaction. Readers put
``versions(...)`` of the areas they depend on into their cache keys, so a cached
figure is never served after a change that any process (any replica) committed. One
invalidation per area, in the database, not in one process's memory.

Every morning each unit in the country saves its roll. If each save invalidated every
cached figure, at national scale no cache would stay warm all morning. So a write that
belongs to one municipality says so (``changed(session, Area.ATTENDANCE,
municipality_codes={"0253"})``), and a reader whose figures come from one
municipality's rows only (every municipal role: the scope rules in nytte.org.scope
never reach outside the user's municipality) asks for that municipality's versions.
Three counters per area serve this:

- ``attendance``: every write of the area (readers across municipalities: the council);
- ``attendance@0253``: writes of municipality 0253's data;
- ``attendance@*``: writes that name no municipality (retention, demo loads): every
  municipal reader depends on these too."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import Connection, event, select, text
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
ANY_MUNICIPALITY = "*"  # the counter of writes that name no municipality
_hooks_installed = False


def changed(db: Session | Connection, *areas: Area,
            municipality_codes: Iterable[str] | None = None) -> None:
    """Bump the areas' counters in the caller's transaction (sorted: no deadlocks).

    ``municipality_codes``: the municipalities whose data the write changed; without
    them the write counts for every municipality. On a session the bump waits for the
    commit (see the module's docstring); it never flushes the session, so the caller's
    own flush reports its conflicts."""
    keys = _counter_keys(areas, municipality_codes)
    if isinstance(db, Session) and _hooks_installed:
        db.info.setdefault(PENDING, set()).update(keys)
    elif isinstance(db, Session):
        with db.no_autoflush:
            _bump(db, keys)
    else:
        _bump(db, keys)


def counter_key(area: Area, municipality_code: str | None = None) -> str:
    """The data_version row of ``area`` (of one municipality's writes, or of writes
    naming none with ANY_MUNICIPALITY)."""
    return area.value if municipality_code is None else f"{area.value}@{municipality_code}"


def _counter_keys(areas: Iterable[Area], municipality_codes: Iterable[str] | None) -> set[str]:
    codes = set(municipality_codes) if municipality_codes is not None else {ANY_MUNICIPALITY}
    keys = set()
    for area in areas:
        keys.add(counter_key(area))
        keys |= {counter_key(area, code) for code in codes}
    return keys


def _bump_pending(session: Session) -> None:
    keys = session.info.pop(PENDING, None)
    if keys:
        with session.no_autoflush:
            _bump(session, keys)


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


_UPSERT = text(
    "INSERT INTO data_version (area, version) VALUES (:key, 1) "
    "ON CONFLICT (area) DO UPDATE SET version = data_version.version + 1"
)


def _bump(db: Session | Connection, keys: Iterable[str]) -> None:
    # One statement per counter, created on its first write (a municipality's counter
    # has no row until then); ON CONFLICT makes two first writers at once both count.
    for key in sorted(set(keys)):
        db.execute(_UPSERT, {"key": key})


def versions(db: Session | Connection, areas: Iterable[Area],
             municipality_code: str | None = None) -> tuple[int, ...]:
    """The areas' current counters, in the order asked (0 for a counter never written).

    With ``municipality_code``: the counters a reader of that municipality's data
    depends on (its own writes and writes naming no municipality), two per area."""
    wanted = [k for a in areas for k in (
        (counter_key(a),) if municipality_code is None
        else (counter_key(a, municipality_code), counter_key(a, ANY_MUNICIPALITY)))]
    rows = db.execute(
        select(DataVersion.area, DataVersion.version).where(DataVersion.area.in_(wanted))
    ).all()
    found = {str(area): int(version) for area, version in rows}
    return tuple(int(found.get(k, 0)) for k in wanted)

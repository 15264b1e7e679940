"""Saving edits safely: no lost updates, and a clear Danish sentence when it fails.

Referral, Attendance and Task carry a version column (SQLAlchemy version_id_col):
an UPDATE only succeeds WHERE version = the version that was read, so when two
coordinators edit the same row, the second save is refused instead of silently
overwriting the first. `apply_versioned` also compares the version the user's
form was built from; `saving` turns the database's refusals into messages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nytte.core.db import DatabaseUnavailable

__all__ = ["ConcurrentEditError", "DatabaseUnavailable", "problem_message", "saving"]


class ConcurrentEditError(RuntimeError):
    """Someone else saved the same record first; nothing of this save was written."""


STALE_MESSAGE = (
    "{what} er blevet ændret af en anden, mens du redigerede. Dine ændringer er ikke "
    "gemt. Genindlæs siden for at se den nye version, og ret igen."
)
OUTAGE_MESSAGE = (
    "Databasen kunne ikke nås, så intet er gemt. Dine indtastninger står stadig på "
    "skærmen; prøv at gemme igen om lidt."
)
BUSY_MESSAGE = (
    "Databasen er optaget af en anden, der gemmer lige nu, så intet er gemt. Dine "
    "indtastninger står stadig på skærmen; prøv at gemme igen om et øjeblik."
)
RACE_MESSAGE = (
    "En anden har gemt det samme netop nu, så intet af dit er gemt. Genindlæs siden for "
    "at se det gemte, og ret derefter igen."
)


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def problem_message(exc: BaseException) -> str | None:
    """The Danish sentence for a database fault the user can only wait out or retry
    (outage, a busy SQLite file, a lost race on a unique key), or None when ``exc`` is
    something else. Never the URL, the SQL or the driver's own text."""
    if isinstance(exc, DatabaseUnavailable):
        return OUTAGE_MESSAGE
    if isinstance(exc, IntegrityError):
        return RACE_MESSAGE if _is_unique_violation(exc) else None
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        if "database is locked" in text or "database table is locked" in text:
            return BUSY_MESSAGE
        return OUTAGE_MESSAGE
    if isinstance(exc, InterfaceError | DisconnectionError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return OUTAGE_MESSAGE
    return None


class Versioned(Protocol):
    id: Any
    version: Any


@contextmanager
def saving(what: str) -> Iterator[None]:
    """Translate a lost race or a lost connection into an error the page can show."""
    try:
        yield
    except StaleDataError as exc:
        raise ConcurrentEditError(STALE_MESSAGE.format(what=what)) from exc
    except (DBAPIError, DisconnectionError) as exc:
        message = problem_message(exc)
        if message == OUTAGE_MESSAGE:
            raise DatabaseUnavailable(OUTAGE_MESSAGE) from exc
        if message is not None:
            raise ConcurrentEditError(message) from exc
        raise


def apply_versioned(
    session: Session,
    obj: Versioned,
    expected_version: int,
    changes: Mapping[str, Any],
    what: str,
) -> dict[str, Any]:
    """Apply ``changes`` to a row the user saw at ``expected_version``; flush.

    Returns the old values of the changed fields (for the audit event). Raises
    ConcurrentEditError when the row has moved on since the user loaded it, either
    before this transaction (version compare) or during it (version_id_col)."""
    if int(obj.version) != int(expected_version):
        raise ConcurrentEditError(STALE_MESSAGE.format(what=what))
    old = {k: getattr(obj, k) for k in changes}
    for key, value in changes.items():
        setattr(obj, key, value)
    with saving(what):
        session.flush()
    return old

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

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError


class ConcurrentEditError(RuntimeError):
    """Someone else saved the same record first; nothing of this save was written."""


class DatabaseUnavailable(RuntimeError):
    """The database went away during the save; the transaction was rolled back."""


STALE_MESSAGE = (
    "{what} er blevet ændret af en anden, mens du redigerede. Dine ændringer er ikke "
    "gemt. Genindlæs siden for at se den nye version, og ret igen."
)
OUTAGE_MESSAGE = (
    "Databasen kunne ikke nås, så intet er gemt. Dine indtastninger står stadig på "
    "skærmen; prøv at gemme igen om lidt."
)


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
    except OperationalError as exc:
        raise DatabaseUnavailable(OUTAGE_MESSAGE) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailable(OUTAGE_MESSAGE) from exc
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

"""Engine and sessions. SQLite (a file under data/) is the embedded default;
NYTTE_DATABASE_URL points the same code at PostgreSQL (psycopg 3)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from nytte.core.bootstrap import bootstrap
from nytte.core.config import ConfigError, Settings, load_settings

_engines: dict[str, Engine] = {}
log = logging.getLogger(__name__)


class DatabaseUnavailable(ConfigError):
    """The database cannot be reached (down, refused, wrong address)."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the roll be saved while dashboards read; foreign keys are off by default.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; a malformed URL raises ConfigError.

    Every unit of work on it refreshes the council's summaries (nytte.core.bootstrap)."""
    bootstrap()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"NYTTE_DATABASE_URL er ikke en gyldig database-URL ({url!r}); "
            "brug fx sqlite:///data/nytte.db eller postgresql+psycopg://bruger@vært/db."
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ConfigError(
                "NYTTE_DATABASE_URL peger på en SQLite-database i hukommelsen; "
                "brug en fil, fx sqlite:///data/nytte.db."
            )
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    except NoSuchModuleError as exc:
        raise ConfigError(
            f"Databasetypen i NYTTE_DATABASE_URL kendes ikke ({parsed.drivername}); "
            "brug sqlite:/// eller postgresql+psycopg://."
        ) from exc


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured database (one pool per URL)."""
    url = (settings or load_settings()).database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def check_database(engine: Engine, *, require_schema: bool = True) -> None:
    """Connect once (and check the schema is migrated); raise ConfigError otherwise."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            tables = set(inspect(conn).get_table_names())
    except OperationalError as exc:
        raise _unavailable(engine, exc) from exc
    if require_schema and "alembic_version" not in tables:
        raise ConfigError(
            "Databasen er ikke sat op; kør 'make migrate' (alembic upgrade head) først."
        )


def ping_database(engine: Engine) -> None:
    """The database answers (DatabaseUnavailable otherwise): one ``SELECT 1``."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise _unavailable(engine, exc) from exc


def _unavailable(engine: Engine, exc: OperationalError) -> DatabaseUnavailable:
    # The URL (user, host, database) is not shown: the message may reach a visitor
    # before login. The details go to the server's log.
    log.error("database unreachable (%s): %s",
              engine.url.render_as_string(hide_password=True), exc)
    return DatabaseUnavailable(
        "Databasen kan ikke nås; ret NYTTE_DATABASE_URL eller start databaseserveren."
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    session = session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

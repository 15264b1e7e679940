"""Alembic environment: one migration history for SQLite and PostgreSQL.

render_as_batch lets ALTER-style changes run on SQLite (it copies the table)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nytte.core.config import load_settings
from nytte.core.db import make_engine
from nytte.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # A connection handed in by nytte.core.migrate (tests, CLI) wins over the settings.
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(load_settings().database_url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=load_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

"""Write generated demo data into the database in bulk.

Attendance can be ten million rows, so it bypasses the ORM: SQLite gets
executemany over tuples, PostgreSQL gets COPY. Explicit ids let attendance point at
referrals without a round trip; PostgreSQL's sequences are moved past them after.

``bulk_load`` is the transaction around it, set up as bulk loads are: the big tables'
secondary indexes (and on PostgreSQL their unique and foreign-key constraints) are
dropped first and made again from their own definitions at the end, in the same
transaction, so the result has exactly the schema the migrations made. Building an
index once from sorted data is far cheaper than keeping it up row by row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.exc import OperationalError

from nytte.demo.generate import DemoData
from nytte.models import Attendance, ClosingDay, Participant, Referral, Team, Unit

CHUNK = 100_000
BULK_TABLES = ("participant", "referral", "attendance")
"""The tables the demo fills in bulk (the others get a few hundred rows)."""

PG_MAINTENANCE_WORK_MEM = "512MB"
"""Memory for building the indexes and checking the foreign keys after the load."""

SQLITE_LOAD_CACHE_KIB = 256 * 1024
"""Page cache of the SQLite load connection (the default, 2 MB, thrashes on the indexes)."""


def _to_python(values: np.ndarray) -> list[Any]:
    """numpy column -> DB-API values (dates as ISO strings, NaT/NaN as None)."""
    if np.issubdtype(values.dtype, np.datetime64):
        days = values.astype("datetime64[D]")
        strings = np.datetime_as_string(days).astype(object)
        strings[np.isnat(days)] = None
        return cast(list[Any], strings.tolist())
    if np.issubdtype(values.dtype, np.floating):
        missing = np.isnan(values)
        if missing.any():
            out = values.astype(object)
            out[missing] = None
            return cast(list[Any], out.tolist())
        return cast(list[Any], values.tolist())
    if values.dtype == object:
        missing = pd.isna(values)  # None or a NaN among the strings
        if missing.any():
            values = values.copy()
            values[missing] = None
        return cast(list[Any], values.tolist())
    return cast(list[Any], values.tolist())


def _rows(cols: dict[str, np.ndarray], names: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
    n = len(cols[names[0]])
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        yield list(zip(*(_to_python(cols[c][lo:hi]) for c in names), strict=True))


def bulk_insert(conn: Connection, table: Table, cols: dict[str, np.ndarray]) -> int:
    names = list(cols)
    if not names or len(cols[names[0]]) == 0:
        return 0
    raw = conn.connection.dbapi_connection
    assert raw is not None
    count = 0
    if conn.dialect.name == "postgresql":
        copy_sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(copy_sql) as copy:  # type: ignore[attr-defined]
            for chunk in _rows(cols, names):
                for row in chunk:
                    copy.write_row(row)
                count += len(chunk)
        return count
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    cur = raw.cursor()
    for chunk in _rows(cols, names):
        cur.executemany(sql, chunk)
        count += len(chunk)
    cur.close()
    return count


def _drop_sqlite_indexes(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop the tables' own indexes; return the statements that make them again.
    (UNIQUE constraints are part of the table on SQLite and stay.)"""
    marks = ", ".join(f":t{i}" for i in range(len(tables)))
    rows = conn.execute(
        text(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
             f"AND tbl_name IN ({marks}) ORDER BY name"),
        {f"t{i}": t for i, t in enumerate(tables)},
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [str(sql) for _name, sql in rows]


def _drop_pg_indexes(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop the tables' secondary indexes, unique and foreign-key constraints (the
    primary keys stay: other tables' foreign keys point at them); return the statements
    that make them again: indexes and unique constraints first, foreign keys last, so
    their check finds the referenced keys indexed."""
    params = {"t": list(tables)}
    regclasses = "CAST(:t AS regclass[])"
    indexes = conn.execute(text(
        "SELECT CAST(i.indexrelid AS regclass)::text, pg_get_indexdef(i.indexrelid) "
        f"FROM pg_index i WHERE i.indrelid = ANY({regclasses}) AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
        "  AND k.conrelid = i.indrelid) ORDER BY 1"), params).all()
    constraints = conn.execute(text(
        "SELECT CAST(conrelid AS regclass)::text, conname, contype, pg_get_constraintdef(oid) "
        f"FROM pg_constraint WHERE conrelid = ANY({regclasses}) AND contype IN ('u', 'f') "
        "ORDER BY contype, 1, 2"), params).all()  # 'f' before 'u': foreign keys first
    for table, name, _kind, _definition in constraints:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    return [str(d) for _n, d in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, _kind, definition in sorted(constraints, key=lambda c: c[2] == "f")
    ]


def _owns(conn: Connection, tables: Sequence[str]) -> bool:
    """PostgreSQL: may this role drop and create the tables' indexes (it owns them)?"""
    return bool(conn.execute(text(
        "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
        "WHERE oid = ANY(CAST(:t AS regclass[]))"), {"t": list(tables)}).scalar_one())


@contextmanager
def bulk_load(engine: Engine, tables: Sequence[str] = BULK_TABLES) -> Iterator[Connection]:
    """One transaction for a bulk load into ``tables``: commit on success, roll back
    everything (the dropped indexes included) on any error.

    SQLite: the load connection uses a rollback journal instead of WAL (in WAL every
    page is written twice, to the log and at the checkpoint; into an empty file a
    rollback journal writes almost nothing) and a large page cache; WAL and the default
    cache are back when it ends. Other readers wait while it writes (it is meant for
    an empty database); when another connection has the file open, it loads in WAL.
    PostgreSQL: more maintenance memory for the index builds; the indexes are deferred
    only if this role owns the tables."""
    if engine.dialect.name == "sqlite":
        engine.dispose()  # leaving WAL needs the only connection to the file
        with engine.connect() as conn:
            # Another connection has the file open (the app?): then load through the WAL.
            with suppress(OperationalError):
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
            cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
            try:
                # DDL does not open a transaction in Python's sqlite3: open it here.
                conn.exec_driver_sql("BEGIN")
                recreate = _drop_sqlite_indexes(conn, tables)
                yield conn
                for sql in recreate:
                    conn.exec_driver_sql(sql)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
                # If the file is busy now, the app's next connection sets WAL itself.
                with suppress(OperationalError):
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return
    with engine.begin() as conn:
        conn.execute(text(f"SET LOCAL maintenance_work_mem = '{PG_MAINTENANCE_WORK_MEM}'"))
        recreate = _drop_pg_indexes(conn, tables) if _owns(conn, tables) else []
        yield conn
        for sql in recreate:
            conn.exec_driver_sql(sql)


def _offset(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def load(conn: Connection, data: DemoData, registered_at: str = "09:05:00") -> dict[str, int]:
    """Insert everything in one transaction (the caller's); return row counts."""
    unit_t, team_t, closing_t, part_t, ref_t, att_t = (
        cast(Table, m.__table__)
        for m in (Unit, Team, ClosingDay, Participant, Referral, Attendance)
    )
    # Shift the generated ids past whatever the database already holds.
    du, dt = _offset(conn, unit_t), _offset(conn, team_t)
    dp, dr = _offset(conn, part_t), _offset(conn, ref_t)
    conn.execute(unit_t.insert(), [{**u, "id": int(u["id"]) + du} for u in data.units])
    conn.execute(
        team_t.insert(),
        [{**t, "id": int(t["id"]) + dt, "unit_id": int(t["unit_id"]) + du} for t in data.teams],
    )
    conn.execute(
        closing_t.insert(), [{**c, "unit_id": int(c["unit_id"]) + du} for c in data.closing_days]
    )
    p = dict(data.participants)
    p["id"] = p["id"] + dp
    r = dict(data.referrals)
    r["id"], r["participant_id"] = r["id"] + dr, r["participant_id"] + dp
    r["unit_id"], r["team_id"] = r["unit_id"] + du, r["team_id"] + dt
    r["caseworker_ref"] = np.full(len(r["id"]), "Jobcenter", dtype=object)
    r["version"] = np.ones(len(r["id"]), dtype=int)
    a = dict(data.attendance)
    a["referral_id"] = a["referral_id"] + dr
    a["participant_id"] = a["participant_id"] + dp
    a["unit_id"], a["team_id"] = a["unit_id"] + du, a["team_id"] + dt
    a["registered_at"] = np.char.add(
        np.datetime_as_string(a["day"].astype("datetime64[D]")).astype(str),
        " " + registered_at,
    ).astype(object)
    a["version"] = np.ones(len(a["day"]), dtype=int)
    a["note"] = np.full(len(a["day"]), "", dtype=object)
    n_p = len(p["id"])
    p["created_at"] = np.full(n_p, "2023-01-01 00:00:00", dtype=object)
    counts = {
        "units": len(data.units),
        "teams": len(data.teams),
        "participants": bulk_insert(conn, part_t, p),
        "referrals": bulk_insert(conn, ref_t, r),
        "attendance": bulk_insert(conn, att_t, a),
    }
    if conn.dialect.name == "postgresql":
        for t in ("unit", "team", "closing_day", "participant", "referral", "attendance"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {t}))"
                )
            )
    return counts

"""The demo's bulk load (indexes deferred, a rollback journal on SQLite, CSV COPY on
PostgreSQL) leaves exactly the database the plain load left: the same rows, the
same summaries, and the schema the migrations make, on both backends."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, inspect, select, text

import nytte.demo.service as demo_service
from nytte.core.db import make_engine
from nytte.demo.generate import DemoData
from nytte.demo.load import load as real_load
from nytte.models import Participant
from tests.conftest import PG_ADMIN_URL

CONTENT_TABLES = (
    "unit", "team", "closing_day", "participant", "referral", "attendance",
    "council_attendance_month", "council_referral_stats", "council_enrolled_month",
)

# The demo fill (seed 1, up to 20-11-2026, the test clock's default) as the plain load
# wrote it before the bulk load: executemany on SQLite, COPY row by row on PostgreSQL,
# every index kept up while inserting. Rows and digest per table, the same on both
# backends. A change to the generator changes these on purpose: recompute them with
# content_digest on a database filled by a loader known to be right.
PLAIN_LOAD_DIGEST = {
    "unit": (18, "b57f2cb6f786cc9c"),
    "team": (21, "0d8ca765026d35ff"),
    "closing_day": (144, "28bd4f8982afc46f"),
    "participant": (4563, "f4e81e2544eb0ed9"),
    "referral": (4563, "ce87111ca8eb8860"),
    "attendance": (129048, "fae63c2959ee9df3"),
    "council_attendance_month": (717, "23b879b031fe0333"),
    "council_referral_stats": (4563, "37d198045f97be7b"),
    "council_enrolled_month": (694, "d7d8e994670cb753"),
}


def _norm(value: object) -> str:
    """One spelling per value on both backends (SQLite returns dates as text)."""
    if value is None:
        return "NULL"
    if isinstance(value, int | float | Decimal):  # bool too: SQLite returns 1 for true
        return f"{float(value):.4f}"
    if isinstance(value, datetime | date):
        return value.isoformat().replace("T", " ")[:19]
    return str(value)[:19] if _looks_like_time(str(value)) else str(value)


def _looks_like_time(value: str) -> bool:
    return len(value) >= 19 and value[4] == "-" and value[10] == " " and value[13] == ":"


def content_digest(conn: Connection) -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 over every row of the demo's tables (times of the load left
    out), sorted, so the digest does not depend on how the rows were read."""
    out: dict[str, tuple[int, str]] = {}
    for table in CONTENT_TABLES:
        cols = [c["name"] for c in inspect(conn).get_columns(table)
                if not c["name"].endswith("_at") or c["name"] == "registered_at"]
        rows = sorted(
            "\x1f".join(_norm(v) for v in row)
            for row in conn.execute(text(f"SELECT {', '.join(cols)} FROM {table}"))
        )
        digest = hashlib.sha256("\x1e".join(rows).encode()).hexdigest()[:16]
        out[table] = (len(rows), digest)
    return out


def schema_of(conn: Connection) -> dict[str, Any]:
    """Every table's indexes, unique, foreign-key, check and primary-key constraints."""
    insp = inspect(conn)
    schema: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        schema[table] = {
            "indexes": sorted(
                (i["name"] or "", tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
            ),
            "unique": sorted(
                (u["name"] or "", tuple(u["column_names"]))
                for u in insp.get_unique_constraints(table)
            ),
            "foreign_keys": sorted(
                (f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"],
                 tuple(f["referred_columns"]))
                for f in insp.get_foreign_keys(table)
            ),
            "checks": sorted((c["name"] or "", c["sqltext"])
                             for c in insp.get_check_constraints(table)),
            "primary_key": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
        }
    return schema


def _migrated_schema(request: pytest.FixtureRequest, engine: Engine) -> dict[str, Any]:
    """The schema of a freshly migrated, empty database on ``engine``'s backend."""
    if engine.dialect.name == "sqlite":
        path = request.getfixturevalue("empty_sqlite_template")
        url = f"sqlite:///{path}"
    else:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + request.getfixturevalue("empty_pg_template")
    empty = make_engine(url)
    try:
        with empty.connect() as conn:
            return schema_of(conn)
    finally:
        empty.dispose()


def test_demo_fill_gives_the_plain_loads_rows_and_summaries(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        assert content_digest(conn) == PLAIN_LOAD_DIGEST


def test_demo_fill_leaves_the_migrated_indexes_and_constraints(
    demo_engine: Engine, request: pytest.FixtureRequest
) -> None:
    """Every index and constraint the migrations make is there after the load, under
    its own name: one dropped for the load and not made again fails here."""
    with demo_engine.connect() as conn:
        loaded = schema_of(conn)
    migrated = _migrated_schema(request, demo_engine)
    assert loaded == migrated
    assert ("ix_attendance_day", ("day",), False) in loaded["attendance"]["indexes"]


def test_demo_fill_leaves_sqlite_in_wal(demo_sqlite: Engine) -> None:
    """The load writes through a rollback journal; the app's journal mode is back after."""
    with demo_sqlite.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -2000


def test_failed_fill_leaves_an_empty_database_with_every_index(
    empty_engine: Engine, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing: a failure after rows and index drops rolls both back."""
    def load_then_fail(conn: Connection, data: DemoData) -> dict[str, int]:
        real_load(conn, data)
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_service, "load", load_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        demo_service.fill_demo(empty_engine, "demo", seed=1, until=date(2026, 11, 20))
    with empty_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Participant)).scalar_one() == 0
        assert schema_of(conn) == _migrated_schema(request, empty_engine)
        if empty_engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_fill_with_the_file_open_elsewhere_loads_through_the_wal(
    empty_sqlite_template: Path, tmp_path: Path
) -> None:
    """An app connected to the file keeps the load from leaving WAL; it loads anyway."""
    path = tmp_path / "open.db"
    shutil.copy(empty_sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path)
    try:
        other.execute("SELECT COUNT(*) FROM participant").fetchone()
        counts = demo_service.fill_demo(engine, "demo", seed=1, until=date(2026, 11, 20))
        assert counts["participants"] == PLAIN_LOAD_DIGEST["participant"][0]
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        other.close()
        engine.dispose()


def test_batches_drawn_ahead_arrive_in_order_and_errors_reach_the_loader() -> None:
    def batches() -> Iterator[int]:
        yield from range(5)
        raise ValueError("generator broke")

    seen: list[int] = []
    with pytest.raises(ValueError, match="generator broke"):
        for item in demo_service.ahead(batches()):
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]

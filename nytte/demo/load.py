"""Write generated demo data into the database in bulk.

Attendance can be ten million rows, so it bypasses the ORM: SQLite gets
executemany over tuples, PostgreSQL gets COPY. Explicit ids let attendance point at
referrals without a round trip; PostgreSQL's sequences are moved past them after."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

import numpy as np
from sqlalchemy import Connection, Table, func, select, text

from nytte.demo.generate import DemoData
from nytte.models import Attendance, ClosingDay, Participant, Referral, Team, Unit

CHUNK = 100_000


def _to_python(values: np.ndarray) -> list[Any]:
    """numpy column -> DB-API values (dates as ISO strings, NaT/None as None)."""
    if np.issubdtype(values.dtype, np.datetime64):
        strings = np.datetime_as_string(values.astype("datetime64[D]"))
        return [None if s == "NaT" else s for s in strings.tolist()]
    return [None if (isinstance(v, float) and np.isnan(v)) else v for v in values.tolist()]


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

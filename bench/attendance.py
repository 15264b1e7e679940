"""Attendance benchmark: saving a 50-person morning roll, beside a naive baseline,
then each attendance page in AppTest (bench/attendance_pages.py).

    python -m bench attendance [--seed N] [--skip-pages] [--postgres ADMIN_URL]

It builds a demo database of its own (seed 1 unless told), so anyone reproduces the
figures whatever database is configured."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from nytte.attendance.roll import RollEntry, read_roll, save_roll
from nytte.core.audit import record
from nytte.core.auth import Principal, Role, demo_principal
from nytte.core.db import make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.demo.database import add_team_of, demo_database
from nytte.demo.params import DEMO_END, DEMO_MUNICIPALITY
from nytte.demo.service import fill_demo
from nytte.models import ABSENT, PRESENT, Attendance, Referral

ROOT = Path(__file__).resolve().parent.parent

BENCH_START = date(2026, 11, 23)  # the Monday after the demo data ends
BENCH_TODAY = date(2026, 12, 31)  # the roll service's "today" in the benchmark


def bench_principal(unit_ids: list[int]) -> Principal:
    return demo_principal(Role.KOORDINATOR, DEMO_MUNICIPALITY, unit_ids, "1085")


@dataclass(frozen=True)
class SaveTiming:
    rows: int
    runs: list[float]  # seconds per saved roll
    naive_runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def naive_median(self) -> float:
        return statistics.median(self.naive_runs)


def _entries(engine: Engine, principal: Principal, unit_id: int, day: date) -> list[RollEntry]:
    with session_scope(engine) as s:
        sheet = read_roll(s, principal, unit_id, day)
    entries = [RollEntry(ln.referral_id, PRESENT, None) for ln in sheet.lines]
    for i in range(0, len(entries), 10):  # every tenth person is away today
        entries[i] = RollEntry(entries[i].referral_id, ABSENT, None, "sick_reported")
    return entries


def naive_save(
    engine: Engine, principal: Principal, unit_id: int, day: date, entries: list[RollEntry]
) -> None:
    """The baseline: one transaction, lookup and audit event per person (no batching).

    A measuring stick, not a service: it is not registered in nytte.core.access."""
    for e in entries:
        with session_scope(engine) as s:
            ref = s.get(Referral, e.referral_id)
            assert ref is not None
            if s.scalar(
                select(Attendance.id).where(Attendance.referral_id == ref.id, Attendance.day == day)
            ):
                continue
            s.add(
                Attendance(
                    referral_id=ref.id,
                    participant_id=ref.participant_id,
                    unit_id=unit_id,
                    team_id=ref.team_id,
                    day=day,
                    status=e.status,
                    expected_hours=6.25,
                    hours=6.25 if e.status == PRESENT else 0.0,
                    reason_code=e.reason_code,
                    registered_by=principal.user_id,
                )
            )
            record(s, principal, "attendance.registered", "attendance", ref.id)


def time_roll_saves(engine: Engine, size: int = 50, days: int = 5) -> SaveTiming:
    """Save ``days`` rolls of ``size`` people (one commit each); also the naive baseline."""
    unit_id = add_team_of(engine, size, BENCH_START)
    principal = bench_principal([unit_id])
    working = [BENCH_START + timedelta(days=i) for i in range(days * 2 + 4)]
    working = [d for d in working if d.weekday() < 5][: days * 2]
    runs, naive = [], []
    for i, day in enumerate(working):
        entries = _entries(engine, principal, unit_id, day)
        t0 = time.perf_counter()
        if i % 2 == 0:
            with session_scope(engine) as s:
                save_roll(s, principal, unit_id, day, entries, today=BENCH_TODAY)
            runs.append(time.perf_counter() - t0)
        else:
            naive_save(engine, principal, unit_id, day, entries)
            naive.append(time.perf_counter() - t0)
    return SaveTiming(size, runs, naive)


assert DEMO_END < BENCH_START


def _print_saves(label: str, timing: SaveTiming) -> None:
    print(
        f"[{label}] save roll of {timing.rows}: median {timing.median * 1000:.0f} ms, "
        f"max {max(timing.runs) * 1000:.0f} ms over {len(timing.runs)} rolls "
        f"({'OK' if timing.median <= 0.2 else 'OVER'} budget 200 ms); naive baseline "
        f"(a transaction per person): median {timing.naive_median * 1000:.0f} ms"
    )


def _bench_postgres(admin_url: str, seed: int) -> None:
    import uuid

    import psycopg

    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"nytte_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = conninfo.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        engine = make_engine(f"{url}/{name}")
        upgrade(engine)
        fill_demo(engine, "demo", seed=seed)
        _print_saves("postgresql", time_roll_saves(engine, size=50, days=5))
        engine.dispose()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench attendance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-pages", action="store_true", help="only the roll save")
    parser.add_argument("--postgres", metavar="ADMIN_URL",
                        help="also time the save on PostgreSQL (creates and drops a database), "
                        "e.g. postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        engine = demo_database(db, args.seed)
        timing = time_roll_saves(engine, size=50, days=5)
        engine.dispose()
        _print_saves("sqlite", timing)
        if args.postgres:
            _bench_postgres(args.postgres, args.seed)
        if args.skip_pages:
            return 0
        env = {**os.environ, "NYTTE_DATABASE_URL": f"sqlite:///{db}"}
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "attendance_pages.py")],
            cwd=ROOT, env=env, check=False,
        )
        return done.returncode

"""Benchmark helpers: a demo database of its own and the timing of a 50-person roll.

Run by `python -m nytte attendance bench` (which also times the pages through
bench/attendance_pages.py, since nytte/ never imports Streamlit)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from nytte.access import requires
from nytte.attendance.roll import RollEntry, read_roll, save_roll
from nytte.audit import record
from nytte.auth import Principal, Role, demo_principal
from nytte.db import make_engine, session_scope
from nytte.demo.params import DEMO_END, DEMO_MUNICIPALITY
from nytte.demo.service import fill_demo
from nytte.migrate import upgrade
from nytte.models import ABSENT, PRESENT, Attendance, Participant, Referral, Team, Unit

BENCH_START = date(2026, 11, 23)  # the Monday after the demo data ends
BENCH_TODAY = date(2026, 12, 31)  # the roll service's "today" in the benchmark


def demo_database(path: Path, seed: int = 1) -> Engine:
    """A migrated SQLite file with the demo data, made fresh at ``path``."""
    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    fill_demo(engine, "demo", seed=seed, until=DEMO_END)
    return engine


def add_team_of(engine: Engine, size: int, start: date, name: str = "Benchmarkhold") -> int:
    """A unit with one team of ``size`` full-time participants from ``start``; its id."""
    with session_scope(engine) as s:
        unit = Unit(
            municipality_code=DEMO_MUNICIPALITY, name=f"{name} (enhed)", places=size, staff_count=3
        )
        s.add(unit)
        s.flush()
        team = Team(unit_id=unit.id, name=name, leader_name="Bench", places=size)
        s.add(team)
        s.flush()
        for i in range(size):
            p = Participant(
                municipality_code=DEMO_MUNICIPALITY,
                case_ref=f"BENCH-{unit.id}-{i:04d}",
                benefit_group="kontanthjaelp",
                visitation_group="jobparat",
                gender="M" if i % 3 else "K",
                birth_year=1990,
            )
            s.add(p)
            s.flush()
            s.add(
                Referral(
                    participant_id=p.id,
                    unit_id=unit.id,
                    team_id=team.id,
                    referred_on=start - timedelta(days=10),
                    expected_start=start,
                    mon_hours=6.25,
                    tue_hours=6.25,
                    wed_hours=6.25,
                    thu_hours=6.25,
                    fri_hours=6.25,
                )
            )
        return unit.id


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


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def naive_save(
    engine: Engine, principal: Principal, unit_id: int, day: date, entries: list[RollEntry]
) -> None:
    """The baseline: one transaction, lookup and audit event per person (no batching)."""
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

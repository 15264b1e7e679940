"""Demo databases of their own: for the evaluations, the benchmarks and the tests.

``demo_database`` makes a migrated SQLite file with the demo data (seed 1 unless
told), so figures written to docs/ or printed by a benchmark are reproduced by
anyone, whatever database is configured. ``add_team_of`` adds a unit with one team
of full-time participants, for timing a roll of a given size."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from nytte.core.db import make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.demo.params import DEMO_END, DEMO_MUNICIPALITY
from nytte.demo.service import fill_demo
from nytte.models import Participant, Referral, Team, Unit


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

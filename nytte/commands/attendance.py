"""`python -m nytte attendance evaluate at-risk|forecast` and `... attendance bench`.

Both build a demo database of their own (seed 1 unless told), so the figures they
print and write to docs/ are reproduced by anyone, whatever database is configured."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from nytte.config import REPO_ROOT


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "attendance", help="Fremmøde: evaluering af modeller og benchmark"
    )
    s = p.add_subparsers(dest="attendance_command", required=True)
    ev = s.add_parser("evaluate", help="Evaluer risikomodellen eller prognosen (skriver docs/)")
    ev.add_argument("what", choices=["at-risk", "forecast", "all"])
    ev.add_argument("--seed", type=int, default=1)
    ev.set_defaults(handler=run_evaluate)
    b = s.add_parser("bench", help="Mål gemning af en morgenregistrering og sidernes svartid")
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--skip-pages", action="store_true", help="kun gemning af registreringen")
    b.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="mål også gemning på PostgreSQL (opretter og sletter en database dér), "
        "fx postgresql://postgres@127.0.0.1:5432/test",
    )
    b.set_defaults(handler=run_bench)


def run_evaluate(args: argparse.Namespace) -> int:
    from nytte.attendance import evaluation
    from nytte.attendance.bench import demo_database

    with tempfile.TemporaryDirectory() as tmp:
        engine = demo_database(Path(tmp) / "eval.db", args.seed)
        try:
            if args.what in ("at-risk", "all"):
                path = evaluation.write(
                    evaluation.AT_RISK_DOC, evaluation.at_risk_report(engine, args.seed)
                )
                print(f"Skrevet: {path.relative_to(REPO_ROOT)}")
                print(_summary(path))
            if args.what in ("forecast", "all"):
                path = evaluation.write(
                    evaluation.FORECAST_DOC, evaluation.forecast_report(engine, args.seed)
                )
                print(f"Skrevet: {path.relative_to(REPO_ROOT)}")
                print(_summary(path))
        finally:
            engine.dispose()
    return 0


def _summary(path: Path) -> str:
    """The result tables of a written report, for the terminal."""
    return "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|")
    )


def _print_saves(label: str, timing: Any) -> None:
    print(
        f"[{label}] save roll of {timing.rows}: median {timing.median * 1000:.0f} ms, "
        f"max {max(timing.runs) * 1000:.0f} ms over {len(timing.runs)} rolls "
        f"({'OK' if timing.median <= 0.2 else 'OVER'} budget 200 ms); naive baseline "
        f"(a transaction per person): median {timing.naive_median * 1000:.0f} ms"
    )


def _bench_postgres(admin_url: str, seed: int) -> None:
    import uuid

    import psycopg

    from nytte.attendance.bench import time_roll_saves
    from nytte.db import make_engine
    from nytte.demo.params import DEMO_END
    from nytte.demo.service import fill_demo
    from nytte.migrate import upgrade

    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"nytte_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = conninfo.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        engine = make_engine(f"{url}/{name}")
        upgrade(engine)
        fill_demo(engine, "demo", seed=seed, until=DEMO_END)
        _print_saves("postgresql", time_roll_saves(engine, size=50, days=5))
        engine.dispose()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_bench(args: argparse.Namespace) -> int:
    from nytte.attendance.bench import demo_database, time_roll_saves

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
            [sys.executable, str(REPO_ROOT / "bench" / "attendance_pages.py")],
            cwd=REPO_ROOT,
            env=env,
            check=False,
        )
        return done.returncode

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


def run_bench(args: argparse.Namespace) -> int:
    from nytte.attendance.bench import demo_database, time_roll_saves

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        engine = demo_database(db, args.seed)
        timing = time_roll_saves(engine, size=50, days=5)
        engine.dispose()
        print(
            f"save roll of {timing.rows}: median {timing.median * 1000:.0f} ms, "
            f"max {max(timing.runs) * 1000:.0f} ms over {len(timing.runs)} rolls "
            f"({'OK' if timing.median <= 0.2 else 'OVER'} budget 200 ms); naive baseline "
            f"(a transaction per person): median {timing.naive_median * 1000:.0f} ms"
        )
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

"""`python -m nytte attendance evaluate at-risk|forecast|all`.

It builds a demo database of its own (seed 1 unless told), so the figures it writes
to docs/ are reproduced by anyone, whatever database is configured. The benchmark is
`python -m bench attendance`."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from nytte.core.config import REPO_ROOT


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "attendance", help="Fremmøde: evaluering af modeller"
    )
    s = p.add_subparsers(dest="attendance_command", required=True)
    ev = s.add_parser("evaluate", help="Evaluer risikomodellen eller prognosen (skriver docs/)")
    ev.add_argument("what", choices=["at-risk", "forecast", "all"])
    ev.add_argument("--seed", type=int, default=1)
    ev.set_defaults(handler=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    from nytte.attendance import evaluation
    from nytte.demo.database import demo_database

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

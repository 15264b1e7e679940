"""`python -m nytte demo --scale demo|national --seed N [--until DATE] [--if-empty]`."""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from typing import Any

from nytte.core.config import load_settings
from nytte.core.db import make_engine
from nytte.core.formats import fmt_date, fmt_int
from nytte.demo.service import Phases, database_is_empty, default_until, fill_demo


def _day(text: str) -> date:
    """A date as DD-MM-YYYY or YYYY-MM-DD (argparse turns the error into a message)."""
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato; skriv fx 20-11-2026.")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("demo", help="Fyld databasen med demodata")
    p.add_argument("--scale", choices=["demo", "national"], default="demo")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--until",
        type=_day,
        default=None,
        help="sidste dag med data (DD-MM-ÅÅÅÅ); standard: sidste arbejdsdag før i dag",
    )
    p.add_argument(
        "--if-empty", action="store_true", help="gør intet, hvis databasen allerede har data"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Loading demo data is a setup step: it runs as the owner role when there is one.
    engine = make_engine(load_settings().owner_database_url)
    if args.if_empty and not database_is_empty(engine):
        print("Databasen har allerede data; demodata springes over.")
        return 0
    until = args.until or default_until()
    t0 = time.perf_counter()
    phases = Phases()
    counts = fill_demo(engine, args.scale, args.seed, until=until, phases=phases)
    secs = time.perf_counter() - t0
    summary = ", ".join(f"{k}: {fmt_int(v)}" for k, v in counts.items())
    print(
        f"Demodata ({args.scale}, seed {args.seed}, til og med {fmt_date(until)}) "
        f"indlæst på {secs:.1f} s — {summary}"
    )
    names = {"generate": "generering", "insert": "indsættelse",
             "indexes and commit": "indeks og commit", "tasks": "opgaver og vurderinger",
             "summaries": "rådets opsummeringer", "analyze": "ANALYZE"}
    print("Tid pr. fase: " + ", ".join(
        f"{names.get(k, k)} {v:.1f} s" for k, v in phases.seconds.items()))
    return 0

"""`python -m nytte demo --scale demo|national --seed N [--if-empty]`."""

from __future__ import annotations

import argparse
import time
from typing import Any

from nytte.config import load_settings
from nytte.db import make_engine
from nytte.demo.service import database_is_empty, fill_demo
from nytte.formats import fmt_int


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("demo", help="Fyld databasen med demodata")
    p.add_argument("--scale", choices=["demo", "national"], default="demo")
    p.add_argument("--seed", type=int, default=1)
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
    t0 = time.perf_counter()
    counts = fill_demo(engine, args.scale, args.seed)
    secs = time.perf_counter() - t0
    summary = ", ".join(f"{k}: {fmt_int(v)}" for k, v in counts.items())
    print(f"Demodata ({args.scale}, seed {args.seed}) indlæst på {secs:.1f} s — {summary}")
    return 0

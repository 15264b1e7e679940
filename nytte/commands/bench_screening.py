"""``python -m nytte bench-screening``: print the screening's speed figures."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("bench-screening",
                              help="Benchmark task screening (10.000 decisions, 1.000 tasks).")
    p.add_argument("--database-url", default=None,
                   help="a database to fill (default: a temporary SQLite file); it must be "
                        "empty and is left with the benchmark data")
    p.add_argument("--decisions", type=int, default=10_000)
    p.add_argument("--tasks", type=int, default=1_000)
    p.add_argument("--runs", type=int, default=100)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from nytte.screening.bench import run_all

    print(run_all(args.database_url, args.decisions, args.tasks, args.runs))
    return 0

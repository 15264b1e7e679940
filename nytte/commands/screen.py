"""``python -m nytte screen FILE``: screen a whole task list from the command line.

Prints a JSON list to stdout, one object per task in input order. A malformed
file screens nothing: every problem goes to stderr with its row and field, and
the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from nytte.screening.batchfile import BatchFileError, read_proposals
from nytte.screening.engine import screen
from nytte.screening.policy import DEFAULT_LOOKBACK_YEARS, ScreeningPolicy
from nytte.screening.precedent import PrecedentFileError, PrecedentIndex, read_export
from nytte.screening.rulesets import RuleSetError

EXIT_OK = 0
EXIT_BAD_INPUT = 1


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{text}' er ikke en dato på formen ÅÅÅÅ-MM-DD") from exc


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("screen", help="Screen a task list (CSV or JSON) against the "
                                             "protective rules and print JSON.")
    add_arguments(p)
    p.set_defaults(handler=handle)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="CSV (comma/semicolon; UTF-8 or Latin-1) or JSON list")
    p.add_argument("--policy", choices=["strict", "lenient"], default="strict",
                   help="how recurring tasks are treated (default: strict)")
    p.add_argument("--on", type=_iso_date, default=None,
                   help="date choosing the rule set, instead of each task's start_date")
    p.add_argument("--lookback", type=int, default=DEFAULT_LOOKBACK_YEARS,
                   help="years back that work by staff counts as displacement")
    p.add_argument("--precedent", type=Path, default=None,
                   help="a precedent file (exported from Nytte) to find similar decisions in")


def run(file: Path, policy: ScreeningPolicy, on: date | None,
        precedent: Path | None) -> list[dict[str, Any]]:
    """Screen every task in ``file``; raises BatchFileError/PrecedentFileError/RuleSetError."""
    proposals = read_proposals(file.read_bytes(), file.name)
    index = PrecedentIndex(read_export(precedent.read_bytes()) if precedent else [])
    similar = index.query_many([f"{p.title}\n{p.description}" for p in proposals])
    return [screen(p, policy, on=on, similar=s).to_json()
            for p, s in zip(proposals, similar, strict=True)]


def handle(args: argparse.Namespace) -> int:
    try:
        policy = ScreeningPolicy(recurring=args.policy, displacement_lookback_years=args.lookback)
        if not args.file.is_file():
            print(f"Filen findes ikke: {args.file}", file=sys.stderr)
            return EXIT_BAD_INPUT
        results = run(args.file, policy, args.on, args.precedent)
    except (BatchFileError, PrecedentFileError, RuleSetError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nytte screen")
    add_arguments(parser)
    return handle(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

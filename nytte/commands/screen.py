"""``python -m nytte screen FILE``: screen a whole task list from the command line.

Prints a JSON list to stdout, one object per task in input order. A malformed
file screens nothing: every problem goes to stderr with its row and field, and
the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from nytte.screening.batchfile import BatchFileError, read_proposals
from nytte.screening.engine import screen
from nytte.screening.policy import DEFAULT_LOOKBACK_YEARS, ScreeningPolicy
from nytte.screening.precedent import PrecedentFileError, PrecedentIndex, Similar, read_export
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
    p.add_argument("--policy", choices=["strict", "lenient"], default=None,
                   help="how recurring tasks are treated (default: the municipality's "
                        "stored policy with --municipality, else strict)")
    p.add_argument("--on", type=_iso_date, default=None,
                   help="date choosing the rule set, instead of each task's start_date")
    p.add_argument("--lookback", type=int, default=None,
                   help="years back that work by staff counts as displacement "
                        f"(default: the stored policy, else {DEFAULT_LOOKBACK_YEARS})")
    p.add_argument("--precedent", type=Path, default=None,
                   help="a precedent file (exported from Nytte) to find similar decisions in")
    p.add_argument("--municipality", default=None, metavar="KOMMUNEKODE",
                   help="read this municipality's decisions (precedent) and policy from the "
                        "database in NYTTE_DATABASE_URL; nothing is written")


Filler = Callable[[list[list[Similar]]], list[list[Similar]]]


def _stored(municipality: str) -> tuple[PrecedentIndex, ScreeningPolicy | None, Filler]:
    """The municipality's precedent index, newest policy and a reason look-up, read from
    the database."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from nytte.core.db import get_engine
    from nytte.models import MunicipalPolicy
    from nytte.screening.precedent_cache import precedent_index, with_reasons

    with Session(get_engine()) as session:
        index = precedent_index(session, municipality)
        row = session.scalar(select(MunicipalPolicy)
                             .where(MunicipalPolicy.municipality_code == municipality)
                             .order_by(MunicipalPolicy.version.desc()).limit(1))
    policy = None
    if row is not None:
        policy = ScreeningPolicy(recurring=row.recurring,  # type: ignore[arg-type]
                                 displacement_lookback_years=row.displacement_lookback_years,
                                 professional_areas=tuple(row.professional_areas or ())
                                 or ScreeningPolicy().professional_areas,
                                 policy_id=row.id, version=row.version)
    def fill(hits: list[list[Similar]]) -> list[list[Similar]]:
        with Session(get_engine()) as session:
            return with_reasons(session, hits)

    return index, policy, fill


def run(file: Path, policy: ScreeningPolicy, on: date | None, precedent: Path | None,
        index: PrecedentIndex | None = None,
        fill: Filler | None = None) -> list[dict[str, Any]]:
    """Screen every task in ``file``; raises BatchFileError/PrecedentFileError/RuleSetError."""
    proposals = read_proposals(file.read_bytes(), file.name)
    if precedent:
        found = read_export(precedent.read_bytes())
        if index is None:
            index = PrecedentIndex(found)
        else:
            index.add(found)
    # Without decisions to compare with, no TF-IDF (nor its imports) is needed.
    similar: list[list[Similar]] = [[] for _ in proposals]
    if index is not None:
        similar = index.query_many([f"{p.title}\n{p.description}" for p in proposals])
    if fill is not None:
        similar = fill(similar)
    return [screen(p, policy, on=on, similar=s).to_json()
            for p, s in zip(proposals, similar, strict=True)]


def handle(args: argparse.Namespace) -> int:
    try:
        if not args.file.is_file():
            print(f"Filen findes ikke: {args.file}", file=sys.stderr)
            return EXIT_BAD_INPUT
        index, stored, fill = None, None, None
        if args.municipality:
            index, stored, fill = _stored(args.municipality)
        base = stored or ScreeningPolicy()
        policy = ScreeningPolicy(
            recurring=args.policy or base.recurring,
            displacement_lookback_years=base.displacement_lookback_years
            if args.lookback is None else args.lookback,
            professional_areas=base.professional_areas,
            policy_id=base.policy_id, version=base.version)
        results = run(args.file, policy, args.on, args.precedent, index, fill)
    except (BatchFileError, PrecedentFileError, RuleSetError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    # One string, one write: json.dump with an indent writes every token on its own.
    sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nytte screen")
    add_arguments(parser)
    return handle(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

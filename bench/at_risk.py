"""At-risk benchmark: the risk list's features, the first Python loop (a Python call
per referral per Monday, bench/at_risk_loop.py) against the vectorised
nytte.attendance.at_risk.build_samples, and the whole list (load, features, fit).

    python -m bench at-risk [--db URL] [--municipality 0253] [--as-of 2026-11-23]

The demo municipality's units, two years of history before the as-of day, as the
leader's risk list reads them. Without --db it builds a demo database (seed 1) of its
own; with --db sqlite:////tmp/national.db it measures a national-scale one."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.at_risk_loop import reference_build_samples
from nytte.attendance import at_risk
from nytte.attendance.data import attendance_frame, referral_frame
from nytte.core.auth import Role, demo_principal
from nytte.core.db import make_engine, session_scope
from nytte.demo.params import DEMO_MUNICIPALITY
from nytte.org.service import demo_scope


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def run(url: str, municipality: str, as_of: date) -> int:
    engine = make_engine(url)
    history_start = as_of - timedelta(days=2 * 365)
    with session_scope(engine) as s:
        units, region = demo_scope(s, municipality)
        t0 = time.perf_counter()
        att = attendance_frame(s, units, history_start, as_of - timedelta(days=1))
        refs = referral_frame(s, units)
        load = time.perf_counter() - t0
    print(f"Database: {url.split('@')[-1]}; municipality {municipality}: {len(units)} units, "
          f"{_n(len(att))} attendance rows, {_n(len(refs))} referrals (read in {load:.2f} s)")
    mondays = [d for d in at_risk.mondays(history_start, as_of)
               if d + timedelta(at_risk.LABEL_DAYS) <= as_of]
    failures = 0
    for label, days, with_label in (("training samples (every Monday)", mondays, True),
                                     ("today's scores (one day)", [as_of], False)):
        t0 = time.perf_counter()
        old = reference_build_samples(att, refs, days, with_label=with_label)
        t1 = time.perf_counter()
        new = at_risk.build_samples(att, refs, days, with_label=with_label)
        t2 = time.perf_counter()
        same = old.reset_index(drop=True).equals(new.reset_index(drop=True)) or (
            old.empty and new.empty)
        failures += not same
        print(f"{label}: {_n(len(new))} rows; Python loop {t1 - t0:.2f} s, vectorised "
              f"{t2 - t1:.3f} s ({(t1 - t0) / max(t2 - t1, 1e-9):.0f}x); "
              f"{'identical' if same else 'DIFFERENT'}")
    principal = demo_principal(Role.LEDER, municipality, units, region)
    with session_scope(engine) as s:
        t0 = time.perf_counter()
        result = at_risk.at_risk_list(s, principal, None, as_of, history_start)
        total = time.perf_counter() - t0
    print(f"The whole risk list (read, features, fit, score; {_n(result.trained_on)} "
          f"samples): {total:.2f} s")
    engine.dispose()
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench at-risk")
    parser.add_argument("--db", help="database URL (default: a fresh demo database, seed 1)")
    parser.add_argument("--municipality", default=DEMO_MUNICIPALITY)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23),
                        help="the list's day (default: the Monday after the demo data)")
    args = parser.parse_args(argv)
    if args.db:
        return run(args.db, args.municipality, args.as_of)
    with tempfile.TemporaryDirectory() as tmp:
        from nytte.demo.database import demo_database

        demo_database(Path(tmp) / "demo.db", 1).dispose()
        return run(f"sqlite:///{Path(tmp) / 'demo.db'}", args.municipality, args.as_of)

"""Council benchmark: the regional comparison from the raw tables against the summary
tables, the summary refresh, the yearly evaluation's PDF and Excel, and the pages in
AppTest with a warm cache.

    python -m bench council [--region 1084] [--year 2025] [--repeat 5] [--skip-pages]

It measures the configured database (NYTTE_DATABASE_URL)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nytte.core.db import get_engine, session_scope

ROOT = Path(__file__).resolve().parent.parent


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from nytte.core.auth import Principal, Role
    from nytte.council.evaluation import evaluation_data, evaluation_pdf, evaluation_xlsx
    from nytte.council.metrics import Scope as MScope
    from nytte.council.metrics import (
        composition_raw,
        composition_summary,
        raw_counts_by_municipality,
        summary_counts_by_municipality,
    )
    from nytte.council.periods import year
    from nytte.council.review import region_municipalities, regional_review
    from nytte.council.summary import ensure_fresh, refresh_all
    from nytte.models import Attendance

    engine = get_engine()
    period = year(args.year)
    print(f"Database: {engine.url.render_as_string(hide_password=True)} ({engine.dialect.name})")
    with session_scope(engine) as s:
        rows = s.scalar(select(func.count()).select_from(Attendance)) or 0
    print(f"Fremmøderækker: {rows:,}".replace(",", "."))
    t0 = time.perf_counter()
    with engine.begin() as conn:
        refresh_all(conn)
    print(f"Opsummering genopbygget (refresh_all): {time.perf_counter() - t0:.1f} s")
    with engine.begin() as conn:
        t0 = time.perf_counter()
        ensure_fresh(conn)
        ms = (time.perf_counter() - t0) * 1000
        print(f"Friskhedstjek (ensure_fresh, intet nyt): {ms:.1f} ms")

    with session_scope(engine) as s:
        codes = [c for c, _ in region_municipalities(s, args.region)]

        def raw() -> object:
            counts = raw_counts_by_municipality(s, codes, period)
            comp = {c: composition_raw(s, MScope((c,)), period) for c in codes}
            return counts, comp

        def summary() -> object:
            return (summary_counts_by_municipality(s, codes, period),
                    composition_summary(s, codes, period))

        assert raw() == summary(), "rå og opsummerede tal er forskellige"
        raw_med, raw_best = _time(raw, max(1, min(args.repeat, 3)))
        sum_med, sum_best = _time(summary, args.repeat)
        principal = Principal("bench", "bench", Role.RAAD, region_code=args.region)
        rev_med, rev_best = _time(lambda: regional_review(s, principal, period), args.repeat)
    print(f"Regional sammenligning, region {args.region}, {len(codes)} kommuner, {period.label}:")
    print(f"  fra rå tabeller:        median {raw_med:8.1f} ms  (bedste {raw_best:.1f} ms)")
    print(f"  fra opsummering:        median {sum_med:8.1f} ms  (bedste {sum_best:.1f} ms)"
          f"  krav ≤ 300 ms: {'OK' if sum_med <= 300 else 'FOR LANGSOM'}")
    print(f"  hele gennemgangen inkl. diskretion og måneder: median {rev_med:.1f} ms "
          f"(bedste {rev_best:.1f} ms)")

    with session_scope(engine) as s:
        demo_code = os.environ.get("NYTTE_DEMO_MUNICIPALITY", "0253")
        leader = Principal("bench", "bench", Role.LEDER, municipality_code=demo_code)

        def evaluation() -> object:
            data = evaluation_data(s, leader, args.year)
            return evaluation_pdf(data), evaluation_xlsx(data)

        ev_med, _ = _time(evaluation, 3)
    print(f"Årlig evaluering (PDF med grafer + Excel), kommune {demo_code}: median "
          f"{ev_med / 1000:.2f} s  krav < 10 s: {'OK' if ev_med < 10_000 else 'FOR LANGSOM'}")
    if not args.skip_pages:
        _bench_pages(args.repeat)
    return 0


def _bench_pages(repeat: int) -> None:
    """The pages in AppTest, in a process of their own (bench/council_pages.py)."""
    script = ROOT / "bench" / "council_pages.py"
    subprocess.run([sys.executable, str(script), "--repeat", str(repeat)], check=False,
                   cwd=ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench council")
    parser.add_argument("--region", default="1084", help="region code (default: Hovedstaden)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-pages", action="store_true", help="skip the AppTest timings")
    return run(parser.parse_args(argv))

"""`python -m nytte council refresh|export|jobindsats-fetch|jobindsats-import FILE|bench`.

``bench`` prints the figures the issue asks for: the regional comparison from the
raw tables against the summary tables, the summary refresh, the yearly
evaluation's PDF and Excel, and the pages run in AppTest with a warm cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nytte.config import REPO_ROOT, ConfigError
from nytte.db import get_engine, session_scope


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "council", help="Nøgletal og regional gennemgang: opdatering, Jobindsats, benchmark"
    )
    csub = p.add_subparsers(dest="council_command", required=True)
    r = csub.add_parser("refresh", help="Genopbyg opsummeringstabellerne")
    r.set_defaults(handler=_refresh)
    f = csub.add_parser("jobindsats-fetch", help="Hent nytteindsats-tal fra Jobindsats (API v3)")
    f.add_argument("--months", type=int, default=25)
    f.set_defaults(handler=_fetch)
    i = csub.add_parser("jobindsats-import", help="Importér en CSV eksporteret fra jobindsats.dk")
    i.add_argument("file", type=Path)
    i.set_defaults(handler=_import)
    e = csub.add_parser("export", help="Gem regionens tabeller eller mødemateriale som fil "
                        "(de samme filer som sidens downloads)")
    e.add_argument("--region", required=True, help="regionskode, fx 1085")
    e.add_argument("--period", required=True, help="2025, 2025-Q3 eller 2025-09")
    e.add_argument("--format", required=True, choices=("xlsx", "csv", "pdf"))
    e.add_argument("--out", required=True, type=Path)
    e.set_defaults(handler=_export)
    b = csub.add_parser("bench", help="Mål regional sammenligning, rapporter og sider")
    b.add_argument("--region", default="1084", help="regionskode (standard: Hovedstaden)")
    b.add_argument("--year", type=int, default=2025)
    b.add_argument("--repeat", type=int, default=5)
    b.add_argument("--skip-pages", action="store_true", help="spring AppTest-målingen over")
    b.set_defaults(handler=_bench)


def _refresh(args: argparse.Namespace) -> int:
    from nytte.council.summary import refresh_all

    t0 = time.perf_counter()
    with get_engine().begin() as conn:
        counts = refresh_all(conn)
    print(f"Opsummering genopbygget på {time.perf_counter() - t0:.1f} s: {counts}")
    return 0


def _operator() -> Any:
    """The command line runs as the operator, an administrator; the audit trail
    names the login user running it."""
    import getpass

    from nytte.auth import Principal, Role

    user = getpass.getuser()
    return Principal(f"cli:{user}", f"Kommandolinjen ({user})", Role.ADMIN)


def _fetch(args: argparse.Namespace) -> int:
    from nytte.jobindsats.client import JobindsatsClient, resolve_token
    from nytte.jobindsats.store import fetch_from_api

    token = resolve_token()
    if not token:
        raise ConfigError(
            "Der er ingen adgangsnøgle til Jobindsats; sæt NYTTE_JOBINDSATS_TOKEN."
        )
    result = fetch_from_api(get_engine(), _operator(), JobindsatsClient(token),
                            months=args.months)
    print(result.message)
    return 0 if result.ok else 1


def _import(args: argparse.Namespace) -> int:
    from nytte.jobindsats.store import import_csv

    if not args.file.is_file():
        raise ConfigError(f"Filen {args.file} findes ikke.")
    result = import_csv(get_engine(), _operator(), args.file.read_bytes(), args.file.name)
    print(result.message)
    return 0 if result.ok else 1


def _export(args: argparse.Namespace) -> int:
    from nytte.auth import Principal, Role
    from nytte.council import periods
    from nytte.council.downloads import export_file
    from nytte.models import Region

    try:
        period = periods.parse(args.period)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    with session_scope(get_engine()) as s:
        if s.get(Region, args.region) is None:
            raise ConfigError(f"Regionskoden {args.region} kendes ikke (brug fx 1085 for "
                              "Region Sjælland).")
        principal = Principal("kommandolinje", "Kommandolinjen", Role.RAAD,
                              region_code=args.region)
        content = export_file(s, principal, period, args.format)
    if not args.out.parent.is_dir():
        raise ConfigError(f"Mappen {args.out.parent} findes ikke.")
    args.out.write_bytes(content)
    size = f"{len(content):,}".replace(",", ".")
    print(f"Gemt {args.out} ({size} bytes): {period.label}, region {args.region}.")
    return 0


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def _bench(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from nytte.auth import Principal, Role
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
    """AppTest timings live in bench/council_pages.py: nytte never imports Streamlit."""
    import subprocess
    import sys

    script = REPO_ROOT / "bench" / "council_pages.py"
    subprocess.run([sys.executable, str(script), "--repeat", str(repeat)], check=False,
                   cwd=REPO_ROOT)

"""Screening benchmarks: figures printed, never asserted in tests.

    python -m bench screening [--database-url URL] [--decisions N] [--tasks N] [--runs N]


1. Screening one task with 10,000 earlier decisions in the database (target
   ≤ 50 ms), through the same service the page calls, beside the naive way
   (load every decision and refit TF-IDF for each query).
2. ``python -m nytte screen`` of 1,000 tasks (target ≤ 5 s) as a real process,
   without and with a 10,000-decision precedent file and with the decisions in the
   database, wall clock and the process's CPU seconds, beside the naive per-row
   refit (estimated from a sample: running it in full takes minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.core.db import make_engine
from nytte.core.migrate import upgrade
from nytte.models import Screening, Task
from nytte.screening import precedent_cache as precedent_cache
from nytte.screening import service as svc
from nytte.screening.engine import screen
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.precedent import PrecedentIndex, export_document
from nytte.screening.proposal import parse_proposal
from nytte.screening.synthetic import proposal_row

MUNI = "0253"


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    runs: int

    def line(self, target_ms: float | None = None) -> str:
        verdict = ""
        if target_ms is not None:
            verdict = "  OK" if self.p95_ms <= target_ms else f"  OVER {target_ms:.0f} ms"
        return (f"  {self.label:<58} median {self.median_ms:8.1f} ms   p95 {self.p95_ms:8.1f} ms"
                f"   (n={self.runs}){verdict}")


def _time(label: str, fn: Callable[[], object], runs: int) -> Timing:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(label, statistics.median(samples), p95, runs)


def fill_decisions(engine: Engine, n: int, seed: int = 7) -> None:
    """Insert ``n`` screened tasks for the benchmark municipality (bulk, one transaction)."""
    rng = random.Random(seed)
    policy = ScreeningPolicy()
    tasks, screenings = [], []
    now = datetime(2026, 11, 1, 9, 0)
    for i in range(1, n + 1):
        row = proposal_row(rng)
        p = parse_proposal(row)
        result = screen(p, policy)
        tasks.append({"id": i, "municipality_code": MUNI, "unit_id": None, "title": p.title,
                      "description": p.description, "requesting_unit": p.requesting_unit,
                      "p_number": p.p_number or "", "professional_area": p.professional_area,
                      "physical_demand": p.physical_demand, "indoor_outdoor": p.indoor_outdoor,
                      "season": p.season, "created_at": now, "created_by": "bench", "version": 1})
        screenings.append({"id": i, "task_id": i, "version": 1, "supersedes_id": None,
                           "ruleset_id": result.ruleset.id, "policy_id": None,
                           "start_date": p.start_date, "answers": p.model_dump(mode="json"),
                           "criteria": [c.to_json() for c in result.criteria],
                           "verdict": result.verdict, "decided_by": "bench",
                           "decided_at": now - timedelta(minutes=i)})
    with Session(engine) as session, session.begin():
        session.execute(insert(Task), tasks)
        session.execute(insert(Screening), screenings)
        if engine.dialect.name == "postgresql":
            # Explicit ids do not move PostgreSQL's sequences; later inserts need them moved.
            for table in ("task", "screening"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))


def bench_database(url: str, n: int, runs: int) -> list[str]:
    out = [f"1. Screening one task with {n:,} earlier decisions in the database"
           .replace(",", ".")]
    engine = make_engine(url)
    out.append(f"   database: {engine.url.render_as_string(hide_password=True)}")
    upgrade(engine)
    t0 = time.perf_counter()
    fill_decisions(engine, n)
    out.append(f"   (filled in {time.perf_counter() - t0:.1f} s)")
    principal = Principal("bench", "Benchmark", Role.LEDER, MUNI)
    rng = random.Random(99)
    rows = [proposal_row(rng) for _ in range(runs)]
    precedent_cache.clear()
    it = iter(rows * 3)

    def preview() -> None:
        with Session(engine) as session:
            r = svc.preview(session, principal, next(it))
            assert r.similar, "precedent search found nothing"

    cold = _time("first screening (loads and fits the index)", preview, 1)
    warm = _time("screen one task: service, precedent, rules (warm)", preview, runs)

    def save() -> None:
        with Session(engine) as session, session.begin():
            svc.screen_and_save(session, principal, next(it))

    saved = _time("screen and save one task (incl. write, index update)", save, runs)

    def naive() -> None:
        with Session(engine) as session:
            decisions = [precedent_cache.decision_from_row(MUNI, s)
                         for s in session.scalars(select(Screening))]
            row = next(it)
            PrecedentIndex(decisions).query(row["title"], row["description"])
            screen(parse_proposal(row), ScreeningPolicy())

    baseline = _time("naive baseline: load all + refit TF-IDF per query", naive,
                     max(3, runs // 20))
    out += [cold.line(), warm.line(50), saved.line(50), baseline.line()]
    speedup = baseline.median_ms / warm.median_ms
    out.append(f"   speed-up over the naive baseline: {speedup:.0f}×")
    engine.dispose()
    precedent_cache.clear()
    return out


def bench_cli(n_tasks: int, n_precedent: int, db_url: str) -> list[str]:
    out = [f"2. `python -m nytte screen` of {n_tasks:,} tasks (a new process each run)"
           .replace(",", ".")]
    from nytte.screening.synthetic import decisions

    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(3)
        tasks = Path(tmp) / "opgaver.json"
        tasks.write_text(json.dumps([proposal_row(rng) for _ in range(n_tasks)],
                                    ensure_ascii=False), encoding="utf-8")
        prec = Path(tmp) / "praecedens.json"
        prec_decisions = decisions(n_precedent)
        prec.write_text(export_document(prec_decisions, MUNI), encoding="utf-8")

        def run(label: str, *extra: str) -> str:
            # The process's CPU seconds (user + sys) beside the wall clock: on a loaded
            # machine the wall clock mostly measures the others.
            cpu0 = _children_cpu()
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "nytte", "screen", str(tasks), *extra],
                                  capture_output=True, text=True, check=False,
                                  env={**os.environ, "NYTTE_DATABASE_URL": db_url})
            took = time.perf_counter() - t0
            cpu = _children_cpu() - cpu0
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr)
            if len(json.loads(proc.stdout)) != n_tasks:
                raise RuntimeError("wrong number of results")
            return (f"  {label:<58} {took:8.2f} s  (CPU {cpu:.2f} s)"
                    + ("  OK" if took <= 5 else "  OVER 5 s"))

        out.append(run("without precedent"))
        out.append(run(f"with a {n_precedent:,}-decision precedent file".replace(",", "."),
                       "--precedent", str(prec)))
        out.append(run("with the municipality's decisions in the database",
                       "--municipality", MUNI))
        sample_rows = json.loads(tasks.read_text(encoding="utf-8"))[:3]
        t0 = time.perf_counter()
        for row in sample_rows:
            PrecedentIndex(prec_decisions).query(row["title"], row["description"])
        per_row = (time.perf_counter() - t0) / len(sample_rows)
        out.append(f"  {'naive baseline: refit TF-IDF per row (estimated)':<58} "
                   f"{per_row * n_tasks:8.0f} s  ({per_row * 1000:.0f} ms × {n_tasks})")
    return out


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_all(url: str | None = None, decisions_n: int = 10_000, tasks_n: int = 1_000,
            runs: int = 100) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = ["Screening benchmarks",
             f"machine: {os.cpu_count()} cores, load average {load:.1f} at start "
             "(figures from a loaded machine are slower)", ""]
    with tempfile.TemporaryDirectory() as tmp:
        db_url = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        lines += bench_database(db_url, decisions_n, runs)
        lines.append("")
        lines += bench_cli(tasks_n, decisions_n, db_url)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench screening")
    parser.add_argument("--database-url", default=None,
                        help="a database to fill (default: a temporary SQLite file); it must "
                        "be empty and is left with the benchmark data")
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args(argv)
    print(run_all(args.database_url, args.decisions, args.tasks, args.runs))
    return 0

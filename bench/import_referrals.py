"""Benchmark: validate and import N referral rows (CSV and .xlsx) into a fresh demo DB.

    python -m bench import [N]

Prints rows, seconds and rows per second for: reading + validating a file that is
refused at its last row (nothing written), and a full import (one transaction)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.core.db import make_engine
from nytte.core.migrate import upgrade
from nytte.demo.service import fill_demo
from nytte.io.errors import ImportRejected
from nytte.io.workbook import workbook_bytes
from nytte.referrals.imports import import_referrals

HEADER = ["sagsnr", "ydelsesgruppe", "visitationsgruppe", "køn", "fødselsår", "enhed", "hold",
          "henvist", "forventet_start", "timer_pr_uge", "ugedage", "sagsbehandler"]
TODAY = date(2026, 11, 20)
LEDER = Principal("bench", "Bench", Role.LEDER, "0253")


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        referred = TODAY - timedelta(days=i % 300)
        out.append([f"BENCH-{i:06d}", "kontanthjaelp", "jobparat", "KM"[i % 2],
                    str(1960 + i % 45), "Citykorpset" if i % 2 else "Service++", "",
                    referred.strftime("%d-%m-%Y"),
                    (referred + timedelta(days=7)).strftime("%d-%m-%Y"), "25,5",
                    "man,tir,ons,tor", "Jobcenter"])
    return out


def as_csv(data: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(r) for r in [HEADER, *data]).encode("utf-8")


def as_xlsx(data: list[list[str]]) -> bytes:
    return workbook_bytes(HEADER, data)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 5000
    data = rows(n)
    bad = [*data[:-1], [*data[-1][:9], "-1", *data[-1][10:]]]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        fill_demo(engine, "demo", seed=1)
        for kind, content, name in (("csv", as_csv, "b.csv"), ("xlsx", as_xlsx, "b.xlsx")):
            payload = content(bad)
            t0 = time.perf_counter()
            try:
                with Session(engine) as s, s.begin():
                    import_referrals(s, LEDER, payload, name, today=TODAY)
            except ImportRejected as exc:
                assert exc.problems[0].row == n + 1
            secs = time.perf_counter() - t0
            print(f"refused {kind:4} {n} rows, {len(payload) / 1e6:.1f} MB: {secs:.2f} s "
                  f"({n / secs:,.0f} rows/s), nothing written")
        payload = as_csv(data)
        t0 = time.perf_counter()
        with Session(engine) as s, s.begin():
            result = import_referrals(s, LEDER, payload, "b.csv", today=TODAY)
        secs = time.perf_counter() - t0
        print(f"imported csv  {result.rows} rows: {secs:.2f} s ({result.rows / secs:,.0f} rows/s), "
              f"{result.rows + 1} audit events in the same transaction")
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m nytte council refresh|jobindsats-fetch|jobindsats-import FILE`.

The council's benchmark is `python -m bench council` (bench/council.py)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from nytte.config import ConfigError
from nytte.db import get_engine


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "council", help="Nøgletal og regional gennemgang: opdatering og Jobindsats"
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


def _refresh(args: argparse.Namespace) -> int:
    from nytte.council.summary import refresh_all

    t0 = time.perf_counter()
    with get_engine().begin() as conn:
        counts = refresh_all(conn)
    print(f"Opsummering genopbygget på {time.perf_counter() - t0:.1f} s: {counts}")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from nytte.jobindsats.client import JobindsatsClient, resolve_token
    from nytte.jobindsats.store import fetch_from_api

    token = resolve_token()
    if not token:
        raise ConfigError(
            "Der er ingen adgangsnøgle til Jobindsats; sæt NYTTE_JOBINDSATS_TOKEN."
        )
    result = fetch_from_api(get_engine(), JobindsatsClient(token), months=args.months)
    print(result.message)
    return 0 if result.ok else 1


def _import(args: argparse.Namespace) -> int:
    from nytte.jobindsats.store import import_csv

    if not args.file.is_file():
        raise ConfigError(f"Filen {args.file} findes ikke.")
    result = import_csv(get_engine(), args.file.read_bytes(), args.file.name)
    print(result.message)
    return 0 if result.ok else 1

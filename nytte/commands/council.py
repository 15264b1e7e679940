"""`python -m nytte council refresh|export|jobindsats-fetch|jobindsats-import FILE`.

The council's benchmark is `python -m bench council` (bench/council.py)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from nytte.core.config import ConfigError
from nytte.core.db import get_engine, session_scope


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
    e = csub.add_parser("export", help="Gem regionens tabeller eller mødemateriale som fil "
                        "(de samme filer som sidens downloads)")
    e.add_argument("--region", required=True, help="regionskode, fx 1085")
    e.add_argument("--period", required=True, help="2025, 2025-Q3 eller 2025-09")
    e.add_argument("--format", required=True, choices=("xlsx", "csv", "pdf"))
    e.add_argument("--out", required=True, type=Path)
    e.set_defaults(handler=_export)


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

    from nytte.core.auth import Principal, Role

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
    from nytte.core.auth import Principal, Role
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


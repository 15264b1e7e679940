"""`python -m nytte retention [--months N] [--dry-run]`: anonymise expired personal data
and delete stale roll drafts."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from nytte.admin.retention import BIRTH_YEAR_MODES, anonymise_expired, delete_stale_drafts
from nytte.core import clock
from nytte.core.config import RetentionSettings
from nytte.core.db import get_engine, session_scope
from nytte.core.formats import fmt_date, fmt_int


def register(sub: Any) -> None:
    settings = RetentionSettings()
    p: argparse.ArgumentParser = sub.add_parser(
        "retention", help="Anonymisér persondata, når opbevaringsperioden er udløbet"
    )
    p.add_argument("--months", type=int, default=settings.months,
                   help="måneder efter forløbets afslutning (standard: NYTTE_RETENTION_MONTHS "
                        f"eller {settings.months})")
    p.add_argument("--birth-year", choices=BIRTH_YEAR_MODES, default=settings.birth_year,
                   help="fødselsår: coarsen (femårsinterval), remove eller keep")
    p.add_argument("--draft-days", type=int, default=settings.draft_days,
                   help="dage uden ændring, før en ikke-gemt fremmøderegistrering (kladde) "
                        f"slettes (standard: NYTTE_RETENTION_DRAFT_DAYS eller "
                        f"{settings.draft_days})")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="beregn som på denne dato (ÅÅÅÅ-MM-DD); til test")
    p.add_argument("--dry-run", action="store_true", help="vis kun, hvor mange der berøres")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.months < 1:
        print("Fejl: --months skal være mindst 1.")
        return 2
    if args.draft_days < 1:
        print("Fejl: --draft-days skal være mindst 1.")
        return 2
    today = args.today or clock.today()
    with session_scope(get_engine()) as session:
        result = anonymise_expired(
            session, months=args.months, today=today, birth_year=args.birth_year,
            dry_run=args.dry_run,
        )
        drafts = delete_stale_drafts(session, days=args.draft_days, today=today,
                                     dry_run=args.dry_run)
    verb = "ville blive anonymiseret" if args.dry_run else "anonymiseret"
    per = ", ".join(f"{m}: {fmt_int(n)}" for m, n in sorted(result.by_municipality.items()))
    print(
        f"{fmt_int(result.anonymised)} deltagere {verb} (forløb afsluttet senest "
        f"{fmt_date(result.cutoff)}){' — ' + per if per else ''}."
    )
    drafts_verb = "ville blive slettet" if args.dry_run else "slettet"
    print(f"{fmt_int(drafts)} ikke-gemte fremmøderegistreringer (kladder) {drafts_verb} "
          f"(uændret i mere end {fmt_int(args.draft_days)} dage).")
    return 0

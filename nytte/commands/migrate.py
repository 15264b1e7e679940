"""`python -m nytte migrate`: upgrade the schema to head and sync reference data."""

from __future__ import annotations

import argparse
from typing import Any

from nytte.db import check_database, get_engine
from nytte.migrate import upgrade


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("migrate", help="Opdatér databasens skema")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    engine = get_engine()
    check_database(engine, require_schema=False)
    upgrade(engine)
    print(f"Databasen er opdateret: {engine.url.render_as_string(hide_password=True)}")
    return 0

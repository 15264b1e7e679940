"""`python -m nytte migrate`: upgrade the schema to head and sync reference data.

With NYTTE_MIGRATE_DATABASE_URL set (PostgreSQL), the migrations run as that owner
role and the role in NYTTE_DATABASE_URL gets the grants the app needs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.engine import make_url

from nytte.core.config import load_settings
from nytte.core.db import check_database, make_engine
from nytte.core.migrate import upgrade


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("migrate", help="Opdatér databasens skema")
    p.set_defaults(handler=run)


def app_role_of(database_url: str, owner_url: str) -> str | None:
    """The app's role to grant to, when the app and the migrations use different roles."""
    app_user = make_url(database_url).username
    if make_url(owner_url).get_backend_name() != "postgresql" or not app_user:
        return None
    return app_user if app_user != make_url(owner_url).username else None


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.owner_database_url)
    check_database(engine, require_schema=False)
    app_role = None
    if settings.migrate_database_url:
        app_role = app_role_of(settings.database_url, settings.migrate_database_url)
    elif engine.dialect.name == "postgresql":
        print(
            "Advarsel: NYTTE_MIGRATE_DATABASE_URL er ikke sat, så appen ejer tabellerne og "
            "kan omskrive revisionssporet; brug to roller i drift (se README).",
            file=sys.stderr,
        )
    upgrade(engine, app_role=app_role)
    granted = f"; rettigheder givet til rollen {app_role}" if app_role else ""
    print(f"Databasen er opdateret: {engine.url.render_as_string(hide_password=True)}{granted}")
    return 0

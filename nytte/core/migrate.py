"""Bring a database to the newest schema and reference data.

Run as its own step (`python -m nytte migrate`, `make migrate`) before the app
starts, never from a Streamlit script (it reruns on every click)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from nytte.core.config import REPO_ROOT, load_settings
from nytte.core.db import session_scope
from nytte.core.db_roles import grant_app_role, install_audit_rules
from nytte.core.reference import read_code_lists, read_municipalities, sync_reference_data


def alembic_config() -> Config:
    return Config(str(REPO_ROOT / "alembic.ini"))


def upgrade(engine: Engine, revision: str = "heads", *, app_role: str | None = None) -> None:
    """Run Alembic migrations on ``engine`` (the owner's connection) and sync the
    reference data. On PostgreSQL, (re)install the database's audit rules and, given
    ``app_role``, grant the application's role what it needs (nytte.core.db_roles)."""
    reference_dir = load_settings().reference_dir
    # Read the reference files first: a missing one stops before the schema changes.
    read_municipalities(reference_dir)
    read_code_lists()
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with session_scope(engine) as session:
        sync_reference_data(session, reference_dir)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            install_audit_rules(conn)
            if app_role:
                grant_app_role(conn, app_role)

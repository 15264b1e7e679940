"""Bring a database to the newest schema and reference data.

Run as its own step (`python -m nytte migrate`, `make migrate`) before the app
starts, never from a Streamlit script (it reruns on every click)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from nytte.config import REPO_ROOT, load_settings
from nytte.db import session_scope
from nytte.reference import read_code_lists, read_municipalities, sync_reference_data


def alembic_config() -> Config:
    return Config(str(REPO_ROOT / "alembic.ini"))


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Run Alembic migrations on ``engine`` and sync the reference data."""
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

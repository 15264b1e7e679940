"""Helpers for the trust tests: writable demo databases, a checksum of every table,
rendering one page function as a given principal, and the text an AppTest shows."""

from __future__ import annotations

import ast
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from nytte.auth import Principal
from nytte.db import make_engine
from nytte.models import Base

ROOT = Path(__file__).resolve().parent.parent
PRINCIPAL_KEY = "nytte_principal"


@contextmanager
def writable_copy(demo: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the demo database (SQLite file copy, or a new PG database)."""
    if demo.dialect.name == "sqlite":
        src = Path(str(demo.url.database))
        dst = tmp_path / "copy.db"
        with demo.connect() as conn:  # flush the WAL into the main file first
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(src, dst)
        engine = make_engine(f"sqlite:///{dst}")
        yield engine
        engine.dispose()
        return
    from tests.conftest import _migrated_demo, create_pg_database, drop_pg_database

    url, name = create_pg_database()
    engine = _migrated_demo(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_database(name)


def db_checksum(engine: Engine) -> str:
    """SHA-256 over every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(Base.metadata.sorted_tables, key=lambda t: t.name):
            digest.update(table.name.encode())
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def page_modules() -> dict[str, str]:
    """Page key -> 'pages.<module>' as app.py's RENDERERS routes it (read from the source)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == "RENDERERS":
            assert isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict)
            out = {}
            for k, v in zip(node.value.keys, node.value.values, strict=True):
                assert isinstance(k, ast.Constant) and isinstance(v, ast.Attribute)
                assert isinstance(v.value, ast.Name)
                out[str(k.value)] = f"pages.{v.value.id}"
            return out
    raise AssertionError("RENDERERS not found in app.py")


def _render_page(module: str) -> None:
    import importlib

    importlib.import_module(module).render()


def render_as(module: str, principal: Principal | None, timeout: float = 60) -> AppTest:
    """Run one page function in AppTest with ``principal`` as the logged-in user."""
    at = AppTest.from_function(_render_page, args=(module,), default_timeout=timeout)
    if principal is not None:
        at.session_state[PRINCIPAL_KEY] = principal
    at.run()
    return at


def shown_text(at: AppTest) -> str:
    """Everything an AppTest run put on the screen, as one string (tables included)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
        for attr in ("value", "label", "body", "options", "help", "placeholder"):
            try:
                val = getattr(node, attr, None)
            except Exception:  # some elements compute values lazily from protos
                continue
            if isinstance(val, pd.DataFrame):
                parts.append(val.to_csv())
            elif isinstance(val, list | tuple):
                parts.extend(str(v) for v in val)
            elif val is not None and not callable(val):
                parts.append(str(val))

    walk(at._tree)
    return "\n".join(parts)

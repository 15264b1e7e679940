"""Helpers for the trust tests: writable demo databases, a checksum of every table,
rendering one page function as a given principal, and the text an AppTest shows."""

from __future__ import annotations

import ast
import hashlib
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from nytte.core.auth import Principal
from nytte.core.db import make_engine
from nytte.models import Base

ROOT = Path(__file__).resolve().parent.parent
PRINCIPAL_KEY = "nytte_principal"


@contextmanager
def writable_copy(demo: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the demo database (SQLite file copy, or a PG database cloned
    from it as a template)."""
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
    from tests.conftest import clone_pg_database, drop_pg_database

    url, name = clone_pg_database(str(demo.url.database))
    engine = make_engine(url)
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
    for node in elements(at):
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
    return "\n".join(parts)


def elements(at: AppTest) -> Iterator[Any]:
    """Every element of an AppTest run, each one's children before it."""

    def walk(node: Any) -> Iterator[Any]:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)
        yield node

    return walk(at._tree)


# --- a real OIDC provider and the app with login configured ---------------------------


@contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 (a real OpenID provider); yields its issuer URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    from bench.server import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                            timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oidc-provider-mock did not start") from None
                time.sleep(0.2)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def register_user(issuer: str, sub: str, claims: Mapping[str, object]) -> None:
    """Tell the provider which claims (e.g. groups) the ID token for ``sub`` carries."""
    import json
    import urllib.parse
    import urllib.request

    req = urllib.request.Request(
        f"{issuer}/users/{urllib.parse.quote(sub)}", data=json.dumps(claims).encode(),
        method="PUT", headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 204


def write_auth_secrets(path: Path, issuer: str, app_port: int) -> Path:
    """A secrets.toml with an [auth] section for the provider; random secrets, in tmp."""
    import secrets

    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "nytte-test"\n'
        f'client_secret = "{secrets.token_urlsafe(24)}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@contextmanager
def running_app_with_login(env: dict[str, str], issuer: str, tmp: Path) -> Iterator[str]:
    """Serve app.py with login against ``issuer``; the secrets file lives in ``tmp``."""
    from bench.server import free_port
    from tests.server import running_app

    port = free_port()
    secrets_file = write_auth_secrets(tmp / "secrets.toml", issuer, port)
    with running_app(env, port=port, extra_args=[f"--secrets.files={secrets_file}"]) as base:
        yield base


def settle(page: Any, start_timeout: float = 2000) -> None:
    """After a click: wait for the rerun it triggers to start, then to finish.

    wait_for_run alone can return before the rerun has begun (the click's message
    takes a moment to reach the server), and then reads the old page."""
    from contextlib import suppress

    from tests.server import wait_for_run

    # A timeout here means the rerun was already over, or none was triggered.
    with suppress(Exception):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']",
                               timeout=start_timeout)
    wait_for_run(page)

"""Shared fixtures: migrated demo databases on SQLite and PostgreSQL.

PostgreSQL tests create a database of their own (other runs may share the server)
and drop it afterwards. Where the server cannot be reached they skip, saying why;
with NYTTE_REQUIRE_POSTGRES=1 (set by .ci/run) they fail instead."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nytte.core.db import dispose_engines, make_engine
from nytte.core.migrate import upgrade
from nytte.demo.service import fill_demo

PG_ADMIN_URL = os.environ.get(
    "NYTTE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ROOT = Path(__file__).resolve().parent.parent

# The whole suite runs on a fixed day (a Monday, after the demo's last data), in this
# process and in every app server it starts: no test may depend on the day it runs.
TEST_TODAY = "2026-11-23"
os.environ["NYTTE_TODAY"] = TEST_TODAY


def _pg_unavailable(reason: str) -> None:
    msg = f"PostgreSQL at {PG_ADMIN_URL} is unreachable ({reason}); data-layer tests need it."
    if os.environ.get("NYTTE_REQUIRE_POSTGRES") == "1":
        pytest.fail(msg + " NYTTE_REQUIRE_POSTGRES=1 forbids skipping.")
    pytest.skip(msg)


def create_pg_database() -> tuple[str, str]:
    """Create a uniquely named database; return (its URL, its name)."""
    import psycopg

    name = f"nytte_test_{uuid.uuid4().hex[:10]}"
    conninfo = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _pg_unavailable(str(exc).strip().splitlines()[0])
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def clone_pg_database(template: str) -> tuple[str, str]:
    """A new database copied from the database ``template`` (CREATE DATABASE … TEMPLATE):
    a migrated or demo-filled copy in about a second instead of a fresh fill (a minute)."""
    import psycopg

    name = f"nytte_test_{uuid.uuid4().hex[:10]}"
    conninfo = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
        # PostgreSQL copies only a database nobody is connected to. Idle pooled
        # connections of this run's engines are closed; their pools ping and reconnect.
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (template,))
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def drop_pg_database(name: str) -> None:
    import psycopg

    conninfo = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url, name = create_pg_database()
    yield url
    dispose_engines()
    drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'nytte.db'}"


def _migrated_demo(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    fill_demo(engine, "demo", seed=1)
    return engine


@pytest.fixture(scope="session")
def demo_sqlite(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite file with the demo data (seed 1). Read-only for tests."""
    engine = _migrated_demo(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_pg(pg_url: str) -> Iterator[Engine]:
    engine = _migrated_demo(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_engine(request: pytest.FixtureRequest) -> Engine:
    """The demo database on each backend: data-layer tests run on both."""
    name = "demo_sqlite" if request.param == "sqlite" else "demo_pg"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def empty_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file that tests copy (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def empty_pg_template() -> Iterator[str]:
    """The name of a migrated, empty PostgreSQL database that tests clone."""
    url, name = create_pg_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield name
    drop_pg_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated, empty database per test on each backend (for writes): a copy
    of one migrated template, so each test starts from exactly the same state."""
    if request.param == "sqlite":
        path = tmp_path / "w.db"
        shutil.copy(request.getfixturevalue("empty_sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    url, name = clone_pg_database(request.getfixturevalue("empty_pg_template"))
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_database(name)


@pytest.fixture
def app_db(demo_sqlite: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the Streamlit app at the demo SQLite database for AppTest runs."""
    url = demo_sqlite.url.render_as_string(hide_password=False)
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    dispose_engines()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with browser or slow tests first, each file's tests kept together and in
    their order: `make test` hands whole files to its workers (pytest-xdist, --dist
    loadfile) in this order, so the long files start early and the short ones fill
    the gaps, instead of a long browser file starting last on one worker."""
    heavy = {item.path for item in items
             if item.get_closest_marker("browser") or item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in heavy)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    """pytest-playwright: drive Debian's Chromium (no `playwright install` here)."""
    from tests.server import CHROMIUM, CHROMIUM_ARGS

    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}

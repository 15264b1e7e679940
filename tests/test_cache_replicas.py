"""Page caches stay correct across replicas: two app processes on one PostgreSQL.

This test process is replica A (AppTest, with Streamlit's per-process caches); a
subprocess is replica B. A shows the figures and so fills its caches; B saves a
morning roll; A's next rerun must show the new figures on the coordinator's
overview and the manager's overview, although nothing ran in A's process to clear
its cache. Only the data version in the database tells A that the data changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nytte.core.auth import Role
from nytte.core.data_version import Area, versions
from nytte.core.db import make_engine, session_scope
from tests.apptest_helpers import app_reading, open_page
from tests.conftest import clone_pg_database, drop_pg_database
from tests.replica_scenarios import ROLL_DAY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shared_pg(demo_pg: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """One writable PostgreSQL database with the demo data, seen by both replicas."""
    url, name = clone_pg_database(str(demo_pg.url.database))
    engine = make_engine(url)
    # Both replicas use the test database as its owner: allowed here, loudly.
    monkeypatch.setenv("NYTTE_ALLOW_OWNER_DATABASE_ROLE", "1")
    with app_reading(url, monkeypatch):
        yield engine
    engine.dispose()
    drop_pg_database(name)


def _replica_b_saves_a_roll() -> str:
    out = subprocess.run(
        [sys.executable, "-m", "tests.replica_scenarios", "save-roll"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def _expected_days(at: object) -> list[str]:
    return [m.value for m in at.metric if m.label == "Forventede dage"]  # type: ignore[attr-defined]


def _manager_table(at: object) -> list[list[str]]:
    frame = at.dataframe[0].value  # type: ignore[attr-defined]
    return [list(map(str, row)) for row in frame.itertuples(index=False)]


def test_a_roll_saved_on_one_replica_shows_on_another(shared_pg: Engine) -> None:
    # Replica A: the coordinator's overview for the roll's day, and the manager's
    # overview for its month; each read twice, so the second comes from A's cache.
    coordinator = open_page(Role.KOORDINATOR, "fremmoedeoverblik")
    coordinator.date_input(key="fremmoedeoverblik:period").set_value((ROLL_DAY, ROLL_DAY)).run()
    assert _expected_days(coordinator) == ["0"]
    manager = open_page(Role.LEDER, "ledelse")
    manager.radio(key="ledelse_kind").set_value("måned").run()
    manager.selectbox(key="ledelse_period").select_index(0).run()  # November 2026
    assert not manager.exception, [e.value for e in manager.exception]
    before = _manager_table(manager)
    manager.run()
    assert _manager_table(manager) == before  # nothing changed: same figures

    with session_scope(shared_pg) as s:
        version_before = versions(s, [Area.ATTENDANCE])
    assert _replica_b_saves_a_roll().startswith("Gemt:")
    with session_scope(shared_pg) as s:
        assert versions(s, [Area.ATTENDANCE])[0] == version_before[0] + 1

    # Replica A's next rerun: nothing cleared its caches, yet both pages are current.
    coordinator.run()
    saved_days = _expected_days(coordinator)
    assert saved_days != ["0"] and int(saved_days[0]) >= 20
    manager.run()
    assert not manager.exception
    assert _manager_table(manager) != before

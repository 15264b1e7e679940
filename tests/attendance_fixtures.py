"""Fixtures for the attendance tests: a writable demo database per backend.

Writes happen in a session that the test rolls back (the roll services only flush),
so one demo database per module and backend serves every write test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role, demo_principal
from nytte.core.db import session_factory
from tests.trust_helpers import writable_copy

DAY = date(2026, 11, 23)  # the Monday after the demo data ends: nobody registered yet
CITY = 2  # Citykorpset
SERVICE = 1  # Service++


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def writable_demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A private copy of the demo database on each backend, for this module's writes."""
    name = "demo_sqlite" if request.param == "sqlite" else "demo_pg"
    demo: Engine = request.getfixturevalue(name)
    with writable_copy(demo, tmp_path_factory.mktemp("att")) as engine:
        yield engine


@pytest.fixture
def session(writable_demo: Engine) -> Iterator[Session]:
    """A session whose writes are rolled back after the test."""
    s = session_factory(writable_demo)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def coordinator(units: tuple[int, ...] = (SERVICE, CITY)) -> Principal:
    return demo_principal(Role.KOORDINATOR, "0253", units, "1085")


def manager() -> Principal:
    return demo_principal(Role.LEDER, "0253", (), "1085")

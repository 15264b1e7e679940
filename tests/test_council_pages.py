"""The manager's page in AppTest: drill-down to a unit's teams and the yearly evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from nytte.core.auth import Role
from nytte.core.db import session_scope
from nytte.models import AuditEvent
from tests.apptest_helpers import app_reading, open_page
from tests.trust_helpers import writable_copy


@pytest.fixture
def own_demo(demo_sqlite: Engine, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A demo database of this test's own: the page writes an audit event."""
    with writable_copy(demo_sqlite, tmp_path) as engine, \
            app_reading(engine.url.render_as_string(hide_password=False), monkeypatch):
        yield engine


def test_drill_down_and_yearly_evaluation(own_demo: Engine) -> None:
    at = open_page(Role.LEDER, "ledelse")
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert "Fremmødeprocent" in labels and "Job eller uddannelse 3 måneder efter" in labels
    assert all(m.help for m in at.metric)  # every figure carries its definition
    units = at.selectbox(key="ledelse_unit")
    units.select_index(1).run()  # the first unit: the drill-down lists its teams
    assert not at.exception
    drill = at.dataframe[-1].value
    assert drill.columns[0] == "Enhed/hold" and len(drill) >= 2
    at.button(key="ledelse_eval_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(own_demo) as s:
        made = s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "yearly_evaluation_generated"))
    assert made == 1

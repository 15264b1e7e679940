"""The screening pages in AppTest: validation messages, policy versions, portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.auth import Role
from nytte.db import dispose_engines, make_engine
from nytte.demo.service import fill_demo
from nytte.migrate import upgrade
from nytte.models import MunicipalPolicy, Task
from nytte.services.screening_demo import screen_demo_tasks
from tests.apptest_helpers import open_page

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A demo database of this test's own (the pages write to it)."""
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fill_demo(engine, "demo", seed=1)
    screen_demo_tasks(engine, "0253")
    engine.dispose()
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    import streamlit as st

    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()
    dispose_engines()


def test_empty_form_is_refused_with_named_fields_and_nothing_saved(own_db: str) -> None:
    engine = make_engine(own_db)
    with Session(engine) as s:
        before = s.scalar(select(func.count(Task.id)))
    at = open_page(Role.KOORDINATOR, "opgavescreening")
    assert not at.exception
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("ikke gemt" in e.value for e in at.error)
    texts = " ".join(t.value for t in at.text)
    assert "'Titel' mangler" in texts
    assert "'Opgavebeskrivelse' mangler" in texts
    assert "(title)" not in texts  # Danish labels, never field keys
    with Session(engine) as s:
        assert s.scalar(select(func.count(Task.id))) == before
    engine.dispose()


def test_admin_saves_a_policy_version(own_db: str) -> None:
    at = open_page(Role.ADMIN, "screeningpolitik")
    assert not at.exception
    at.radio(key="pol_rec").set_value("lenient")
    at.number_input(key="pol_years").set_value(7)
    at.button[0].click().run()
    assert not at.exception
    engine = make_engine(own_db)
    with Session(engine) as s:
        row = s.scalar(select(MunicipalPolicy).order_by(MunicipalPolicy.version.desc()))
        assert row is not None and row.recurring == "lenient"
        assert row.displacement_lookback_years == 7
    engine.dispose()


def test_portfolio_lists_approved_demo_tasks_and_flags_old_ones(own_db: str) -> None:
    at = open_page(Role.LEDER, "opgavekatalog")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Godkendte opgaver"]) > 0
    assert int(metrics["Skal genvurderes"]) > 0
    frame = at.dataframe[0].value
    assert set(frame["Genvurderes"]) <= {"Ja", "Nej"}

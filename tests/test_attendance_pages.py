"""The attendance pages in AppTest: the roll saves ("Alle mødt" then exceptions),
the dashboards refresh after a save, definitions are one click away, and the
at-risk page says it only advises."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from nytte.core.auth import Role
from nytte.core.db import session_scope
from nytte.models import ABSENT, Attendance
from tests.apptest_helpers import app_reading, open_page
from tests.trust_helpers import writable_copy

DAY = date(2026, 11, 23)


@pytest.fixture
def own_db(demo_sqlite: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[str]:
    with writable_copy(demo_sqlite, tmp_path) as engine:
        copy = engine.url.render_as_string(hide_password=False)
    with app_reading(copy, monkeypatch) as url:
        yield url


def _rows(url: str) -> list[Attendance]:
    from nytte.core.db import make_engine

    engine = make_engine(url)
    with session_scope(engine) as s:
        rows = list(s.scalars(select(Attendance).where(Attendance.day == DAY)))
    engine.dispose()
    return rows


def test_all_present_then_exceptions_then_save(own_db: str) -> None:
    at = open_page(Role.KOORDINATOR, "fremmoede")
    assert not at.exception
    at.selectbox(key="fremmoede:unit").select_index(1).run()  # Citykorpset
    at.date_input(key="fremmoede:day").set_value(DAY).run()
    ctx = f"2:None:{DAY.isoformat()}"
    at.button(key=f"fremmoede:allbtn:{ctx}").click().run()
    absent = _two_on_the_roll()
    at.pills(key=f"fremmoede:who:{ctx}").set_value([1, 4])  # roll positions
    at.selectbox(key=f"fremmoede:why:{ctx}").select("Udeblevet uden rimelig grund")
    at.button(key=f"FormSubmitter:fremmoede:exc:{ctx}-Sæt som fravær").click().run()
    assert not at.exception
    at.button(key=f"fremmoede:save:{ctx}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Gemt:" in s.value for s in at.success), [e.value for e in at.error]
    rows = _rows(own_db)
    assert len(rows) >= 25
    gone = {r.referral_id for r in rows if r.status == ABSENT}
    assert gone == set(absent)
    assert all(r.reason_code == "unexcused" for r in rows if r.status == ABSENT)


def _two_on_the_roll() -> list[int]:
    from nytte.attendance.roll import read_roll
    from nytte.core.auth import demo_principal
    from nytte.core.db import get_engine

    with session_scope(get_engine()) as s:
        sheet = read_roll(s, demo_principal(Role.KOORDINATOR, "0253", [1, 2], "1085"), 2, DAY)
    return [sheet.lines[1].referral_id, sheet.lines[4].referral_id]


def test_dashboards_refresh_after_a_roll_is_saved(own_db: str) -> None:
    at = open_page(Role.KOORDINATOR, "fremmoedeoverblik")
    at.date_input(key="fremmoedeoverblik:period").set_value((DAY, DAY)).run()
    before = [m.value for m in at.metric if m.label == "Forventede dage"]
    assert before == ["0"]
    roll = open_page(Role.KOORDINATOR, "fremmoede")
    roll.selectbox(key="fremmoede:unit").select_index(1).run()
    roll.date_input(key="fremmoede:day").set_value(DAY).run()
    ctx = f"2:None:{DAY.isoformat()}"
    roll.button(key=f"fremmoede:allbtn:{ctx}").click().run()
    roll.button(key=f"fremmoede:save:{ctx}").click().run()
    assert any("Gemt:" in s.value for s in roll.success)
    at.run()  # same session, same parameters: the cache must have been cleared
    after = [m.value for m in at.metric if m.label == "Forventede dage"]
    assert after == [str(len(_rows(own_db)))] and after != before


def test_a_roll_for_a_holiday_shows_why(app_db: str) -> None:
    at = open_page(Role.KOORDINATOR, "fremmoede")
    at.date_input(key="fremmoede:day").set_value(date(2025, 12, 25)).run()
    assert any("Helligdag" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("fremmoedeoverblik", "attendance_rate"),
        ("fremmoedeoverblik", "unexcused_rate"),
        ("kapacitet", "enrolled"),
        ("kapacitet", "occupancy"),
        ("tragt", "funnel_first_day"),
        ("fravaer", "absence_notice"),
        ("risikoliste", "at_risk"),
    ],
)
def test_each_figure_is_explained_beside_it(app_db: str, page: str, key: str) -> None:
    """The registry's text sits beside the number: a metric's or a column's help, or a
    line under the chart or list; no row of «Definition» buttons."""
    from nytte.kpis.attendance import definition

    at = open_page(Role.LEDER, page)
    assert not at.exception, [e.value for e in at.exception]
    text = definition(key).text
    beside = [c.value for c in at.caption]
    beside += [m.proto.help for m in at.metric]
    beside += [df.proto.columns for df in at.dataframe]  # column config (JSON) with help
    assert any(text in b or json.dumps(text)[1:-1] in b for b in beside), key
    assert not at.get("popover")


def test_the_at_risk_page_says_it_only_advises(app_db: str) -> None:
    at = open_page(Role.KOORDINATOR, "risikoliste")
    assert any("art. 22" in w.value for w in at.warning)
    assert at.dataframe and len(at.dataframe[0].value) > 0
    assert "Hvorfor på listen" in at.dataframe[0].value.columns

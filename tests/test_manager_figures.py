"""The manager's figures read at a glance: no arrow when nothing changed, arrows
coloured by whether the change is good, composition categories in their order."""

from __future__ import annotations

from pages.manager import _category_order, _delta, delta_color


def test_no_arrow_when_nothing_changed() -> None:
    assert _delta("consultations_missing", 0, 0) is None
    assert _delta("attendance_rate", 0.5, 0.5) is None
    assert _delta("attendance_rate", 0.5, 0.50001) is None  # rounds to 0,0 procentpoint
    assert _delta("consultations_missing", 2, 0) == "+2"
    assert _delta("attendance_rate", 0.5, 0.6) == "-10,0 procentpoint"


def test_arrow_colour_follows_what_is_good() -> None:
    from nytte import kpis

    assert delta_color(kpis.get("attendance_rate").higher_is_better) == "normal"
    assert delta_color(kpis.get("consultations_missing").higher_is_better) == "inverse"
    assert delta_color(kpis.get("enrolled").higher_is_better) == "off"


def test_age_bands_are_ordered_young_to_old() -> None:
    data = {"50 år og derover": 3, "Under 25 år": 9, "30-39 år": 4, "25-29 år": 1}
    assert _category_order("age", {}, data) == [
        "Under 25 år", "25-29 år", "30-39 år", "50 år og derover",
    ]
    names = {"K": "Kvinder", "M": "Mænd"}
    assert _category_order("gender", names, {"M": 5, "K": 2}) == ["Kvinder", "Mænd"]


def test_belaegning_is_computed_one_way(demo_sqlite: object) -> None:
    """The capacity page's Belægning (last four weeks) is the overview's for the same
    weeks: expected participants per working day over the places."""
    from datetime import date, timedelta

    from sqlalchemy import Engine

    from nytte.attendance.capacity import OCCUPANCY_WEEKS, capacity_dashboard, occupancy
    from nytte.core.auth import Role, demo_principal
    from nytte.core.db import session_scope
    from nytte.council import periods
    from nytte.council.overview import manager_overview

    assert isinstance(demo_sqlite, Engine)
    leader = demo_principal(Role.LEDER, "0253", [], "1085")
    today = date(2026, 11, 23)
    with session_scope(demo_sqlite) as s:
        cap = capacity_dashboard(s, leader, None, today, today - timedelta(days=400), 8)
        assert cap.last_roll_day == date(2026, 11, 20)
        first = cap.last_roll_day - timedelta(weeks=OCCUPANCY_WEEKS) + timedelta(days=1)
        ov = manager_overview(s, leader, periods.Period(first, cap.last_roll_day))
    use = {r.key: r.current for r in ov.rows}["capacity_use"]
    places = sum(r.places for r in cap.units)
    expected = sum(r.expected or 0 for r in cap.units)
    assert use is not None and abs(occupancy(expected, places) - use) < 1e-9  # type: ignore[operator]
    # Enrolled can exceed the places while Belægning stays under 100 %.
    assert all(r.expected is None or r.expected <= r.enrolled for r in cap.units)

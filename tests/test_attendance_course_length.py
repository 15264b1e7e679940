"""Course length is read from the rule-set data: warn in week 11 and flag past 13
weeks under the rules before July 2025; no cap after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nytte.attendance.course_length import OK, OVER, WARN, course_status
from nytte.screening.rulesets import course_limit_weeks, ruleset_for


def test_rules_come_from_the_rule_set_files() -> None:
    assert course_limit_weeks(date(2025, 6, 30)) == 13
    assert course_limit_weeks(date(2025, 7, 1)) is None
    assert course_status(date(2024, 1, 1), date(2024, 1, 2)).ruleset_id == "bab-2023"
    assert (
        course_status(date(2026, 1, 1), date(2026, 1, 2)).ruleset_id
        == ruleset_for(date(2026, 1, 1)).id
    )


@pytest.mark.parametrize(
    ("week", "level"),
    [(1, OK), (10, OK), (11, WARN), (13, WARN), (14, OVER), (20, OVER)],
)
def test_before_july_2025_warn_in_week_11_and_flag_past_13(week: int, level: str) -> None:
    start = date(2025, 1, 6)
    day = start + timedelta(weeks=week - 1, days=2)
    status = course_status(start, day)
    assert (status.week, status.level) == (week, level)
    assert (status.message == "") == (level == OK)


def test_the_start_date_decides_a_course_running_across_the_change() -> None:
    # Started under the old rules: still capped after 1 July 2025.
    assert course_status(date(2025, 5, 5), date(2025, 8, 11)).level == OVER
    # Started after: no cap, however long.
    assert course_status(date(2025, 7, 7), date(2026, 7, 6)).level == OK

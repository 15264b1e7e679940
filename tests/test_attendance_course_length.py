"""Course length is read from the rule-set data: warn in week 11 and flag past 13
weeks under the rules before July 2025; no cap after."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from nytte.attendance.course_length import (
    OK,
    OVER,
    WARN,
    course_limit_weeks,
    course_status,
    load_rules,
    rule_on,
)
from nytte.config import ConfigError


def test_rules_come_from_the_shipped_yaml() -> None:
    assert course_limit_weeks(date(2025, 6, 30)) == 13
    assert course_limit_weeks(date(2025, 7, 1)) is None
    assert rule_on(date(2024, 1, 1)).ruleset_id == "pre_2025"
    assert rule_on(date(2026, 1, 1)).ruleset_id == "from_2025_07"


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


def test_a_screening_style_ruleset_file_is_read_as_well(tmp_path: Path) -> None:
    (tmp_path / "pre_2025.yaml").write_text(
        "id: pre_2025\nvalid_from: 2014-01-01\nvalid_to: 2025-06-30\n"
        "criteria: []\ncourse_length:\n  max_weeks: 12\n  warn_week: 10\n",
        encoding="utf-8",
    )
    (tmp_path / "other.yaml").write_text("id: x\nvalid_from: 2020-01-01\n", encoding="utf-8")
    rules = load_rules(tmp_path)
    assert [r.ruleset_id for r in rules] == ["pre_2025"]
    assert course_status(date(2025, 1, 6), date(2025, 3, 17), rules).level == WARN


def test_no_course_length_rules_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="forløbslængde"):
        load_rules(tmp_path)

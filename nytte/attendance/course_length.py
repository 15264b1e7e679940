"""Course length (forløbslængde) under the rule set in force on a referral's start.

The limit is data: the effective-dated rule sets in data/rulesets/ (loaded and
validated by nytte.screening.rulesets, shared with the task screening). Until
30 June 2025 a course lasts at most 13 weeks at the same place (warn from week 11);
from 1 July 2025 there is no cap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nytte.screening.rulesets import RuleSet, ruleset_for

OK = "ok"
WARN = "warn"
OVER = "over"


@dataclass(frozen=True)
class CourseStatus:
    week: int  # the course week the day falls in (1 = the first week)
    level: str  # OK, WARN or OVER
    message: str  # Danish; empty when OK
    ruleset_id: str


def course_week(start: date, day: date) -> int:
    return (day - start).days // 7 + 1


def course_status(start: date, day: date, ruleset: RuleSet | None = None) -> CourseStatus:
    """Where a course that started on ``start`` stands on ``day`` under its start's rules."""
    rs = ruleset or ruleset_for(start)
    limit = rs.course_limit
    week = course_week(start, day)
    if limit.max_weeks is not None and week > limit.max_weeks:
        return CourseStatus(
            week,
            OVER,
            f"Uge {week}: forløbet er over {limit.max_weeks} uger (højst {limit.max_weeks} "
            f"uger på samme sted efter regelsættet {rs.id}).",
            rs.id,
        )
    if limit.warn_week is not None and limit.max_weeks is not None and week >= limit.warn_week:
        return CourseStatus(
            week,
            WARN,
            f"Uge {week} af højst {limit.max_weeks}: planlæg afslutning eller nyt tilbud.",
            rs.id,
        )
    return CourseStatus(week, OK, "", rs.id)

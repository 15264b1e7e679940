"""Course length (forløbslængde) under the rule set in force on a referral's start.

The rule is data: rule-set YAML files in data/rulesets/ (shared with the screening
work). Every file there may hold rule sets, either as a top-level mapping with an
``id`` or as a list under ``rulesets``; those with a ``course_length`` entry are
read here. This small interface keeps the attendance pages independent of the
screening loader until the two are merged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nytte.config import DATA_DIR, ConfigError

RULESET_DIR = DATA_DIR / "rulesets"

OK = "ok"
WARN = "warn"
OVER = "over"


@dataclass(frozen=True)
class CourseLengthRule:
    ruleset_id: str
    valid_from: date
    valid_to: date | None
    max_weeks: int | None  # None: no cap
    warn_week: int | None
    source: str

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class CourseStatus:
    week: int  # the course week the day falls in (1 = the first week)
    level: str  # OK, WARN or OVER
    message: str  # Danish; empty when OK
    ruleset_id: str


def _as_date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: datoen {value!r} er ikke ÅÅÅÅ-MM-DD.") from exc


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _entries(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and isinstance(doc.get("rulesets"), list):
        return [e for e in doc["rulesets"] if isinstance(e, dict)]
    if isinstance(doc, dict) and "id" in doc:
        return [doc]
    if isinstance(doc, list):
        return [e for e in doc if isinstance(e, dict)]
    return []


def parse_rules(doc: Any, source: str) -> list[CourseLengthRule]:
    rules = []
    for entry in _entries(doc):
        cl = entry.get("course_length")
        if not isinstance(cl, dict):
            continue
        where = f"{source}, regelsæt {entry.get('id', '?')}"
        start = _as_date(entry.get("valid_from"), where)
        if start is None:
            raise ConfigError(f"{where} mangler valid_from.")
        rules.append(
            CourseLengthRule(
                ruleset_id=str(entry["id"]),
                valid_from=start,
                valid_to=_as_date(entry.get("valid_to"), where),
                max_weeks=_optional_int(cl.get("max_weeks")),
                warn_week=_optional_int(cl.get("warn_week")),
                source=str(entry.get("source", "")),
            )
        )
    return rules


@lru_cache(maxsize=4)
def load_rules(directory: Path = RULESET_DIR) -> tuple[CourseLengthRule, ...]:
    """Every course-length rule in the rule-set files, oldest first (deduplicated by id)."""
    by_id: dict[str, CourseLengthRule] = {}
    for path in sorted(directory.glob("*.y*ml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"Regelsætfilen {path.name} er ikke gyldig YAML: {exc}.") from exc
        for rule in parse_rules(doc, path.name):
            by_id.setdefault(rule.ruleset_id, rule)
    if not by_id:
        raise ConfigError(
            f"Ingen regler for forløbslængde i {directory}; hent data/rulesets fra git."
        )
    return tuple(sorted(by_id.values(), key=lambda r: r.valid_from))


def rule_on(day: date, rules: tuple[CourseLengthRule, ...] | None = None) -> CourseLengthRule:
    """The course-length rule in force on ``day``."""
    for rule in rules if rules is not None else load_rules():
        if rule.valid_on(day):
            return rule
    raise ConfigError(f"Intet regelsæt for forløbslængde gælder {day.isoformat()}.")


def course_limit_weeks(on: date) -> int | None:
    """Maximum course length in weeks for a course starting ``on`` (None: no cap)."""
    return rule_on(on).max_weeks


def course_week(start: date, day: date) -> int:
    return (day - start).days // 7 + 1


def course_status(
    start: date, day: date, rules: tuple[CourseLengthRule, ...] | None = None
) -> CourseStatus:
    """Where a course that started on ``start`` stands on ``day`` under its start's rules."""
    rule = rule_on(start, rules)
    week = course_week(start, day)
    if rule.max_weeks is not None and week > rule.max_weeks:
        return CourseStatus(
            week,
            OVER,
            f"Uge {week}: forløbet er over {rule.max_weeks} uger (højst {rule.max_weeks} uger "
            f"på samme sted efter regelsættet {rule.ruleset_id}).",
            rule.ruleset_id,
        )
    if rule.warn_week is not None and rule.max_weeks is not None and week >= rule.warn_week:
        return CourseStatus(
            week,
            WARN,
            f"Uge {week} af højst {rule.max_weeks}: planlæg afslutning eller nyt tilbud.",
            rule.ruleset_id,
        )
    return CourseStatus(week, OK, "", rule.ruleset_id)

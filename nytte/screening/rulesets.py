"""Effective-dated rule sets for task screening, loaded from ``data/rulesets/*.yaml``.

The protective rules changed on 1 July 2025 (docs/domain.md § 7), and some of their
numbers are unverified. They therefore live as data with a source and a
``verified`` flag for every rule, and every screening stores the id of the rule
set it was judged under. A task's start date picks the rule set.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nytte.core.config import load_settings
from nytte.screening.vocabulary import CONSULTATION_LEVELS, CRITERION_IDS, SourceKind

RULESET_DIR_ENV = "NYTTE_RULESET_DIR"
DEFAULT_RULESET_DIR = Path(__file__).resolve().parents[2] / "data" / "rulesets"


class RuleSetError(ValueError):
    """A rule-set file is missing, malformed or inconsistent with the others."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    # law: checked against the legal text in force; guidance: a council's
    # recommendation or municipal practice; unverified: not checked.
    kind: SourceKind

    @property
    def verified(self) -> bool:
        return self.kind != "unverified"


class ConsultationRule(_Strict):
    # hierarchy_statement: BAB § 99 (hierarchy, written statement before start);
    # inform_discuss: from 2025, inform the TR and discuss the practical set-up.
    mode: Literal["hierarchy_statement", "inform_discuss"]
    hierarchy: tuple[str, ...]
    absence_working_days: int | None = None
    written_statement_before_start: bool
    # What it means when there is nobody to hear at any level, with its source.
    no_representative: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known_levels(self) -> ConsultationRule:
        unknown = [lvl for lvl in self.hierarchy if lvl not in CONSULTATION_LEVELS]
        if unknown or not self.hierarchy:
            raise ValueError(f"ukendte eller manglende høringsniveauer: {unknown}")
        return self


class RatioBand(_Strict):
    up_to: int | None  # ordinary employees up to and including this number; None = no limit
    per: int = Field(gt=0)


class RatioRule(_Strict):
    enabled: bool
    minimum: int = 0
    bands: tuple[RatioBand, ...] = ()
    dispensation_by: str | None = None
    dispensation_source: str | None = None
    dispensation_verified: bool = False
    # How the rule counts (full-time equivalents, exclusions) and whether the
    # formula below has been checked against the order's text.
    counting: str = ""
    formula_verified: bool = False

    @model_validator(mode="after")
    def _bands_ascending(self) -> RatioRule:
        if not self.enabled:
            return self
        if not self.bands:
            raise ValueError("rimelighedskravet er slået til, men har ingen intervaller")
        last = 0
        for i, band in enumerate(self.bands):
            if band.up_to is None:
                if i != len(self.bands) - 1:
                    raise ValueError("kun det sidste interval må være uden øvre grænse")
            elif band.up_to <= last:
                raise ValueError("intervallernes øvre grænser skal være stigende")
            else:
                last = band.up_to
        return self

    def allowed(self, ordinary_employees: int) -> int:
        """How many persons may be placed beside ``ordinary_employees`` staff."""
        total = 0
        lower = 0
        for band in self.bands:
            upper = ordinary_employees if band.up_to is None else min(band.up_to,
                                                                      ordinary_employees)
            if upper > lower:
                total += math.floor((upper - lower) / band.per)
            if band.up_to is None or ordinary_employees <= band.up_to:
                break
            lower = band.up_to
        return max(self.minimum, total)


class CourseLength(_Strict):
    """Maximum weeks per course (the rule set's ``course_limit``); the attendance
    pages read it through nytte.attendance.course_length."""

    max_weeks: int | None = Field(default=None, gt=0)  # None: no cap
    warn_week: int | None = Field(default=None, gt=0)
    source: str
    verified: bool

    @model_validator(mode="after")
    def _warn_before_limit(self) -> CourseLength:
        if (self.max_weeks is None) != (self.warn_week is None):
            raise ValueError("max_weeks og warn_week skal begge være sat eller begge tomme")
        if self.max_weeks is not None and self.warn_week is not None \
                and self.warn_week > self.max_weeks:
            raise ValueError("advarselsugen skal ligge før eller i den sidste uge")
        return self


class DisplacementRule(_Strict):
    """Staff work inside the municipality's look-back fails; older staff work passes
    only when the look-back is at least ``floor_years`` (the rule set's source)."""

    floor_years: int = Field(ge=0, le=100)
    source: str = Field(min_length=1)
    kind: SourceKind


class RuleSet(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    title: str
    valid_from: date
    valid_to: date | None
    # The legal texts this rule set applies (cited on every record).
    legal_basis: str = Field(min_length=1)
    consultation: ConsultationRule
    displacement: DisplacementRule
    ratio: RatioRule
    course_limit: CourseLength
    rules: dict[str, Rule]

    @model_validator(mode="after")
    def _complete(self) -> RuleSet:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to ligger før valid_from")
        missing = [c for c in CRITERION_IDS if c not in self.rules]
        extra = [r for r in self.rules if r not in CRITERION_IDS]
        if missing:
            raise ValueError(f"regler mangler for kriterierne: {', '.join(missing)}")
        if extra:
            raise ValueError(f"ukendte regler: {', '.join(extra)}")
        return self

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def rule(self, criterion_id: str) -> Rule:
        return self.rules[criterion_id]

    def content(self) -> dict[str, Any]:
        """The full content, as stored with every decision judged under it."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> RuleSet:
        return cls.model_validate(content)


def _ruleset_dir(directory: Path | None) -> Path:
    if directory is not None:
        return directory
    configured = load_settings().ruleset_dir
    return configured if configured is not None else DEFAULT_RULESET_DIR


def load_rulesets_from(directory: Path) -> tuple[RuleSet, ...]:
    """Read and validate every rule-set ``*.yaml`` in ``directory``; sorted by valid_from.

    A file is a rule set when it is a mapping with ``rules``; other YAML in the folder
    (the attendance work's course-length table) is left to its own reader."""
    sets: list[RuleSet] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not (isinstance(raw, dict) and "rules" in raw):
                continue
            sets.append(RuleSet.model_validate(raw))
        except (yaml.YAMLError, ValidationError) as exc:
            raise RuleSetError(f"Regelsættet {path.name} er ugyldigt: {exc}") from exc
    if not sets:
        raise RuleSetError(f"Ingen regelsæt fundet i {directory}")
    sets.sort(key=lambda s: s.valid_from)
    ids = [s.id for s in sets]
    if len(set(ids)) != len(ids):
        raise RuleSetError(f"Regelsæt-id'er skal være unikke: {ids}")
    for prev, nxt in itertools.pairwise(sets):
        if prev.valid_to is None or prev.valid_to >= nxt.valid_from:
            raise RuleSetError(f"Regelsættene {prev.id} og {nxt.id} overlapper i tid")
    return tuple(sets)


@lru_cache(maxsize=4)
def _cached(directory: str) -> tuple[RuleSet, ...]:
    return load_rulesets_from(Path(directory))


def load_rulesets(directory: Path | None = None) -> tuple[RuleSet, ...]:
    """The validated rule sets (cached per directory: they are read once at start)."""
    return _cached(str(_ruleset_dir(directory)))


def ruleset_for(on: date, directory: Path | None = None) -> RuleSet:
    """The rule set in force on ``on``."""
    for rs in load_rulesets(directory):
        if rs.covers(on):
            return rs
    raise RuleSetError(f"Intet regelsæt gælder for datoen {on.isoformat()}")


def ruleset_by_id(ruleset_id: str, directory: Path | None = None) -> RuleSet:
    for rs in load_rulesets(directory):
        if rs.id == ruleset_id:
            return rs
    raise RuleSetError(f"Ukendt regelsæt: {ruleset_id}")


def earliest_start() -> date:
    """The first day any rule set covers (nytteindsats began with the 2014 reform)."""
    return load_rulesets()[0].valid_from


def course_length(on: date) -> CourseLength:
    """The course-length rule in force on ``on``."""
    return ruleset_for(on).course_limit


def course_limit_weeks(on: date) -> int | None:
    """Maximum weeks per nytteindsats course on ``on``; None when there is no cap."""
    return course_length(on).max_weeks


def course_warn_week(on: date) -> int | None:
    """The course week from which attendance pages warn that the cap is near."""
    return course_length(on).warn_week

"""The task portfolio (opgavekatalog): approved tasks a coordinator can hand out.

Filterable by professional area, physical demand, indoor/outdoor and season, so
tasks can be found for people with adjustment needs (skånebehov) and for winter.
The council recommends a yearly evaluation: a task whose latest screening is
more than 12 months old is flagged for re-screening.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

RESCREEN_AFTER_MONTHS = 12


@dataclass(frozen=True)
class PortfolioEntry:
    task_id: int
    title: str
    requesting_unit: str
    professional_area: str
    physical_demand: int
    indoor_outdoor: str
    season: str
    verdict: str
    screened_at: datetime
    version: int

    def needs_rescreening(self, today: date) -> bool:
        return rescreen_due(self.screened_at.date(), today)


@dataclass(frozen=True)
class PortfolioFilter:
    professional_areas: tuple[str, ...] = ()
    max_physical_demand: int | None = None
    indoor_outdoor: tuple[str, ...] = ()
    season: str | None = None  # a season, or None for all; "all"-season tasks always match
    only_due: bool = False


def _months_back(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def rescreen_due(screened_on: date, today: date) -> bool:
    """True when the last screening is more than 12 months before ``today``."""
    return screened_on < _months_back(today, RESCREEN_AFTER_MONTHS)


def select_entries(entries: Iterable[PortfolioEntry], f: PortfolioFilter,
           today: date) -> list[PortfolioEntry]:
    """Approved tasks matching ``f``, easiest and most recently screened first."""
    out = []
    for e in entries:
        if e.verdict != "approve":
            continue
        if f.professional_areas and e.professional_area not in f.professional_areas:
            continue
        if f.max_physical_demand is not None and e.physical_demand > f.max_physical_demand:
            continue
        if f.indoor_outdoor and e.indoor_outdoor not in f.indoor_outdoor \
                and e.indoor_outdoor != "both":
            continue
        if f.season and f.season != "all" and e.season not in (f.season, "all"):
            continue
        if f.only_due and not e.needs_rescreening(today):
            continue
        out.append(e)
    out.sort(key=lambda e: (e.physical_demand, -e.screened_at.timestamp(), e.title))
    return out

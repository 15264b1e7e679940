"""Everything the council's page shows, in one service call (all of it protected)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.access import requires
from nytte.core.auth import Principal, Role
from nytte.core.suppression import ProtectedTable, protect
from nytte.council.checklist import ChecklistItem, strategy_checklist
from nytte.council.periods import Period, month_label
from nytte.council.regional import RegionalYear
from nytte.council.review import (
    RegionalReview,
    region_municipalities,
    regional_year,
    review_for,
)
from nytte.jobindsats.store import stored_series


@dataclass(frozen=True)
class JobindsatsView:
    table: ProtectedTable | None  # months (rows) by area (columns), primary suppression
    provisional_month: str | None
    fetched_at: datetime | None
    last_error: str | None
    source: str | None = None  # "Jobindsats <table>; senest opdateret ...; næste ..."


@dataclass(frozen=True)
class CouncilPage:
    review: RegionalReview
    jobindsats: JobindsatsView
    checklists: list[tuple[str, list[ChecklistItem]]]


def jobindsats_view(session: Session, codes: list[str]) -> JobindsatsView:
    s = stored_series(session, codes)
    last_error = None
    if s.last_attempt is not None and not s.last_attempt.ok:
        last_error = s.last_attempt.message
    if not s.months:
        return JobindsatsView(None, None, None, last_error)
    unknown = frozenset(
        (r, c)
        for r, m in enumerate(s.months)
        for c, a in enumerate(s.areas)
        if s.values.get((a, m)) is None
    )
    table = protect(
        [[s.values.get((a, m)) or 0 for a in s.areas] for m in s.months],
        row_labels=[month_label(m) + (" (foreløbig)" if m == s.provisional_month else "")
                    for m in s.months],
        col_labels=s.areas, row_title="Måned", unknown=unknown,
    )
    prov = month_label(s.provisional_month) if s.provisional_month else None
    return JobindsatsView(table, prov, s.fetched_at, last_error, s.source)


@requires(Role.RAAD)
def council_page(session: Session, principal: Principal, period: Period,
                 *, today: date | None = None,
                 regional: RegionalYear | None = None) -> CouncilPage:
    """Everything the page shows for ``period``; ``regional`` is the year's protected
    structure when the caller has it already (the page caches it per year)."""
    if regional is None or regional.year != period.start.year or (
            regional.region_code != principal.region_code):
        regional = regional_year(session, principal, period.start.year)  # checks the role
    review = review_for(regional, period)
    munis = region_municipalities(session, review.region_code)
    on = min(period.end, today or clock.today())
    return CouncilPage(
        review=review,
        jobindsats=jobindsats_view(session, [c for c, _ in munis]),
        checklists=[(name, strategy_checklist(session, code, on)) for code, name in munis],
    )

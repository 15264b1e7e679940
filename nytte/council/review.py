"""The regional council's review: the region's municipalities side by side.

Reviewers (role beskaeftigelsesraad) see aggregates only. Every count leaves this
module inside a ProtectedTable cut from the year's protected structure
(nytte.council.regional), so nothing below 5 persons reaches the role by any
route, nor by combining periods or tables: the page, the charts, the exports and
the cache all hold these objects only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.core.access import requires
from nytte.core.auth import AccessDenied, Principal, Role, require_role
from nytte.core.suppression import ProtectedTable
from nytte.council.periods import Period
from nytte.council.regional import (
    EXITS,
    FUNNEL,
    RegionalYear,
    ShareRow,
    build_regional_year,
    year_periods,
)
from nytte.models import Municipality, Region

__all__ = ["RegionalReview", "ShareRow", "region_municipalities", "regional_review",
           "regional_year", "review_for"]


@dataclass(frozen=True)
class RegionalReview:
    region_code: str
    region_name: str
    period: Period
    funnel: ProtectedTable  # new referrals: showed up / never showed, with totals
    exits: ProtectedTable  # exits: to job or education / other, with totals
    by_gender: ProtectedTable  # enrolled, linked with the two below
    by_benefit: ProtectedTable
    by_age: ProtectedTable
    shares: tuple[ShareRow, ...]
    monthly: ProtectedTable  # enrolled per month (rows) and municipality (columns)
    provisional_month: date | None  # newest month with data, if in the period: provisional
    no_data: tuple[str, ...] = ()  # municipalities Nytte has no data for

    def tables(self) -> list[tuple[str, ProtectedTable]]:
        """Every count table, titled, for the page and the exports."""
        return [
            ("Nye henvisninger og fremmøde", self.funnel),
            ("Afsluttede forløb", self.exits),
            ("Indskrevne efter køn", self.by_gender),
            ("Indskrevne efter ydelsesgruppe", self.by_benefit),
            ("Indskrevne efter alder", self.by_age),
            ("Indskrevne pr. måned", self.monthly),
        ]


def region_municipalities(session: Session, region_code: str) -> list[tuple[str, str]]:
    return [
        (c, n)
        for c, n in session.execute(
            select(Municipality.code, Municipality.name)
            .where(Municipality.region_code == region_code)
            .order_by(Municipality.name)
        )
    ]


def _require_reviewer(principal: Principal) -> str:
    require_role(principal, Role.RAAD)
    if not principal.region_code:
        raise AccessDenied("Din rolle er ikke knyttet til en region.")
    return principal.region_code


@requires(Role.RAAD)
def regional_year(session: Session, principal: Principal, year_no: int) -> RegionalYear:
    """Everything the reviewer can see for the region and year, protected as one."""
    region_code = _require_reviewer(principal)
    region = session.get(Region, region_code)
    munis = region_municipalities(session, region_code)
    return build_regional_year(session, region_code, region.name if region else region_code,
                               munis, year_no)


def review_for(ry: RegionalYear, period: Period) -> RegionalReview:
    """The views of one period, cut from the year's protected structure."""
    if period not in year_periods(ry.year):
        raise ValueError("Perioden skal være året, et kvartal eller en måned i året.")
    months = set(period.months())
    # The newest month with data is provisional: late registrations may still come.
    latest = ry.newest_month if ry.newest_month in months else None
    return RegionalReview(
        region_code=ry.region_code, region_name=ry.region_name, period=period,
        funnel=ry.flow_table(FUNNEL, period), exits=ry.flow_table(EXITS, period),
        by_gender=ry.stock_table("gender", period),
        by_benefit=ry.stock_table("benefit", period),
        by_age=ry.stock_table("age", period),
        shares=ry.shares(period), monthly=ry.monthly_table(period, latest),
        provisional_month=latest,
        no_data=tuple(n for c, n in zip(ry.codes, ry.names, strict=True) if c in ry.no_data),
    )


@requires(Role.RAAD)
def regional_review(session: Session, principal: Principal, period: Period) -> RegionalReview:
    """One period's review (the whole year is protected to build it)."""
    return review_for(regional_year(session, principal, period.start.year), period)

"""Every page's cached reads, in one place.

A cached read names the data areas it depends on (nytte.core.data_version.Area).
Its cache key carries those areas' counters as read from the database on each call,
so a service that writes an area (it calls ``changed(session, Area.X)`` in its own
transaction) invalidates every dependent entry on every server process at once: a
roll saved on one replica shows on the manager's page of another on its next rerun.
Pages never clear caches themselves.

Figures are shared by everybody who may see the same thing: the key holds the
principal's scope (role, municipality, units, region; see ``scope_key``), not who
they are, so the second coordinator of a unit gets the first one's figures, and
users with different scopes never share an entry. A municipal user's entries depend
on their own municipality's counters only, so a roll saved in one municipality
leaves every other municipality's caches warm (nytte.core.data_version).

Keys are small parameters, never a DataFrame. The TTL only bounds memory for entries
nobody asks for any more; correctness comes from the versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from nytte.attendance.at_risk import AtRiskList, at_risk_list
from nytte.attendance.capacity import CapacityDashboard, capacity_dashboard
from nytte.attendance.dashboard import AttendanceDashboard, attendance_dashboard
from nytte.attendance.funnel import Funnel, StableRule, referral_funnel
from nytte.attendance.notices import absence_notices
from nytte.attendance.roll import roll_units
from nytte.core.access import PERSON_LEVEL
from nytte.core.auth import Principal
from nytte.core.data_version import Area, versions
from nytte.council import periods
from nytte.council.council_page import CouncilPage, council_page
from nytte.council.data_range import latest_attendance_day
from nytte.council.downloads import page_file
from nytte.council.overview import Overview, UnitChoice, manager_overview, units_and_teams
from nytte.council.regional import RegionalYear
from nytte.council.review import regional_year
from pages.common import db_session

P = ParamSpec("P")
R = TypeVar("R")

TTL = 600  # seconds

# What each family of figures is computed from.
UNITS = (Area.ORG,)
ATTENDANCE_FIGURES = (Area.ATTENDANCE, Area.REFERRALS, Area.ORG)
MANAGER_FIGURES = (Area.ATTENDANCE, Area.REFERRALS, Area.FOLLOW_UP, Area.ORG)
COUNCIL_FIGURES = (Area.ATTENDANCE, Area.REFERRALS, Area.FOLLOW_UP, Area.JOBINDSATS, Area.ORG)


def data_versions(areas: tuple[Area, ...], municipality_code: str | None = None
                  ) -> tuple[int, ...]:
    """The areas' counters now (of one municipality's data, if given): one small query."""
    with db_session() as session:
        return versions(session, areas, municipality_code)


def scope_key(principal: Principal) -> tuple[object, ...]:
    """What a principal's figures depend on: the role and the scope, not the person.
    The services filter by these fields only (nytte.org.scope)."""
    return (principal.role.value, principal.municipality_code,
            tuple(sorted(principal.unit_ids)), principal.region_code)


def cached(
    *areas: Area, ttl: int = TTL, max_entries: int = 64
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache ``fn`` per process, keyed by its arguments (a leading Principal by its
    scope) and the areas' data versions."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        # Streamlit hashes every parameter except those named with a leading
        # underscore: the principal travels unhashed, its scope is the key.
        def keyed(versions_key: tuple[int, ...], scope: tuple[object, ...] | None,
                  _principal: Principal | None, *args: Any, **kwargs: Any) -> R:
            if _principal is None:
                return fn(*args, **kwargs)
            return fn(_principal, *args, **kwargs)  # type: ignore[arg-type]

        # Streamlit names a cache by module, qualified name and source: give each its own.
        keyed.__module__ = fn.__module__
        keyed.__qualname__ = f"{fn.__qualname__}.cached"
        store = st.cache_data(ttl=ttl, max_entries=max_entries, show_spinner=False)(keyed)

        @wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if args and isinstance(args[0], Principal):
                principal = args[0]
                municipal = principal.role in PERSON_LEVEL \
                    and principal.municipality_code is not None
                return store(data_versions(areas, principal.municipality_code
                                           if municipal else None),
                             scope_key(principal), principal, *args[1:], **kwargs)
            return store(data_versions(areas), None, None, *args, **kwargs)

        return call

    return decorate


# --- attendance pages -------------------------------------------------------------


@cached(*ATTENDANCE_FIGURES)
def attendance(
    principal: Principal, unit_id: int | None, start: date, end: date
) -> AttendanceDashboard:
    with db_session() as session:
        return attendance_dashboard(session, principal, unit_id, start, end)


@cached(*ATTENDANCE_FIGURES)
def funnel(
    principal: Principal,
    unit_id: int | None,
    dimension: str,
    start: date,
    end: date,
    share: float,
    weeks: int,
    min_days: int,
) -> Funnel:
    with db_session() as session:
        return referral_funnel(
            session,
            principal,
            unit_id=unit_id,
            dimension=dimension,
            referred_from=start,
            referred_to=end,
            rule=StableRule(share, weeks, min_days),
        )


@cached(*ATTENDANCE_FIGURES, max_entries=32)
def capacity(
    principal: Principal, unit_id: int | None, on: date, history_start: date, horizon: int
) -> CapacityDashboard:
    with db_session() as session:
        return capacity_dashboard(session, principal, unit_id, on, history_start, horizon)


@cached(*ATTENDANCE_FIGURES)
def notices(
    principal: Principal, unit_id: int | None, start: date, end: date, include_judged: bool
) -> pd.DataFrame:
    with db_session() as session:
        return absence_notices(
            session, principal, unit_id=unit_id, start=start, end=end, include_judged=include_judged
        )


@cached(*ATTENDANCE_FIGURES, max_entries=32)
def at_risk(
    principal: Principal, unit_id: int | None, as_of: date, history_start: date
) -> AtRiskList:
    with db_session() as session:
        return at_risk_list(session, principal, unit_id, as_of, history_start)


@cached(*UNITS)
def units(principal: Principal) -> list[tuple[int, str]]:
    with db_session() as session:
        return [(u.unit_id, u.name) for u in roll_units(session, principal)]


# --- the manager's overview -------------------------------------------------------


@cached(*MANAGER_FIGURES, ttl=300, max_entries=200)
def overview(
    principal: Principal, start: date, end: date, unit_id: int | None, team_id: int | None
) -> Overview:
    with db_session() as session:
        return manager_overview(
            session, principal, periods.Period(start, end), unit_id=unit_id, team_id=team_id
        )


@cached(Area.ATTENDANCE, Area.ORG, ttl=300, max_entries=20)
def manager_choices(principal: Principal) -> tuple[date | None, list[UnitChoice]]:
    with db_session() as session:
        return (latest_attendance_day(session, principal.municipality_code),
                units_and_teams(session, principal))


# --- the council's regional review ------------------------------------------------


@cached(Area.ATTENDANCE, ttl=300, max_entries=5)
def latest_day() -> date | None:
    with db_session() as session:
        return latest_attendance_day(session)


@cached(*COUNCIL_FIGURES, ttl=300, max_entries=10)
def regional_year_of(principal: Principal, year_no: int) -> RegionalYear:
    # The region's whole protected year: every period's view is cut from it, so no
    # combination of periods, tables or downloads can recover a hidden count.
    with db_session() as session:
        return regional_year(session, principal, year_no)


@cached(*COUNCIL_FIGURES, ttl=300, max_entries=50)
def council(principal: Principal, start: date, end: date) -> CouncilPage:
    # The cached object holds protected (suppressed) tables only.
    with db_session() as session:
        return council_page(session, principal, periods.Period(start, end),
                            regional=regional_year_of(principal, start.year))


@cached(*COUNCIL_FIGURES, ttl=300, max_entries=20)
def council_file(principal: Principal, start: date, end: date, fmt: str) -> bytes:
    """The page's download in ``fmt`` (pdf, xlsx, csv): the same bytes as the command
    ``nytte council export`` writes."""
    return page_file(council(principal, start, end), fmt)

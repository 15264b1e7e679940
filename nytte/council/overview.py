"""The manager overview (ledelsesoverblik): KPIs against two comparisons, drill-down
to unit and team, and the composition of the participants."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte import kpis
from nytte.core.access import requires
from nytte.core.auth import AccessDenied, Principal, Role, require_role
from nytte.council.metrics import (
    AGE_BANDS,
    Counts,
    Scope,
    composition_raw,
    kpi_values,
    raw_counts,
)
from nytte.council.periods import Period
from nytte.models import Team, Unit
from nytte.org.scope import UnitTeams, visible_unit_ids, visible_units_with_teams

# The age bands in their natural order, young to old, for charts and tables.
AGE_LABELS: tuple[str, ...] = tuple(label for _, _, label in AGE_BANDS)

OVERVIEW_KPIS = (
    "enrolled", "places", "capacity_use", "attendance_rate", "new_referrals",
    "show_up_rate", "unexcused_absences", "exits", "exits_job_education",
    "exits_job_education_3m", "exits_job_education_6m", "tasks_approved", "tasks_rejected",
    "consultations_missing", "participants_per_staff",
)
DRILL_KPIS = ("enrolled", "places", "capacity_use", "attendance_rate", "show_up_rate",
              "unexcused_absences", "exits_job_education")


@dataclass(frozen=True)
class KPIRow:
    key: str
    current: float | None
    previous: float | None
    last_year: float | None

    @property
    def kpi(self) -> kpis.KPI:
        return kpis.get(self.key)


@dataclass(frozen=True)
class DrillRow:
    label: str
    unit_id: int
    team_id: int | None
    values: dict[str, float | None]


@dataclass(frozen=True)
class Overview:
    period: Period
    previous: Period
    last_year: Period
    scope_label: str
    rows: list[KPIRow]
    drill: list[DrillRow]
    composition: dict[str, dict[str, int]]
    counts: Counts


def _scope_for(
    session: Session, principal: Principal, unit_id: int | None, team_id: int | None
) -> tuple[Scope, str]:
    code = principal.municipality_code
    if code is None:
        raise AccessDenied("Din rolle er ikke knyttet til en kommune.")
    allowed = visible_unit_ids(session, principal)
    if unit_id is None:
        return Scope((code,), tuple(allowed)), "Hele kommunen"
    if unit_id not in allowed:
        raise AccessDenied("Du har ikke adgang til denne enhed.")
    unit = session.get(Unit, unit_id)
    assert unit is not None
    if team_id is None:
        return Scope((code,), (unit_id,)), unit.name
    team = session.get(Team, team_id)
    if team is None or team.unit_id != unit_id:
        raise AccessDenied("Holdet hører ikke til den valgte enhed.")
    return Scope((code,), (unit_id,), team_id), f"{unit.name} – {team.name}"


@requires(Role.LEDER, Role.KOORDINATOR)
def manager_overview(
    session: Session,
    principal: Principal,
    period: Period,
    *,
    unit_id: int | None = None,
    team_id: int | None = None,
) -> Overview:
    """KPIs of the principal's municipality (or one unit or team) for ``period``."""
    require_role(principal, Role.LEDER, Role.KOORDINATOR)
    scope, label = _scope_for(session, principal, unit_id, team_id)
    prev, last = period.previous(), period.last_year()
    now_counts = raw_counts(session, scope, period)
    cur = kpi_values(now_counts)
    before = kpi_values(raw_counts(session, scope, prev))
    year_ago = kpi_values(raw_counts(session, scope, last))
    rows = [KPIRow(k, cur[k], before[k], year_ago[k]) for k in OVERVIEW_KPIS]
    for r in rows:
        kpis.get(r.key)  # every figure shown must have a definition
    drill: list[DrillRow] = []
    if team_id is None:
        units = session.scalars(
            select(Unit).where(Unit.id.in_(scope.unit_ids or ())).order_by(Unit.id)
        ).all()
        for u in units:
            if unit_id is None:
                values = kpi_values(raw_counts(session, Scope(scope.municipality_codes, (u.id,)),
                                               period))
                drill.append(DrillRow(u.name, u.id, None, {k: values[k] for k in DRILL_KPIS}))
            else:
                for t in u.teams:
                    values = kpi_values(raw_counts(
                        session, Scope(scope.municipality_codes, (u.id,), t.id), period))
                    drill.append(DrillRow(t.name, u.id, t.id,
                                          {k: values[k] for k in DRILL_KPIS}))
    return Overview(
        period=period, previous=prev, last_year=last, scope_label=label, rows=rows,
        drill=drill, composition=composition_raw(session, scope, period), counts=now_counts,
    )


UnitChoice = UnitTeams


@requires(Role.LEDER, Role.KOORDINATOR)
def units_and_teams(session: Session, principal: Principal) -> list[UnitChoice]:
    """The units (and their teams) the principal may drill down to."""
    require_role(principal, Role.LEDER, Role.KOORDINATOR)
    return visible_units_with_teams(session, principal)

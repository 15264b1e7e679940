"""Which units a user may see: the one answer, used by every feature.

A leader and an administrator see every unit of their municipality; a coordinator
only the units they are attached to; the council's reviewers no unit at all (they
see aggregates, never a unit's participants). Teams that are no longer active are
not offered for new work or drill-down."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.models import Team, Unit

UnitTeams = tuple[int, str, list[tuple[int, str]]]
"""A unit's id and name, with its active teams (id, name)."""


def coordinator_filter(
    principal: Principal, unit_column: Any, *, unitless_visible: bool = False
) -> ColumnElement[bool]:
    """The condition on any unit-id column that narrows a coordinator to their units.

    With ``unitless_visible`` rows without a unit (a task filed for the whole
    municipality) stay visible to the coordinator too."""
    if principal.role is not Role.KOORDINATOR:
        return true()
    mine = unit_column.in_(sorted(principal.unit_ids))
    return (unit_column.is_(None) | mine) if unitless_visible else mine  # type: ignore[no-any-return]


def may_see_unit(principal: Principal, unit_id: int | None, *,
                 unitless_visible: bool = False) -> bool:
    """The same rule for one row already loaded (its municipality checked by the caller)."""
    if principal.role is Role.RAAD:
        return False
    if principal.role is not Role.KOORDINATOR:
        return True
    return (unit_id is None and unitless_visible) or unit_id in principal.unit_ids


def unit_condition(principal: Principal) -> ColumnElement[bool]:
    """The units of the principal's municipality that the principal may see."""
    if principal.role is Role.RAAD or principal.municipality_code is None:
        return false()
    return (Unit.municipality_code == principal.municipality_code) & coordinator_filter(
        principal, Unit.id
    )


def visible_unit_ids(session: Session, principal: Principal) -> list[int]:
    """The units whose person-level data the principal may see, in id order."""
    return list(session.scalars(select(Unit.id).where(unit_condition(principal))
                                .order_by(Unit.id)))


def visible_units_with_teams(session: Session, principal: Principal) -> list[UnitTeams]:
    """The principal's units with their active teams, in id order."""
    units = session.execute(
        select(Unit.id, Unit.name).where(unit_condition(principal)).order_by(Unit.id)
    ).all()
    teams: dict[int, list[tuple[int, str]]] = {int(u): [] for u, _ in units}
    for tid, uid, name in session.execute(
        select(Team.id, Team.unit_id, Team.name)
        .where(Team.unit_id.in_(list(teams)), Team.active)
        .order_by(Team.id)
    ).all():
        teams[int(uid)].append((int(tid), str(name)))
    return [(int(u), str(n), teams[int(u)]) for u, n in units]

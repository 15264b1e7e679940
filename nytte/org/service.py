"""Read services for the organisation: units, teams, enrolment today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from nytte.core.access import ALL_ROLES, PERSON_LEVEL, requires
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.models import Municipality, Referral, Team, Unit
from nytte.org import scope


@dataclass(frozen=True)
class UnitSummary:
    unit_id: int
    name: str
    municipality: str
    places: int
    staff: int
    teams: int
    enrolled: int  # referrals started and not ended on the day
    waiting: int  # referred, not yet at their expected start


@requires(*ALL_ROLES)
def visible_unit_ids(session: Session, principal: Principal) -> list[int]:
    """The units whose person-level data the principal may see (nytte.org.scope)."""
    return scope.visible_unit_ids(session, principal)


@requires(*PERSON_LEVEL)
def unit_summaries(session: Session, principal: Principal, on: date) -> list[UnitSummary]:
    """Places, staff, teams, enrolled and waiting per unit the principal may see."""
    if principal.role is Role.RAAD:
        raise AccessDenied("Rådet ser kun samlede tal, ikke enhedernes deltagere.")
    ids = visible_unit_ids(session, principal)
    if not ids:
        return []
    active = (Referral.expected_start <= on) & or_(
        Referral.ended_on.is_(None), Referral.ended_on >= on
    )
    enrolled = dict(
        session.execute(
            select(Referral.unit_id, func.count())
            .where(Referral.unit_id.in_(ids), active)
            .group_by(Referral.unit_id)
        ).all()
    )
    waiting = dict(
        session.execute(
            select(Referral.unit_id, func.count())
            .where(
                Referral.unit_id.in_(ids),
                Referral.expected_start > on,
                Referral.referred_on <= on,
                Referral.ended_on.is_(None),
            )
            .group_by(Referral.unit_id)
        ).all()
    )
    teams = dict(
        session.execute(
            select(Team.unit_id, func.count())
            .where(Team.unit_id.in_(ids), Team.active)
            .group_by(Team.unit_id)
        ).all()
    )
    rows = session.execute(
        select(Unit, Municipality.name).join(Municipality).where(Unit.id.in_(ids)).order_by(Unit.id)
    ).all()
    return [
        UnitSummary(
            u.id,
            u.name,
            mname,
            u.places,
            u.staff_count,
            teams.get(u.id, 0),
            enrolled.get(u.id, 0),
            waiting.get(u.id, 0),
        )
        for u, mname in rows
    ]


def demo_scope(session: Session, municipality_code: str) -> tuple[list[int], str]:
    """Units and region of the demo municipality, for the local demo mode's roles."""
    muni = session.get(Municipality, municipality_code)
    if muni is None:
        raise AccessDenied(f"Demokommunen {municipality_code} findes ikke i databasen.")
    units = list(
        session.scalars(
            select(Unit.id).where(Unit.municipality_code == municipality_code).order_by(Unit.id)
        )
    )
    return units, muni.region_code

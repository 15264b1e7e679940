"""Referrals (henvisninger) of the units a user works in: list, read, correct.

A correction is validated server-side (pydantic), saved with optimistic locking
(the version the form was built from), and audited with old and new values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.audit import record
from nytte.core.auth import AccessDenied, Principal, Role, require_unit
from nytte.core.concurrency import apply_versioned
from nytte.core.data_version import Area, changed
from nytte.core.reference import code_labels
from nytte.core.validation import ShortText
from nytte.models import Participant, Referral, Team, Unit
from nytte.models.people import WEEKDAY_COLUMNS as WEEKDAY_COLUMNS
from nytte.org.service import visible_unit_ids

FIELD_LABELS = {
    "expected_start": "Forventet start",
    "ended_on": "Afsluttet",
    "exit_outcome": "Afgangsårsag",
    "caseworker_ref": "Sagsbehandler",
    **{c: f"Timer {d}" for c, d in zip(WEEKDAY_COLUMNS, ("man", "tir", "ons", "tor", "fre"),
                                         strict=True)},
}


@dataclass(frozen=True)
class ReferralView:
    referral_id: int
    version: int
    case_ref: str
    unit_id: int
    unit: str
    team: str
    referred_on: date
    expected_start: date
    ended_on: date | None
    exit_outcome: str | None
    caseworker_ref: str
    hours: tuple[float, ...]  # Monday..Friday

    @property
    def weekly_hours(self) -> float:
        return sum(self.hours)


class ReferralEdit(BaseModel):
    """What a coordinator may correct on a referral; checked whatever the form allowed."""

    model_config = ConfigDict(frozen=True)

    expected_start: date
    ended_on: date | None = None
    exit_outcome: str | None = None
    caseworker_ref: ShortText = ""
    mon_hours: float = Field(ge=0, le=12)
    tue_hours: float = Field(ge=0, le=12)
    wed_hours: float = Field(ge=0, le=12)
    thu_hours: float = Field(ge=0, le=12)
    fri_hours: float = Field(ge=0, le=12)

    @model_validator(mode="after")
    def _ending(self) -> ReferralEdit:
        if self.ended_on is not None and self.ended_on < self.expected_start:
            raise ValueError("Afsluttet-datoen ligger før forventet start")
        if (self.ended_on is None) != (self.exit_outcome is None):
            raise ValueError("Afsluttet-dato og afgangsårsag udfyldes sammen")
        return self


class InvalidInput(ValueError):
    """Form input refused by server-side validation; the message names the field."""


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        label = FIELD_LABELS.get(field, field)
        msg = str(err["msg"]).removeprefix("Value error, ")
        translations = {
            "greater_than_equal": "må ikke være negativ",
            "less_than_equal": "er for stor (højst 12 timer pr. dag)",
            "string_too_long": "er for lang (højst 80 tegn)",
            "date_from_datetime_parsing": "er ikke en gyldig dato",
            "date_parsing": "er ikke en gyldig dato",
            "float_parsing": "skal være et tal",
            "missing": "skal udfyldes",
        }
        msg = translations.get(err["type"], msg)
        parts.append(f"{label}: {msg}" if label else msg)
    return "; ".join(parts)


def _view(ref: Referral, case_ref: str, unit: str, team: str) -> ReferralView:
    return ReferralView(
        ref.id, ref.version, case_ref, ref.unit_id, unit, team, ref.referred_on,
        ref.expected_start, ref.ended_on, ref.exit_outcome, ref.caseworker_ref,
        tuple(float(getattr(ref, c)) for c in WEEKDAY_COLUMNS),
    )


@requires(*PERSON_LEVEL)
def list_referrals(
    session: Session, principal: Principal, *, active_on: date | None = None
) -> list[ReferralView]:
    """Referrals of the units the principal may see (active on a day, if given)."""
    ids = visible_unit_ids(session, principal)
    stmt = (
        select(Referral, Participant.case_ref, Unit.name, Team.name)
        .join(Participant, Referral.participant_id == Participant.id)
        .join(Unit, Referral.unit_id == Unit.id)
        .outerjoin(Team, Referral.team_id == Team.id)
        .where(Referral.unit_id.in_(ids))
        .order_by(Unit.name, Participant.case_ref)
    )
    if active_on is not None:
        stmt = stmt.where(
            Referral.referred_on <= active_on,
            or_(Referral.ended_on.is_(None), Referral.ended_on >= active_on),
        )
    return [_view(r, c, u, t or "") for r, c, u, t in session.execute(stmt).all()]


def _municipality(principal: Principal) -> set[str] | None:
    """The municipality a write of this principal belongs to (None: every one)."""
    return None if principal.municipality_code is None else {principal.municipality_code}


def _scoped_referral(session: Session, principal: Principal, referral_id: int) -> Referral:
    ref = session.get(Referral, referral_id)
    if ref is None:
        raise AccessDenied("Henvisningen findes ikke.")
    unit = session.get(Unit, ref.unit_id)
    assert unit is not None
    require_unit(principal, unit.municipality_code, unit.id)
    return ref


@requires(*PERSON_LEVEL)
def get_referral(session: Session, principal: Principal, referral_id: int) -> ReferralView:
    ref = _scoped_referral(session, principal, referral_id)
    unit = session.get(Unit, ref.unit_id)
    team = session.get(Team, ref.team_id) if ref.team_id else None
    unit_name, team_name = (unit.name if unit else ""), (team.name if team else "")
    return _view(ref, ref.participant.case_ref, unit_name, team_name)


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def update_referral(
    session: Session,
    principal: Principal,
    referral_id: int,
    expected_version: int,
    values: dict[str, Any],
) -> ReferralView:
    """Correct a referral the user saw at ``expected_version``; audited; one transaction.

    Raises InvalidInput (Danish, naming the field), AccessDenied, or
    ConcurrentEditError when someone else saved the referral first."""
    try:
        edit = ReferralEdit.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(validation_message(exc)) from exc
    if edit.exit_outcome is not None and edit.exit_outcome not in code_labels(
        session, "exit_outcome"
    ):
        raise InvalidInput(f"Afgangsårsag: koden '{edit.exit_outcome}' findes ikke")
    ref = _scoped_referral(session, principal, referral_id)
    changes = {k: v for k, v in edit.model_dump().items() if getattr(ref, k) != v}
    if changes:
        old = apply_versioned(session, ref, expected_version, changes, "Henvisningen")
        record(
            session, principal, "update", "referral", ref.id,
            old=_jsonable(old), new=_jsonable(changes), participant_id=ref.participant_id,
        )
        changed(session, Area.REFERRALS, municipality_codes=_municipality(principal))
        session.flush()
    return get_referral(session, principal, referral_id)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}

"""The base counts every KPI is computed from, for a scope and a period.

Two sources give the same counts: ``raw_counts`` reads attendance and referrals
directly (the manager's own units, with drill-down to team), ``summary_counts``
reads the summary tables (the council's regional comparison over many
municipalities). tests/test_council_metrics.py checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nytte.core import clock
from nytte.council.periods import Period
from nytte.models import (
    ABSENT,
    PRESENT,
    Attendance,
    Consultation,
    Participant,
    Referral,
    Screening,
    Task,
    Team,
    Unit,
)
from nytte.models.council import AttendanceMonth, ExitFollowUp, ReferralStats

JOB_OR_EDUCATION = ("job", "education")
UNEXCUSED = "unexcused"
APPROVE, REJECT = "approve", "reject"
DOCUMENTED_OUTCOMES = ("agree", "disagree", "comments", "informed")


def _heard() -> ColumnElement[bool]:
    """One representative's consultation is documented: an outcome on record, and a
    date it took place (or, after July 2025, that the representative was informed)."""
    return and_(Consultation.outcome.in_(DOCUMENTED_OUTCOMES),
                or_(Consultation.consulted_on.is_not(None), Consultation.informed.is_(True)))


def consultation_documented(screening_id: ColumnElement[int] | InstrumentedAttribute[int],
                            ) -> ColumnElement[bool]:
    """A screening's consultation is documented when every representative on it (one
    per occupational group) was heard: at least one row, and none left undocumented."""
    of_it = Consultation.screening_id == screening_id
    return and_(exists().where(of_it), ~exists().where(of_it, ~_heard()))


@dataclass(frozen=True)
class Scope:
    """Which data: municipalities, optionally narrowed to units or one team."""

    municipality_codes: tuple[str, ...]
    unit_ids: tuple[int, ...] | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class Counts:
    enrolled: int = 0
    places: int = 0
    staff: int = 0
    expected_days: int = 0
    present_days: int = 0
    unexcused_days: int = 0
    expected_hours: float = 0.0
    hours: float = 0.0
    opening_days: int = 0
    new_referrals: int = 0
    showed_up: int = 0
    exits: int = 0
    exits_job_education: int = 0
    tasks_approved: int = 0
    tasks_rejected: int = 0
    consultations_missing: int = 0
    follow_up_3m: int = 0  # ended courses with a recorded status 3 months after
    follow_up_3m_je: int = 0  # ... of which in job or education
    follow_up_6m: int = 0
    follow_up_6m_je: int = 0

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _share(num: float, den: float) -> float | None:
    return num / den if den else None


def kpi_values(c: Counts) -> dict[str, float | None]:
    """Every KPI of the overview by registry key (nytte.kpis), from the base counts."""
    per_day = _share(c.expected_days, c.opening_days)
    return {
        "enrolled": c.enrolled,
        "places": c.places,
        "capacity_use": _share(per_day, c.places) if per_day is not None else None,
        "attendance_rate": _share(c.present_days, c.expected_days),
        "hours_rate": _share(c.hours, c.expected_hours),
        "new_referrals": c.new_referrals,
        "show_up_rate": _share(c.showed_up, c.new_referrals),
        "unexcused_absences": c.unexcused_days,
        "exits": c.exits,
        "exits_job_education": _share(c.exits_job_education, c.exits),
        "tasks_approved": c.tasks_approved,
        "tasks_rejected": c.tasks_rejected,
        "consultations_missing": c.consultations_missing,
        "participants_per_staff": (
            _share(per_day, c.staff) if per_day is not None else None
        ),
        "exits_job_education_3m": _share(c.follow_up_3m_je, c.follow_up_3m),
        "exits_job_education_6m": _share(c.follow_up_6m_je, c.follow_up_6m),
    }


def _unit_filter(scope: Scope) -> list[object]:
    conds: list[object] = [Unit.municipality_code.in_(scope.municipality_codes)]
    if scope.unit_ids is not None:
        conds.append(Unit.id.in_(scope.unit_ids))
    return conds


def _scoped_unit_ids(session: Session, scope: Scope) -> list[int]:
    return list(session.scalars(select(Unit.id).where(*_unit_filter(scope))))  # type: ignore[arg-type]


def raw_counts(session: Session, scope: Scope, period: Period) -> Counts:
    """Counts from the raw tables (indexed by unit and day)."""
    unit_ids = _scoped_unit_ids(session, scope)
    if not unit_ids:
        return Counts()
    s, e = period.start, period.end
    if scope.team_id is not None:
        places = session.scalar(select(Team.places).where(Team.id == scope.team_id)) or 0
        staff = 1  # a team has one team leader (holdleder)
    else:
        places, staff = session.execute(
            select(func.coalesce(func.sum(Unit.places), 0),
                   func.coalesce(func.sum(Unit.staff_count), 0)).where(Unit.id.in_(unit_ids))
        ).one()

    att_conds: list[ColumnElement[bool]] = [
        Attendance.unit_id.in_(unit_ids), Attendance.day >= s, Attendance.day <= e
    ]
    ref_conds: list[ColumnElement[bool]] = [Referral.unit_id.in_(unit_ids)]
    if scope.team_id is not None:
        att_conds.append(Attendance.team_id == scope.team_id)
        ref_conds.append(Referral.team_id == scope.team_id)
    att = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Attendance.status == PRESENT, 1), else_=0)), 0),
            func.coalesce(func.sum(case(
                (and_(Attendance.status == ABSENT, Attendance.reason_code == UNEXCUSED), 1),
                else_=0)), 0),
            func.coalesce(func.sum(Attendance.expected_hours), 0.0),
            func.coalesce(func.sum(Attendance.hours), 0.0),
            func.count(func.distinct(Attendance.day)),
        ).where(*att_conds)
    ).one()
    enrolled = session.scalar(
        select(func.count(func.distinct(Referral.participant_id))).where(
            *ref_conds, Referral.expected_start <= e,
            or_(Referral.ended_on.is_(None), Referral.ended_on >= s),
        )
    ) or 0
    showed = exists().where(Attendance.referral_id == Referral.id, Attendance.status == PRESENT)
    new_refs, showed_up = session.execute(
        select(func.count(), func.coalesce(func.sum(case((showed, 1), else_=0)), 0)).where(
            *ref_conds, Referral.expected_start >= s, Referral.expected_start <= e
        )
    ).one()
    exits, exits_je = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case(
                (Referral.exit_outcome.in_(JOB_OR_EDUCATION), 1), else_=0)), 0),
        ).where(*ref_conds, Referral.ended_on >= s, Referral.ended_on <= e)
    ).one()
    approved, rejected, missing = task_counts(session, unit_ids, period)
    follow: dict[int, tuple[int, int]] = {}
    for months, n, je in session.execute(
        select(ExitFollowUp.months_after, func.count(),
               func.coalesce(func.sum(case(
                   (ExitFollowUp.outcome.in_(JOB_OR_EDUCATION), 1), else_=0)), 0))
        .join(Referral, Referral.id == ExitFollowUp.referral_id)
        .where(*ref_conds, Referral.ended_on >= s, Referral.ended_on <= e)
        .group_by(ExitFollowUp.months_after)
    ):
        follow[int(months)] = (int(n), int(je))
    return Counts(
        enrolled=int(enrolled), places=int(places), staff=int(staff),
        expected_days=int(att[0]), present_days=int(att[1]), unexcused_days=int(att[2]),
        expected_hours=float(att[3]), hours=float(att[4]), opening_days=int(att[5]),
        new_referrals=int(new_refs), showed_up=int(showed_up),
        exits=int(exits), exits_job_education=int(exits_je),
        tasks_approved=approved, tasks_rejected=rejected, consultations_missing=missing,
        follow_up_3m=follow.get(3, (0, 0))[0], follow_up_3m_je=follow.get(3, (0, 0))[1],
        follow_up_6m=follow.get(6, (0, 0))[0], follow_up_6m_je=follow.get(6, (0, 0))[1],
    )


def latest_screenings() -> Select[int, int]:
    """(task_id, newest screening version) per task."""
    return select(Screening.task_id, func.max(Screening.version).label("v")).group_by(
        Screening.task_id
    )


def task_counts(session: Session, unit_ids: list[int], period: Period) -> tuple[int, int, int]:
    """Approved and rejected in the period (newest screening decides), and approved
    tasks in force at the period's end without a documented TR consultation."""
    latest = latest_screenings().subquery()
    base = (
        select(Screening)
        .join(latest, and_(latest.c.task_id == Screening.task_id,
                           latest.c.v == Screening.version))
        .join(Task, Task.id == Screening.task_id)
        .where(Task.unit_id.in_(unit_ids))
    )
    # The period's Danish days, compared with timestamps stored as UTC.
    lo = clock.stored_start_of_day(period.start)
    hi = clock.stored_start_of_day(date.fromordinal(period.end.toordinal() + 1))
    decided = base.where(Screening.decided_at >= lo, Screening.decided_at < hi).subquery()
    approved = session.scalar(
        select(func.count()).select_from(decided).where(decided.c.verdict == APPROVE)
    ) or 0
    rejected = session.scalar(
        select(func.count()).select_from(decided).where(decided.c.verdict == REJECT)
    ) or 0
    documented = consultation_documented(Screening.id)
    missing = session.scalar(
        select(func.count()).select_from(
            base.where(Screening.verdict == APPROVE, Screening.decided_at < hi, ~documented)
            .subquery()
        )
    ) or 0
    return int(approved), int(rejected), int(missing)


def _referrals_and_flagged(
    session: Session, codes: list[str],
    on: InstrumentedAttribute[date] | InstrumentedAttribute[date | None],
    flag: ColumnElement[bool], period: Period,
) -> list[tuple[str, int, int]]:
    """Per municipality (summary table): the referrals whose ``on`` date falls in the
    period, and how many of them ``flag`` holds for."""
    rs = ReferralStats
    rows = session.execute(
        select(rs.municipality_code, func.count(), func.sum(case((flag, 1), else_=0)))
        .where(rs.municipality_code.in_(codes), on >= period.start, on <= period.end)
        .group_by(rs.municipality_code)
    )
    return [(code, n, flagged) for code, n, flagged in rows]


def summary_counts_by_municipality(
    session: Session, codes: list[str], period: Period
) -> dict[str, Counts]:
    """Counts per municipality from the summary tables (the council's comparison)."""
    s, e = period.start, period.end
    first_month = s.replace(day=1)
    out: dict[str, dict[str, float]] = {c: {} for c in codes}
    for code, ed, pd_, ud, eh, h in session.execute(
        select(
            AttendanceMonth.municipality_code,
            func.sum(AttendanceMonth.expected_days), func.sum(AttendanceMonth.present_days),
            func.sum(AttendanceMonth.unexcused_days), func.sum(AttendanceMonth.expected_hours),
            func.sum(AttendanceMonth.hours),
        )
        .where(AttendanceMonth.municipality_code.in_(codes),
               AttendanceMonth.month >= first_month, AttendanceMonth.month <= e)
        .group_by(AttendanceMonth.municipality_code)
    ):
        out[code].update(expected_days=ed, present_days=pd_, unexcused_days=ud,
                         expected_hours=eh, hours=h)
    rs = ReferralStats
    for code, n in session.execute(
        select(rs.municipality_code, func.count(func.distinct(rs.participant_id)))
        .where(rs.municipality_code.in_(codes), rs.active_until >= s, rs.expected_start <= e)
        .group_by(rs.municipality_code)
    ):
        out[code]["enrolled"] = n
    for code, n, showed in _referrals_and_flagged(
        session, codes, rs.expected_start, rs.first_present.is_not(None), period
    ):
        out[code].update(new_referrals=n, showed_up=showed)
    for code, n, je in _referrals_and_flagged(
        session, codes, rs.ended_on, rs.exit_outcome.in_(JOB_OR_EDUCATION), period
    ):
        out[code].update(exits=n, exits_job_education=je)
    for code, places, staff in session.execute(
        select(Unit.municipality_code, func.sum(Unit.places), func.sum(Unit.staff_count))
        .where(Unit.municipality_code.in_(codes)).group_by(Unit.municipality_code)
    ):
        out[code].update(places=places, staff=staff)
    result = {}
    for code, d in out.items():
        result[code] = Counts(**{
            k: (float(v) if k in ("expected_hours", "hours") else int(v or 0))  # type: ignore[arg-type]
            for k, v in d.items()
        })
    return result


def raw_counts_by_municipality(
    session: Session, codes: list[str], period: Period
) -> dict[str, Counts]:
    """The same figures as summary_counts_by_municipality, from the raw tables.

    Used by the benchmark (raw against summary) and by the tests (they must agree);
    tasks and opening days are not part of the regional comparison."""
    out = {}
    for code in codes:
        c = raw_counts(session, Scope((code,)), period)
        out[code] = Counts(**{**c.as_dict(), "opening_days": 0, "tasks_approved": 0,  # type: ignore[arg-type]
                              "tasks_rejected": 0, "consultations_missing": 0,
                              "follow_up_3m": 0, "follow_up_3m_je": 0,
                              "follow_up_6m": 0, "follow_up_6m_je": 0})
    return out


AGE_BANDS = ((0, 24, "Under 25 år"), (25, 29, "25-29 år"), (30, 39, "30-39 år"),
             (40, 49, "40-49 år"), (50, 200, "50 år og derover"))


def age_band(birth_year: int | None, on: date) -> str:
    if birth_year is None:
        return "Uoplyst"
    age = on.year - birth_year
    return next(label for lo, hi, label in AGE_BANDS if lo <= age <= hi)


def composition_raw(
    session: Session, scope: Scope, period: Period
) -> dict[str, dict[str, int]]:
    """Enrolled participants by benefit group, visitation group, gender and age band."""
    unit_ids = _scoped_unit_ids(session, scope)
    conds: list[ColumnElement[bool]] = [
        Referral.unit_id.in_(unit_ids), Referral.expected_start <= period.end,
             or_(Referral.ended_on.is_(None), Referral.ended_on >= period.start)]
    if scope.team_id is not None:
        conds.append(Referral.team_id == scope.team_id)
    ids = select(Referral.participant_id).where(*conds).distinct().subquery()
    rows = session.execute(
        select(Participant.benefit_group, Participant.visitation_group, Participant.gender,
               Participant.birth_year).join(ids, ids.c.participant_id == Participant.id)
    ).all()
    return _tally(rows, period.end)


def _tally(rows: object, on: date) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {"benefit": {}, "visitation": {}, "gender": {}, "age": {}}
    for benefit, visitation, gender, birth_year in rows:  # type: ignore[attr-defined]
        for key, value in (("benefit", benefit), ("visitation", visitation or "uoplyst"),
                           ("gender", gender), ("age", age_band(birth_year, on))):
            out[key][value] = out[key].get(value, 0) + 1
    return out


def composition_summary(
    session: Session, codes: list[str], period: Period
) -> dict[str, dict[str, dict[str, int]]]:
    """Per municipality: enrolled participants by group, from the summary table.

    Grouped in SQL over the covering index; a participant's groups are the same on
    all their referrals, so counting distinct participants per combination and
    adding the combinations up counts each participant once."""
    rs = ReferralStats
    # The age band is computed in SQL so the database returns a few hundred groups,
    # not one per birth year.
    y = period.end.year
    band = case(
        *[(rs.birth_year.between(y - hi, y - lo), label) for lo, hi, label in AGE_BANDS],
        else_="Uoplyst",
    )
    rows = session.execute(
        select(rs.municipality_code, rs.benefit_group, rs.visitation_group, rs.gender,
               band, func.count(func.distinct(rs.participant_id)))
        .where(rs.municipality_code.in_(codes), rs.active_until >= period.start,
               rs.expected_start <= period.end)
        .group_by(rs.municipality_code, rs.benefit_group, rs.visitation_group, rs.gender,
                  band)
    ).all()
    out: dict[str, dict[str, dict[str, int]]] = {
        c: {"benefit": {}, "visitation": {}, "gender": {}, "age": {}} for c in codes
    }
    for code, benefit, visitation, gender, age, n in rows:
        for key, value in (("benefit", benefit), ("visitation", visitation or "uoplyst"),
                           ("gender", gender), ("age", age)):
            out[code][key][value] = out[code][key].get(value, 0) + int(n)
    return out

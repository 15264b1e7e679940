"""The strategy checklist per municipality, computed from the data.

The points are the regional council's recommendations (strategy 2024,
source [B] in docs/domain.md § 9). None is ticked by hand: each is a query,
and the page shows the figure that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.formats import fmt_pct
from nytte.core.suppression import is_primary
from nytte.council.metrics import APPROVE, consultation_documented, latest_screenings
from nytte.models import AuditEvent, Referral, Screening, Task, Unit

MIN_DESCRIPTION_CHARS = 40
"""A 'written task description' says what is done, where and how: a title is not one."""
CORE_AREA = "teknik_miljoe"
EVALUATION_ACTION = "yearly_evaluation_generated"
OUTCOME_COVERAGE = 0.9
"""Effect is documented when at least 90 % of the year's ended courses have an outcome."""


class Status(StrEnum):
    MET = "opfyldt"
    NOT_MET = "ikke opfyldt"
    NO_DATA = "ingen data"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    recommendation: str
    status: Status
    evidence: str


def _approved_tasks(session: Session, code: str, on: date,
                    since: date | None = None) -> list[tuple[int, str, str, int]]:
    """(task id, description, professional area, screening id) of tasks approved by
    their newest screening decided on or before ``on`` (and on or after ``since``)."""
    latest = latest_screenings().subquery()
    # Danish days, compared with timestamps stored as UTC.
    hi = clock.stored_start_of_day(on + timedelta(days=1))
    conds = [Task.municipality_code == code, Screening.verdict == APPROVE,
             Screening.decided_at < hi]
    if since is not None:
        conds.append(Screening.decided_at >= clock.stored_start_of_day(since))
    rows = session.execute(
        select(Task.id, Task.description, Task.professional_area, Screening.id)
        .join(Screening, Screening.task_id == Task.id)
        .join(latest, and_(latest.c.task_id == Screening.task_id,
                           latest.c.v == Screening.version))
        .where(*conds)
    ).all()
    return [(int(a), str(b or ""), str(c), int(d)) for a, b, c, d in rows]


NO_DATA_EVIDENCE = "Nytte har ingen data for kommunen."
TITLES = (
    ("written_description", "Skriftlig opgavebeskrivelse",
     "Kommunen udarbejder en beskrivelse af de opgaver, der skal udføres."),
    ("consultation", "TR-høring dokumenteret for hver opgave",
     "Alle relevante tillidsrepræsentanter høres efter hierarkiet, og resultatet "
     "foreligger på skrift."),
    ("yearly_evaluation", "Årlig evaluering",
     "Kommunen evaluerer årligt formål, indhold og antal borgere."),
    ("broadening", "Opgaver uden for teknik og miljø",
     "Nytteindsatsen bredes ud til flere faglige områder."),
    ("effect", "Effekten dokumenteret",
     "Ved dispensationsansøgninger og forlængelser kan kommunen dokumentere effekten."),
)


def has_data(session: Session, code: str) -> bool:
    """Whether Nytte holds any data for the municipality (a unit or a task)."""
    return bool(session.scalar(select(func.count()).select_from(Unit)
                               .where(Unit.municipality_code == code))) or bool(
        session.scalar(select(func.count()).select_from(Task)
                       .where(Task.municipality_code == code)))


def strategy_checklist(session: Session, code: str, on: date, *,
                       since: date | None = None,
                       evaluated_by: str | None = None) -> list[ChecklistItem]:
    """The five points for municipality ``code`` as of ``on``.

    Tasks: those approved and in force on ``on`` (or decided from ``since``, for a
    yearly evaluation, so its counts are the year's). Ended courses: the 12 months
    up to ``on``. ``evaluated_by`` names the evaluation document this checklist is
    part of (it is itself the yearly evaluation). A municipality Nytte has no data
    for is "ingen data" on every point, never "ikke opfyldt"."""
    if not has_data(session, code):
        return [ChecklistItem(k, t, r, Status.NO_DATA, NO_DATA_EVIDENCE) for k, t, r in TITLES]
    tasks = _approved_tasks(session, code, on, since)
    n = len(tasks)
    items: list[ChecklistItem] = []

    described = sum(1 for _, d, _, _ in tasks if len(d.strip()) >= MIN_DESCRIPTION_CHARS)
    items.append(ChecklistItem(
        "written_description", "Skriftlig opgavebeskrivelse",
        "Kommunen udarbejder en beskrivelse af de opgaver, der skal udføres.",
        Status.NO_DATA if n == 0 else (Status.MET if described == n else Status.NOT_MET),
        f"{described} af {n} godkendte opgaver har en beskrivelse på mindst "
        f"{MIN_DESCRIPTION_CHARS} tegn.",
    ))

    screening_ids = [s for _, _, _, s in tasks]
    documented = 0
    if screening_ids:
        documented = session.scalar(
            select(func.count(Screening.id)).where(
                Screening.id.in_(screening_ids), consultation_documented(Screening.id))
        ) or 0
    items.append(ChecklistItem(
        "consultation", "TR-høring dokumenteret for hver opgave",
        "Alle relevante tillidsrepræsentanter høres efter hierarkiet, og resultatet "
        "foreligger på skrift.",
        Status.NO_DATA if n == 0 else (Status.MET if documented == n else Status.NOT_MET),
        f"{documented} af {n} godkendte opgaver har en dokumenteret høring eller orientering.",
    ))

    since = on - timedelta(days=365)
    evaluated = session.scalar(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == EVALUATION_ACTION,
            AuditEvent.municipality_code == code,
            AuditEvent.occurred_at >= clock.stored_start_of_day(since),
        )
    )
    if evaluated_by:
        status, evidence = Status.MET, evaluated_by
    else:
        status = Status.MET if evaluated else Status.NOT_MET
        evidence = (f"Seneste årlige evaluering dannet {clock.to_danish(evaluated):%d-%m-%Y}."
                    if evaluated
                    else "Ingen årlig evaluering dannet i Nytte de seneste 12 måneder.")
    items.append(ChecklistItem(
        "yearly_evaluation", "Årlig evaluering",
        "Kommunen evaluerer årligt formål, indhold og antal borgere.", status, evidence,
    ))

    areas = {a for _, _, a, _ in tasks}
    outside = sum(1 for _, _, a, _ in tasks if a != CORE_AREA)
    items.append(ChecklistItem(
        "broadening", "Opgaver uden for teknik og miljø",
        "Nytteindsatsen bredes ud til flere faglige områder.",
        Status.NO_DATA if n == 0 else (Status.MET if outside > 0 else Status.NOT_MET),
        f"{outside} af {n} godkendte opgaver ligger uden for teknik og miljø "
        f"({len(areas)} faglige områder i alt).",
    ))

    unit_ids = select(Unit.id).where(Unit.municipality_code == code)
    ended, with_outcome = session.execute(
        select(
            func.count(),
            func.count(Referral.exit_outcome),
        ).where(Referral.unit_id.in_(unit_ids), Referral.ended_on > since,
                Referral.ended_on <= on)
    ).one()
    # Ended courses are persons, and the council's tables publish them per period
    # under linked suppression: the evidence shows no count of them at all (a count
    # here could undo a suppressed cell), only whether the threshold is met.
    if ended == 0:
        status, evidence = Status.NO_DATA, "Ingen afsluttede forløb de seneste 12 måneder."
    elif is_primary(ended):
        status = Status.NO_DATA
        evidence = "For få afsluttede forløb (under 5) de seneste 12 måneder til at vurdere."
    else:
        coverage = with_outcome / ended
        status = Status.MET if coverage >= OUTCOME_COVERAGE else Status.NOT_MET
        evidence = (f"Afgangsårsag registreret for {'mindst' if status is Status.MET else 'under'}"
                    f" {fmt_pct(OUTCOME_COVERAGE)} af de afsluttede forløb de seneste "
                    "12 måneder.")
    items.append(ChecklistItem(
        "effect", "Effekten dokumenteret",
        "Ved dispensationsansøgninger og forlængelser kan kommunen dokumentere effekten.",
        status, evidence,
    ))
    return items

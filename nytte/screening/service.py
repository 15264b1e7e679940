"""Screening services: screen and save, record the TR consultation, keep the
municipal policy, the portfolio, and shared precedent.

Every function takes a Session (the caller's unit of work: all or nothing) and the
acting Principal, and checks role and scope itself. Decisions are immutable: a
re-screening, or a consultation that changes the picture, adds a new version
that points to the one it supersedes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nytte.core import audit, clock
from nytte.core.access import requires
from nytte.core.auth import AccessDenied, Principal, Role, require_role, require_unit
from nytte.models import (
    Consultation,
    ConsultationAttachment,
    Municipality,
    MunicipalPolicy,
    PrecedentImport,
    RuleSetVersion,
    Screening,
    Task,
    Unit,
)
from nytte.models.base import utcnow
from nytte.org.scope import coordinator_filter, may_see_unit, unit_condition
from nytte.screening.consultation import ConsultationError, validate_consultation
from nytte.screening.criteria import (
    CriterionResult,
    consultations_of,
    dispensation_possible,
    ratio_check,
)
from nytte.screening.dispensation_pdf import render_dispensation_application
from nytte.screening.documents import ConsultationRecord, DecisionRecord
from nytte.screening.engine import ScreeningResult, screen
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.portfolio import PortfolioEntry, PortfolioFilter, select_entries
from nytte.screening.precedent import (
    PrecedentDecision,
    PrecedentFileError,
    Similar,
    export_document,
    read_export,
)
from nytte.screening.precedent_cache import (
    decision_from_row,
    precedent_index,
    screening_ref,
    with_reasons,
)
from nytte.screening.proposal import TaskProposal, parse_proposal
from nytte.screening.record_pdf import render_record
from nytte.screening.rulesets import RuleSet, ruleset_by_id, ruleset_for
from nytte.screening.vocabulary import VERDICTS

SCREENERS = (Role.KOORDINATOR, Role.LEDER)
READERS = (Role.KOORDINATOR, Role.LEDER, Role.ADMIN)
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}


class ScreeningNotFound(LookupError):
    """No such screening or task in the principal's municipality."""


class ConcurrentScreening(ValueError):
    """Someone else saved a new version of the task first."""


@dataclass(frozen=True)
class SavedScreening:
    screening_id: int
    task_id: int
    version: int
    supersedes_id: int | None
    result: ScreeningResult
    decided_by: str
    decided_at: datetime  # UTC, naive (as stored)

    @property
    def reference(self) -> str:
        return f"Opgave {self.task_id}, version {self.version}"


@dataclass(frozen=True)
class ScreeningSummary:
    screening_id: int
    task_id: int
    version: int
    title: str
    verdict: str
    ruleset_id: str
    decided_by: str
    decided_at: datetime
    supersedes_id: int | None


@dataclass(frozen=True)
class PolicyVersion:
    id: int
    version: int
    policy: ScreeningPolicy
    created_by: str
    created_at: datetime


def local_time(utc_naive: datetime) -> datetime:
    """A stored UTC timestamp in Danish time (timezone-aware), for display."""
    return clock.to_danish(utc_naive)


def _municipality(principal: Principal) -> str:
    if principal.role is Role.RAAD or not principal.municipality_code:
        raise AccessDenied("Opgavescreening hører til en kommune; din rolle har ingen kommune.")
    return principal.municipality_code


def _check_task_access(principal: Principal, task: Task) -> None:
    if task.municipality_code != principal.municipality_code:
        raise ScreeningNotFound("Opgaven findes ikke i din kommune.")
    if not may_see_unit(principal, task.unit_id, unitless_visible=True):
        raise AccessDenied("Opgaven hører til en enhed, du ikke har adgang til.")


def _load_screening(session: Session, principal: Principal, screening_id: int) -> Screening:
    s = session.get(Screening, screening_id)
    if s is None:
        raise ScreeningNotFound(f"Vurdering {screening_id} findes ikke.")
    _check_task_access(principal, s.task)
    return s


# --- policy --------------------------------------------------------------------------

def _policy_from_row(row: MunicipalPolicy) -> ScreeningPolicy:
    return ScreeningPolicy(
        recurring=row.recurring,  # type: ignore[arg-type]
        displacement_lookback_years=row.displacement_lookback_years,
        professional_areas=tuple(row.professional_areas or ())
        or ScreeningPolicy().professional_areas,
        policy_id=row.id, version=row.version,
    )


def _latest_policy_row(session: Session, muni: str) -> MunicipalPolicy | None:
    return session.scalar(
        select(MunicipalPolicy).where(MunicipalPolicy.municipality_code == muni)
        .order_by(MunicipalPolicy.version.desc()).limit(1)
    )


@requires(*READERS)
def current_policy(session: Session, principal: Principal) -> ScreeningPolicy:
    """The municipality's newest policy; the built-in default when none is stored."""
    require_role(principal, *READERS)
    row = _latest_policy_row(session, _municipality(principal))
    return _policy_from_row(row) if row else ScreeningPolicy()


@requires(*READERS)
def policy_versions(session: Session, principal: Principal) -> list[PolicyVersion]:
    require_role(principal, *READERS)
    rows = session.scalars(
        select(MunicipalPolicy).where(MunicipalPolicy.municipality_code == _municipality(principal))
        .order_by(MunicipalPolicy.version.desc())
    )
    return [PolicyVersion(r.id, r.version, _policy_from_row(r), r.created_by, r.created_at)
            for r in rows]


@requires(Role.ADMIN, writes=True)
def save_policy(session: Session, principal: Principal, *, recurring: str,
                displacement_lookback_years: int,
                professional_areas: list[str]) -> ScreeningPolicy:
    """Store a new policy version (admin only). Earlier versions stay as they were."""
    require_role(principal, Role.ADMIN)
    muni = _municipality(principal)
    policy = ScreeningPolicy(recurring=recurring,  # type: ignore[arg-type]
                             displacement_lookback_years=displacement_lookback_years,
                             professional_areas=tuple(professional_areas))
    prev = _latest_policy_row(session, muni)
    row = MunicipalPolicy(
        municipality_code=muni, version=(prev.version + 1) if prev else 1,
        recurring=policy.recurring,
        displacement_lookback_years=policy.displacement_lookback_years,
        professional_areas=list(policy.professional_areas), created_by=principal.label,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "policy.create", "municipal_policy", row.id,
                 old=_policy_from_row(prev).to_json() if prev else None,
                 new=_policy_from_row(row).to_json(), municipality_code=muni)
    return _policy_from_row(row)


# --- screening -------------------------------------------------------------------------

@requires(*READERS)
def similar_decisions(session: Session, principal: Principal, title: str, description: str,
                      exclude_task_id: int | None = None, k: int = 3) -> list[Similar]:
    """The municipality's most similar earlier decisions (own and imported)."""
    require_role(principal, *READERS)
    muni = _municipality(principal)
    index = precedent_index(session, muni)
    exclude: set[str] = set()
    if exclude_task_id is not None:
        versions = session.scalars(select(Screening.version)
                                   .where(Screening.task_id == exclude_task_id))
        exclude = {screening_ref(muni, exclude_task_id, v) for v in versions}
    return with_reasons(session, [index.query(title, description, k=k, exclude_refs=exclude)])[0]


@requires(*SCREENERS)
def preview(session: Session, principal: Principal, raw: dict[str, Any], *,
            on: date | None = None, task_id: int | None = None) -> ScreeningResult:
    """Screen without saving (the form's "Vurdér"); raises ProposalError on bad input."""
    require_role(principal, *SCREENERS)
    proposal = parse_proposal(raw)
    policy = current_policy(session, principal)
    similar = similar_decisions(session, principal, proposal.title, proposal.description,
                                exclude_task_id=task_id)
    return screen(proposal, policy, on=on, similar=similar)


def consultations_from_proposal(p: TaskProposal) -> list[ConsultationRecord]:
    """One record per occupational group the task touches, or the task's single one."""
    return [
        ConsultationRecord(
            level=f.level, outcome=f.outcome, representative=f.representative,
            skip_reason=f.skip_reason, consulted_on=f.consulted_on,
            written_statement=f.written_statement, informed=f.informed,
            practical_setup_discussed=f.practical_setup_discussed, skips=f.skips, group=f.group,
        )
        for f in consultations_of(p)
    ]


def frozen_ruleset_row(session: Session, rs: RuleSet) -> RuleSetVersion:
    """The stored copy of ``rs``'s content (created the first time it is used)."""
    digest = rs.content_hash()
    row = session.scalar(select(RuleSetVersion).where(RuleSetVersion.content_hash == digest))
    if row is None:
        row = RuleSetVersion(ruleset_id=rs.id, content_hash=digest, content=rs.content())
        session.add(row)
        session.flush()
    return row


def stored_ruleset(session: Session, s: Screening) -> RuleSet:
    """The rule set a decision was judged under, as stored with it."""
    if s.ruleset_version_id is not None:
        row = session.get(RuleSetVersion, s.ruleset_version_id)
        if row is not None:
            return RuleSet.from_content(row.content)
    return ruleset_by_id(s.ruleset_id)  # decided before rule sets were frozen


def _apply_task_fields(task: Task, p: TaskProposal) -> None:
    task.title = p.title
    task.description = p.description
    task.requesting_unit = p.requesting_unit
    task.p_number = p.p_number or ""
    task.professional_area = p.professional_area
    task.physical_demand = p.physical_demand
    task.indoor_outdoor = p.indoor_outdoor
    task.season = p.season


def _carried_consultation(prev: Screening,
                          p: TaskProposal) -> list[ConsultationRecord] | None:
    if not prev.consultations:
        return None
    own = consultations_from_proposal(p)
    rows = prev.consultations
    if len(rows) != len(own):
        return None
    same = all(
        (c.level, c.outcome, c.consulted_on, c.skip_reason or None, c.written_statement)
        == (r.level, r.outcome, r.consulted_on, r.skip_reason or None, r.written_statement)
        for c, r in zip(rows, own, strict=True)
    )
    if not same or not any(c.statement_text or c.recorded_by for c in rows):
        return None  # changed answers, or nothing beyond the proposal's own answers
    return [replace(r, statement_text=c.statement_text or None)
            for c, r in zip(rows, own, strict=True)]


def _as_list(consultation: ConsultationRecord | Sequence[ConsultationRecord] | None,
             ) -> list[ConsultationRecord]:
    if consultation is None:
        return []
    if isinstance(consultation, ConsultationRecord):
        return [consultation]
    return list(consultation)


def _check_groups(records: list[ConsultationRecord]) -> None:
    """With several representatives, each names its own occupational group."""
    if len(records) > 1 or any(r.group for r in records):
        seen: set[str] = set()
        for n, r in enumerate(records, start=1):
            name = (r.group or "").strip()
            if not name:
                raise ConsultationError(f"Angiv faggruppen for repræsentant nr. {n}: én "
                                        "repræsentant pr. faggruppe, opgaven berører.")
            if name.casefold() in seen:
                raise ConsultationError(f"Faggruppen '{name}' er angivet to gange; angiv én "
                                        "repræsentant pr. faggruppe.")
            seen.add(name.casefold())


def _validate_consultations(records: list[ConsultationRecord], rs: RuleSet, today: date,
                            start: date) -> None:
    """Every representative validated on its own."""
    _check_groups(records)
    for r in records:
        try:
            validate_consultation(r, rs, today, start)
        except ConsultationError as exc:
            if r.group:
                raise ConsultationError(f"Faggruppe '{r.group}': {exc}") from exc
            raise


@requires(*SCREENERS, writes=True)
def screen_and_save(
    session: Session, principal: Principal, raw: dict[str, Any], *,
    unit_id: int | None = None, task_id: int | None = None, on: date | None = None,
    consultation: ConsultationRecord | Sequence[ConsultationRecord] | None = None,
    attachment: tuple[str, str, bytes] | None = None, today: date | None = None,
    decided_at: datetime | None = None, policy_override: ScreeningPolicy | None = None,
) -> SavedScreening:
    """Screen a proposal and store the decision (a new task, or a new version of one).

    ``decided_at`` (UTC) is for loading historic decisions, e.g. the demo; by default
    the decision is dated now.

    ``consultation`` is a recorded TR consultation (or one per occupational group)
    that replaces the proposal's own consultation answers; ``attachment`` is
    (filename, content type, bytes) of the written statement. Raises ProposalError,
    ConsultationError, AccessDenied."""
    require_role(principal, *SCREENERS)
    muni = _municipality(principal)
    proposal = parse_proposal(raw, today)
    prev: Screening | None = None
    if task_id is not None:
        task = session.get(Task, task_id)
        if task is None:
            raise ScreeningNotFound(f"Opgave {task_id} findes ikke.")
        _check_task_access(principal, task)
        prev = session.scalar(select(Screening).where(Screening.task_id == task_id)
                              .order_by(Screening.version.desc()).limit(1))
    else:
        if unit_id is not None:
            require_unit(principal, muni, unit_id)
        elif principal.role is Role.KOORDINATOR:
            raise AccessDenied("Vælg den enhed, opgaven hører til.")
        task = Task(municipality_code=muni, unit_id=unit_id, title=proposal.title,
                    description=proposal.description, professional_area=proposal.professional_area,
                    created_by=principal.label)
        session.add(task)
    _apply_task_fields(task, proposal)
    session.flush()

    if on is None and prev is not None and prev.start_date == proposal.start_date:
        # A re-screening keeps the superseded decision's rule set, as stored with it,
        # unless the start date changes.
        rs = stored_ruleset(session, prev)
    else:
        rs = ruleset_for(on or proposal.start_date)
    records = _as_list(consultation)
    if records:
        _validate_consultations(records, rs, today or clock.today(), proposal.start_date)
    elif prev is not None:
        # A re-screening keeps the recorded consultation (validated when it was
        # recorded) while the proposal's consultation answers still match it.
        records = _carried_consultation(prev, proposal) or []
    records = records or consultations_from_proposal(proposal)
    policy = policy_override or current_policy(session, principal)
    similar = similar_decisions(session, principal, proposal.title, proposal.description,
                                exclude_task_id=task.id)
    # The criteria read the consultation from the proposal's answers (a recorded
    # consultation is written into them), so the record's consultation block and
    # its criteria come from the same facts.
    result = screen(proposal, policy, ruleset=rs, similar=similar)
    frozen = frozen_ruleset_row(session, rs)
    row = Screening(
        task_id=task.id, version=(prev.version + 1) if prev else 1,
        supersedes_id=prev.id if prev else None, ruleset_id=rs.id,
        ruleset_version_id=frozen.id, policy_id=policy.policy_id,
        start_date=proposal.start_date, answers=proposal.model_dump(mode="json"),
        criteria=[c.to_json() for c in result.criteria], verdict=result.verdict,
        decided_by=principal.label, decided_at=decided_at or utcnow(),
    )
    session.add(row)
    try:
        session.flush()
    except (IntegrityError, StaleDataError) as exc:
        # Two people re-screened the same task at once: the unique (task, version)
        # or the task's version counter stops the second; nothing of it is kept.
        raise ConcurrentScreening("Opgaven er netop blevet vurderet af en anden. "
                                  "Åbn den igen og gentag vurderingen.") from exc
    # One row per representative heard (the group of each is in the stored answers,
    # in the same order); the written statement's file goes with the first.
    c_rows: list[Consultation] = []
    for record in records:
        c_row = Consultation(
            screening_id=row.id, level=record.level,
            representative=record.representative or "",
            skip_reason=record.skip_reason or "", outcome=record.outcome,
            consulted_on=record.consulted_on, written_statement=record.written_statement,
            statement_text=record.statement_text or "", informed=bool(record.informed),
            practical_setup_discussed=bool(record.practical_setup_discussed),
            recorded_by=principal.label, recorded_at=row.decided_at,
        )
        session.add(c_row)
        session.flush()
        c_rows.append(c_row)
    if attachment is not None:
        _attach(session, principal, c_rows[0], attachment)
    audit.record(session, principal, "screening.create", "screening", row.id,
                 new={"task_id": task.id, "version": row.version, "verdict": row.verdict,
                      "ruleset": rs.id, "supersedes_id": row.supersedes_id},
                 municipality_code=muni)
    return SavedScreening(row.id, task.id, row.version, row.supersedes_id, result,
                          row.decided_by, row.decided_at)


def _attach(session: Session, principal: Principal, c_row: Consultation,
            attachment: tuple[str, str, bytes]) -> None:
    filename, content_type, data = attachment
    if content_type not in ATTACHMENT_TYPES:
        raise ValueError("Tilkendegivelsen skal vedhæftes som PDF, PNG eller JPEG.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValueError("Den vedhæftede fil er for stor (højst 5 MB).")
    session.add(ConsultationAttachment(consultation_id=c_row.id, filename=filename[:200],
                                       content_type=content_type, data=data,
                                       uploaded_by=principal.label))


def _group_answers(r: ConsultationRecord, written: bool) -> dict[str, Any]:
    """One consultation in the proposal's own keys (task level or one group)."""
    def yn(v: bool | None) -> str | None:
        return None if v is None else ("yes" if v else "no")

    return {
        "consultation_level": r.level,
        "consultation_outcome": r.outcome,
        "consultation_representative": r.representative,
        "consultation_skip_reason": r.skip_reason,
        "consultation_skips": [s.model_dump(mode="json") for s in r.skips],
        "consultation_date": r.consulted_on.isoformat() if r.consulted_on else None,
        "written_statement": "yes" if written else "no",
        "tr_informed": yn(r.informed),
        "practical_setup_discussed": yn(r.practical_setup_discussed),
    }


@requires(*SCREENERS, writes=True)
def record_consultation(
    session: Session, principal: Principal, screening_id: int,
    record: ConsultationRecord | Sequence[ConsultationRecord],
    *, attachment: tuple[str, str, bytes] | None = None, today: date | None = None,
) -> SavedScreening:
    """Record the TR consultation for a decision: re-screens as a new version.

    ``record`` is one consultation, or one per occupational group the task touches
    (each with its ``group``); every one is validated and every one must be heard."""
    require_role(principal, *SCREENERS)
    prev = _load_screening(session, principal, screening_id)
    latest = session.scalar(select(func.max(Screening.version))
                            .where(Screening.task_id == prev.task_id))
    if latest != prev.version:
        raise ValueError("Vurderingen er afløst af en nyere version; registrér høringen dér.")
    records = _as_list(record)
    if not records:
        raise ConsultationError("Registrér mindst én høring.")
    # Checked here first, so a missing group name is said in the form's words.
    _check_groups(records)
    answers = dict(prev.answers)
    if len(records) == 1 and not records[0].group:
        single = records[0]
        written = single.written_statement or attachment is not None
        answers.update(_group_answers(single, written))
        answers["consultations"] = []
        if attachment is not None and not single.written_statement:
            records = [replace(single, written_statement=True,
                               statement_filename=attachment[0])]
    else:
        # The task-level answers mirror the first group; the groups govern.
        answers.update(_group_answers(records[0], records[0].written_statement))
        answers["consultations"] = [
            {"group": (r.group or "").strip(), **_group_answers(r, r.written_statement)}
            for r in records
        ]
    # The start date, the stored rule set and the policy of the superseded decision
    # stay: only the consultation changed.
    policy_row = session.get(MunicipalPolicy, prev.policy_id) if prev.policy_id else None
    policy = _policy_from_row(policy_row) if policy_row else None
    return screen_and_save(session, principal, answers, task_id=prev.task_id,
                           consultation=records, attachment=attachment, today=today,
                           policy_override=policy)


# --- reading decisions ---------------------------------------------------------------

def _summary(s: Screening) -> ScreeningSummary:
    return ScreeningSummary(s.id, s.task_id, s.version, str(s.answers.get("title", "")),
                            s.verdict, s.ruleset_id, s.decided_by, s.decided_at,
                            s.supersedes_id)


@requires(*READERS)
def recent_decisions(session: Session, principal: Principal,
                     limit: int = 50) -> list[ScreeningSummary]:
    """The newest version of each task, newest first."""
    require_role(principal, *READERS)
    muni = _municipality(principal)
    latest = (select(Screening.task_id, func.max(Screening.version).label("v"))
              .group_by(Screening.task_id).subquery())
    stmt = (select(Screening).join(Task, Task.id == Screening.task_id)
            .join(latest, (latest.c.task_id == Screening.task_id)
                  & (latest.c.v == Screening.version))
            .where(Task.municipality_code == muni))
    stmt = stmt.where(coordinator_filter(principal, Task.unit_id, unitless_visible=True))
    rows = session.scalars(stmt.order_by(Screening.decided_at.desc(), Screening.id.desc())
                           .limit(limit))
    return [_summary(s) for s in rows]


@requires(*READERS)
def task_history(session: Session, principal: Principal, task_id: int) -> list[ScreeningSummary]:
    require_role(principal, *READERS)
    task = session.get(Task, task_id)
    if task is None:
        raise ScreeningNotFound(f"Opgave {task_id} findes ikke.")
    _check_task_access(principal, task)
    return [_summary(s) for s in sorted(task.screenings, key=lambda s: s.version)]


def _municipality_label(session: Session, code: str) -> str:
    m = session.get(Municipality, code)
    return f"{m.name} ({code})" if m else code


@requires(*READERS)
def decision_record(session: Session, principal: Principal, screening_id: int) -> DecisionRecord:
    """Everything the written record shows, from the stored, immutable decision."""
    require_role(principal, *READERS)
    s = _load_screening(session, principal, screening_id)
    proposal = TaskProposal.model_validate(s.answers)  # as stored; not re-validated
    rs = stored_ruleset(session, s)
    policy_row = session.get(MunicipalPolicy, s.policy_id) if s.policy_id else None
    policy = _policy_from_row(policy_row) if policy_row else ScreeningPolicy()
    c = s.consultations[0] if s.consultations else None
    consultation = None
    if c is not None:
        # The record lists every representative from the stored answers; the rows add
        # what only a recording has: the statement's text and file, and who recorded it.
        att_row = _attachment_row(session, s)
        att = att_row.filename if att_row is not None else None
        texts = [r.statement_text for r in s.consultations if r.statement_text]
        consultation = ConsultationRecord(
            level=c.level, outcome=c.outcome, representative=c.representative or None,
            skip_reason=c.skip_reason or None, consulted_on=c.consulted_on,
            written_statement=c.written_statement,
            statement_text="\n\n".join(texts) or None,
            statement_filename=att, informed=c.informed,
            practical_setup_discussed=c.practical_setup_discussed, recorded_by=c.recorded_by,
            recorded_at=local_time(c.recorded_at),
        )
    prev = session.get(Screening, s.supersedes_id) if s.supersedes_id else None
    return DecisionRecord(
        reference=f"Opgave {s.task_id}, version {s.version}",
        municipality=_municipality_label(session, s.task.municipality_code),
        proposal=proposal, ruleset=rs, policy=policy,
        criteria=[CriterionResult.from_json(c) for c in s.criteria], verdict=s.verdict,
        decided_by=s.decided_by, decided_at=local_time(s.decided_at), version=s.version,
        supersedes=f"Opgave {prev.task_id}, version {prev.version}" if prev else None,
        ratio=ratio_check(proposal, rs), consultation=consultation,
        task_id=s.task_id, screening_id=s.id,
    )


@dataclass(frozen=True)
class DecisionView:
    """What the screening page shows for one stored decision."""

    record: DecisionRecord
    similar: list[Similar]
    record_pdf: bytes
    dispensation_pdf: bytes | None  # only when the ratio rule in force is exceeded
    attachment: tuple[str, str, bytes] | None


@requires(*READERS)
def decision_view(session: Session, principal: Principal, screening_id: int) -> DecisionView:
    record = decision_record(session, principal, screening_id)
    similar = similar_decisions(session, principal, record.proposal.title,
                                record.proposal.description, exclude_task_id=record.task_id)
    dispensation = None
    if record.ratio is not None and record.ratio.exceeded and record.ruleset.ratio.enabled \
            and dispensation_possible(record.criteria):
        dispensation = render_dispensation_application(record)
    att = _attachment_row(session, _load_screening(session, principal, screening_id))
    return DecisionView(record, similar, render_record(record), dispensation,
                        (att.filename, att.content_type, att.data) if att else None)


@requires(*READERS)
def record_pdf(session: Session, principal: Principal, screening_id: int) -> bytes:
    return render_record(decision_record(session, principal, screening_id))


@requires(*READERS)
def dispensation_pdf(session: Session, principal: Principal, screening_id: int,
                     effect_text: str | None = None) -> bytes:
    return render_dispensation_application(decision_record(session, principal, screening_id),
                                           effect_text)


def _attachment_row(session: Session, s: Screening) -> ConsultationAttachment | None:
    """The newest written-statement file of this decision or the versions before it,
    while the consultation is the same one (a re-screening carries it over)."""
    current: Screening | None = s
    while current is not None:
        for c in reversed(current.consultations):
            att = session.scalar(select(ConsultationAttachment)
                                 .where(ConsultationAttachment.consultation_id == c.id))
            if att is not None:
                return att
        prev = session.get(Screening, current.supersedes_id) if current.supersedes_id else None
        if prev is None or not prev.consultations or not current.consultations:
            return None
        if [(a.level, a.outcome, a.consulted_on) for a in current.consultations] \
                != [(b.level, b.outcome, b.consulted_on) for b in prev.consultations]:
            return None
        current = prev
    return None


@requires(*READERS)
def statement_attachment(session: Session, principal: Principal,
                         screening_id: int) -> tuple[str, str, bytes] | None:
    att = _attachment_row(session, _load_screening(session, principal, screening_id))
    return (att.filename, att.content_type, att.data) if att is not None else None


# --- portfolio ----------------------------------------------------------------------------

@requires(*READERS)
def portfolio(session: Session, principal: Principal, f: PortfolioFilter,
              today: date) -> list[PortfolioEntry]:
    """Approved tasks (by their newest decision) matching the filter."""
    require_role(principal, *READERS)
    muni = _municipality(principal)
    latest = (select(Screening.task_id, func.max(Screening.version).label("v"))
              .group_by(Screening.task_id).subquery())
    stmt = (select(Task, Screening).join(Screening, Screening.task_id == Task.id)
            .join(latest, (latest.c.task_id == Screening.task_id)
                  & (latest.c.v == Screening.version))
            .where(Task.municipality_code == muni))
    stmt = stmt.where(coordinator_filter(principal, Task.unit_id, unitless_visible=True))
    entries = [
        PortfolioEntry(task_id=t.id, title=t.title, requesting_unit=t.requesting_unit,
                       professional_area=t.professional_area, physical_demand=t.physical_demand,
                       indoor_outdoor=t.indoor_outdoor, season=t.season, verdict=s.verdict,
                       screened_at=s.decided_at, version=s.version)
        for t, s in session.execute(stmt).all()
    ]
    return select_entries(entries, f, today)


# --- precedent files --------------------------------------------------------------------------

@requires(*READERS)
def export_precedent(session: Session, principal: Principal) -> str:
    """The whole decision history of the municipality as a shareable file."""
    require_role(principal, *READERS)
    muni = _municipality(principal)
    rows = session.scalars(select(Screening).join(Task, Task.id == Screening.task_id)
                           .where(Task.municipality_code == muni).order_by(Screening.id))
    decisions: list[PrecedentDecision] = [decision_from_row(muni, s) for s in rows]
    return export_document(decisions, muni)


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_known: int
    own_skipped: int


@requires(Role.LEDER, Role.ADMIN, writes=True)
def import_precedent(session: Session, principal: Principal, data: bytes) -> ImportResult:
    """Add another municipality's decisions to the precedent search (leder/admin).

    All or nothing: a malformed entry refuses the whole file (PrecedentFileError)."""
    require_role(principal, Role.LEDER, Role.ADMIN)
    muni = _municipality(principal)
    decisions = read_export(data)
    known = set(session.scalars(select(PrecedentImport.source_ref)
                                .where(PrecedentImport.municipality_code == muni)))
    added = already = own = 0
    for d in decisions:
        if d.municipality_code == muni:
            own += 1  # our own decisions are already in the database
            continue
        if d.ref in known:
            already += 1
            continue
        if d.verdict not in VERDICTS:
            raise PrecedentFileError(f"Ukendt afgørelse '{d.verdict}' i {d.ref}.")
        session.add(PrecedentImport(
            municipality_code=muni, source_ref=d.ref[:80],
            source_municipality=d.municipality_code[:4],
            title=d.title[:200], description=d.description, verdict=d.verdict,
            reasons=d.reasons, criteria=d.criteria, ruleset_id=d.ruleset_id,
            decided_at=d.decided_at[:32], imported_by=principal.label,
        ))
        known.add(d.ref)
        added += 1
    session.flush()
    audit.record(session, principal, "precedent.import", "precedent_import", "",
                 new={"added": added, "already_known": already, "own_skipped": own},
                 municipality_code=muni)
    return ImportResult(added, already, own)


@requires(*READERS)
def units_for(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """The units the principal may file a task under (id, name)."""
    require_role(principal, *READERS)
    _municipality(principal)
    stmt = select(Unit.id, Unit.name).where(unit_condition(principal))
    return [(int(i), str(n)) for i, n in session.execute(stmt.order_by(Unit.id)).all()]

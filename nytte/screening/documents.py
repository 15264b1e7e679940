"""What a screening document is made of: the decision record, independent of storage.

The database rows (Screening, Consultation) and an unsaved screening both map to
these dataclasses, so the PDFs can be built and tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from nytte.screening.criteria import CriterionResult, RatioCheck
from nytte.screening.engine import ScreeningResult
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import SkippedLevel, TaskProposal
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import VERDICTS


@dataclass(frozen=True)
class ConsultationRecord:
    """The TR consultation as recorded."""

    level: str
    outcome: str
    representative: str | None = None
    skip_reason: str | None = None
    consulted_on: date | None = None
    written_statement: bool = False
    statement_text: str | None = None
    statement_filename: str | None = None
    informed: bool | None = None
    practical_setup_discussed: bool | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    skips: tuple[SkippedLevel, ...] = ()
    # The occupational group whose representative this is; None when the task
    # names no groups (one consultation for the whole task).
    group: str | None = None


@dataclass(frozen=True)
class DecisionRecord:
    """Everything the written record of one screening shows."""

    reference: str  # e.g. "Opgave 12, version 2"
    municipality: str  # name and/or code, as shown
    proposal: TaskProposal
    ruleset: RuleSet
    policy: ScreeningPolicy
    criteria: list[CriterionResult]
    verdict: str
    decided_by: str
    decided_at: datetime
    version: int = 1
    supersedes: str | None = None  # reference of the screening this one replaces
    ratio: RatioCheck | None = None
    consultation: ConsultationRecord | None = None
    similar: list[str] = field(default_factory=list)  # "title (verdict)" lines
    task_id: int | None = None  # set when the decision is stored
    screening_id: int | None = None


def record_from_result(
    result: ScreeningResult,
    *,
    reference: str,
    municipality: str,
    decided_by: str,
    decided_at: datetime,
    version: int = 1,
    supersedes: str | None = None,
    consultation: ConsultationRecord | None = None,
) -> DecisionRecord:
    """The record of a screening just made (saved or not)."""
    return DecisionRecord(
        reference=reference, municipality=municipality, proposal=result.proposal,
        ruleset=result.ruleset, policy=result.policy, criteria=result.criteria,
        verdict=result.verdict, decided_by=decided_by, decided_at=decided_at, version=version,
        supersedes=supersedes, ratio=result.ratio, consultation=consultation,
        similar=[f"{s.title} ({VERDICTS.get(s.verdict, s.verdict)}, lighed "
                 f"{round(100 * s.similarity)} %)" for s in result.similar],
    )

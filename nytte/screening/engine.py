"""Screen one proposal: pick the rule set, evaluate every criterion, decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nytte.screening.criteria import (
    ConsultationFacts,
    CriterionResult,
    RatioCheck,
    decide,
    dispensation_possible,
    evaluate,
    ratio_check,
    risk_score,
)
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.precedent import Similar
from nytte.screening.proposal import TaskProposal
from nytte.screening.rulesets import RuleSet, ruleset_for
from nytte.screening.vocabulary import VERDICTS, Verdict


@dataclass(frozen=True)
class ScreeningResult:
    proposal: TaskProposal
    ruleset: RuleSet
    policy: ScreeningPolicy
    criteria: list[CriterionResult]
    verdict: Verdict
    ratio: RatioCheck | None
    similar: list[Similar] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def dispensation_needed(self) -> bool:
        return self.ratio is not None and self.ratio.exceeded \
            and dispensation_possible(self.criteria)

    @property
    def risk(self) -> float:
        return risk_score(self.criteria)

    def to_json(self) -> dict[str, Any]:
        """The batch command's output object for this task."""
        return {
            "title": self.proposal.title,
            "verdict": self.verdict,
            "ruleset": self.ruleset.id,
            "criteria": [
                {"id": c.id, "status": c.status, "reason": c.reason, "source": c.source,
                 "verified": c.verified, "source_kind": c.kind}
                for c in self.criteria
            ],
            "similar": [s.to_json() for s in self.similar],
            "dispensation_needed": self.dispensation_needed,
        }


def screen(
    proposal: TaskProposal,
    policy: ScreeningPolicy,
    *,
    on: date | None = None,
    consultation: ConsultationFacts | list[ConsultationFacts] | None = None,
    similar: list[Similar] | None = None,
    ruleset: RuleSet | None = None,
) -> ScreeningResult:
    """Screen ``proposal`` under the rule set in force on its start date.

    ``on`` is a what-if: it picks the rule set only; the look-back for displacement
    still counts from the start date."""
    rs = ruleset or ruleset_for(on or proposal.start_date)
    criteria = evaluate(proposal, rs, policy, consultation)
    return ScreeningResult(
        proposal=proposal,
        ruleset=rs,
        policy=policy,
        criteria=criteria,
        verdict=decide(criteria),
        ratio=ratio_check(proposal, rs),
        similar=similar or [],
    )

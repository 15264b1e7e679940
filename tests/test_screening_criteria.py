"""Each criterion and each verdict path, from the seeds' examples, under both rule
sets and both recurring-task policies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from nytte.screening.criteria import CriterionResult, decide
from nytte.screening.engine import ScreeningResult, screen
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import ProposalError, parse_proposal
from nytte.screening.vocabulary import CRITERION_IDS
from tests.screening_examples import (
    FROM_2025,
    PRE_2025,
    base,
    cut_in_savings,
    electrician,
    home_help,
    pallets,
    pre2025,
    storm_cleanup,
    weekly_maintenance,
)

STRICT = ScreeningPolicy(recurring="strict")
LENIENT = ScreeningPolicy(recurring="lenient")
BOTH_POLICIES = pytest.mark.parametrize("policy", [STRICT, LENIENT], ids=["strict", "lenient"])
BOTH_DATES = pytest.mark.parametrize(
    "start,ruleset", [(PRE_2025, "bab-2023"), (FROM_2025, "arbejdspligt-2025")],
    ids=["pre2025", "from2025"])


def run(row: dict[str, Any], policy: ScreeningPolicy = STRICT, **kw: Any) -> ScreeningResult:
    return screen(parse_proposal(row), policy, **kw)


def status(result: ScreeningResult, cid: str) -> CriterionResult:
    return next(c for c in result.criteria if c.id == cid)


def dated(row: dict[str, Any], start: str) -> dict[str, Any]:
    """Move a task (and its consultation) to a start date under the other rule set."""
    consulted = "2025-02-17" if start == PRE_2025 else "2026-02-16"
    return {**row, "start_date": start, "consultation_date": consulted}


# --- the seeds' examples, both rule sets, both policies ------------------------------

@BOTH_POLICIES
@BOTH_DATES
def test_vestvolden_nature_care_stopped_before_1999_is_approved(
        policy: ScreeningPolicy, start: str, ruleset: str) -> None:
    result = run(dated(base(), start), policy)
    assert result.ruleset.id == ruleset
    assert result.verdict == "approve"
    assert status(result, "displacement").status == "pass"
    assert "1998" in status(result, "displacement").reason
    assert [c.id for c in result.criteria] == list(CRITERION_IDS)


@BOTH_POLICIES
@BOTH_DATES
@pytest.mark.parametrize("example,criterion,said", [
    (cut_in_savings, "saved_away", "sparet væk"),
    (home_help, "home_help", "§ 83"),  # help in a citizen's home
], ids=["cut_in_savings", "home_help"])
def test_task_is_rejected_by_its_rule_with_the_reason(
        policy: ScreeningPolicy, start: str, ruleset: str,
        example: Callable[[], dict[str, Any]], criterion: str, said: str) -> None:
    result = run(dated(example(), start), policy)
    assert result.verdict == "reject"
    assert status(result, criterion).status == "fail"
    assert said in status(result, criterion).reason


@BOTH_DATES
def test_weekly_maintenance_fails_under_strict_policy(start: str, ruleset: str) -> None:
    result = run(dated(weekly_maintenance(), start), STRICT)
    assert status(result, "recurring").status == "fail"
    assert result.verdict == "reject"


@BOTH_DATES
def test_weekly_maintenance_outside_operating_plan_passes_under_lenient(
        start: str, ruleset: str) -> None:
    result = run(dated(weekly_maintenance(), start), LENIENT)
    assert status(result, "recurring").status == "pass"
    assert result.verdict == "approve"


@BOTH_DATES
def test_weekly_maintenance_in_operating_plan_fails_under_lenient(start: str, ruleset: str) -> None:
    result = run(dated(weekly_maintenance(in_operating_plan="yes"), start), LENIENT)
    assert status(result, "recurring").status == "fail"
    assert status(result, "beyond_normal_level").status == "fail"
    assert result.verdict == "reject"


def test_weekly_maintenance_lenient_with_unknown_plan_is_clarified() -> None:
    result = run(weekly_maintenance(in_operating_plan="unknown"), LENIENT)
    assert status(result, "recurring").status == "unknown"
    assert result.verdict == "clarify"


@BOTH_POLICIES
@BOTH_DATES
def test_storm_cleanup_and_pallets_are_approved(policy: ScreeningPolicy, start: str,
                                                ruleset: str) -> None:
    for row in (storm_cleanup(), pallets()):
        result = run(dated(row, start), policy)
        assert result.verdict == "approve", [c for c in result.criteria if c.status != "pass"]


@BOTH_POLICIES
@BOTH_DATES
def test_electrician_job_is_rejected(policy: ScreeningPolicy, start: str, ruleset: str) -> None:
    result = run(dated(electrician(), start), policy)
    assert result.verdict == "reject"
    assert status(result, "certified_trade").status == "fail"
    assert status(result, "competition").status == "fail"
    assert status(result, "otherwise_done").status == "fail"


def test_home_help_alone_rejects_an_otherwise_clean_task() -> None:
    result = run(base(servicelov_83="yes"))
    assert [c.id for c in result.criteria if c.status == "fail"] == ["home_help"]
    assert result.verdict == "reject"


# --- each criterion on its own ----------------------------------------------------------

@pytest.mark.parametrize("field,criterion", [
    ("servicelov_83", "home_help"),
    ("in_operating_plan", "beyond_normal_level"),
    ("service_level_reduced", "saved_away"),
    ("private_market", "competition"),
    ("requires_certified_trade", "certified_trade"),
])
@BOTH_DATES
def test_each_yes_no_criterion(field: str, criterion: str, start: str, ruleset: str) -> None:
    assert status(run(dated(base(**{field: "yes"}), start)), criterion).status == "fail"
    assert run(dated(base(**{field: "yes"}), start)).verdict == "reject"
    unknown = run(dated(base(**{field: "unknown"}), start))
    assert status(unknown, criterion).status == "unknown"
    assert unknown.verdict == "clarify"
    assert status(run(dated(base(**{field: "no"}), start)), criterion).status == "pass"


@pytest.mark.parametrize("who,expected,verdict", [
    ("staff", "fail", "reject"), ("contractor", "fail", "reject"),
    ("nobody", "pass", "approve"), ("unknown", "unknown", "clarify"),
])
def test_otherwise_done_by(who: str, expected: str, verdict: str) -> None:
    result = run(base(otherwise_done_by=who))
    assert status(result, "otherwise_done").status == expected
    assert result.verdict == verdict


def test_displacement_within_lookback_fails_and_lookback_is_policy() -> None:
    row = base(last_done_by_staff_year=2020)  # start 2026: 6 years ago
    assert status(run(row, ScreeningPolicy(displacement_lookback_years=10)),
                  "displacement").status == "fail"
    # Older staff work with a window below the rule set's floor is a question, never a pass.
    assert status(run(row, ScreeningPolicy(displacement_lookback_years=5)),
                  "displacement").status == "unknown"


def test_displacement_without_year_or_unknown_is_clarified() -> None:
    assert status(run(base(last_done_by_staff_year=None)), "displacement").status == "unknown"
    assert run(base(previously_done_by_staff="unknown")).verdict == "clarify"
    assert status(run(base(previously_done_by_staff="no", last_done_by_staff_year=None)),
                  "displacement").status == "pass"


def test_on_date_picks_the_rule_set_only_and_the_lookback_counts_from_the_start() -> None:
    row = base(last_done_by_staff_year=2012)
    assert status(run(row), "displacement").status == "pass"  # 2026 - 10 = 2016
    old = run(row, on=date(2020, 5, 1))
    assert old.ruleset.id == "lab-2014"
    assert status(old, "displacement").status == "pass"  # still from the start date, 2026


def test_seasonal_task_comes_back_and_is_recurring() -> None:
    result = run(base(frequency="seasonal"))
    assert status(result, "recurring").status == "fail"
    assert result.verdict == "reject"
    assert run(base(frequency="seasonal"), LENIENT).verdict == "approve"


@pytest.mark.parametrize("who", ["private_persons", "association"])
def test_private_beneficiary_is_at_least_clarified(who: str) -> None:
    result = run(base(beneficiary=who))
    assert status(result, "beneficiary").status == "unknown"
    assert result.verdict == "clarify"


def test_professional_area_outside_policy_warns() -> None:
    policy = ScreeningPolicy(professional_areas=("omsorg_pleje",))
    result = run(base(), policy)
    assert status(result, "professional_area").status == "warn"
    assert status(run(base(professional_area="omsorg_pleje"), policy),
                  "professional_area").status == "pass"


def test_short_description_warns() -> None:
    assert status(run(base(description="Feje blade.")), "written_description").status == "warn"


# --- consultation and ratio, per rule set ----------------------------------------------

@pytest.mark.parametrize("outcome", ["pending", "not_consulted"])
@BOTH_DATES
def test_incomplete_consultation_clarifies(outcome: str, start: str, ruleset: str) -> None:
    row = dated(base(consultation_outcome=outcome, written_statement="no",
                     consultation_date=None), start)
    row["consultation_date"] = None
    result = run(row)
    assert status(result, "consultation").status == "unknown"
    assert result.verdict == "clarify"


def test_pre2025_requires_written_statement() -> None:
    result = run(pre2025(written_statement="no"))
    assert status(result, "consultation").status == "unknown"
    assert "skriftlig tilkendegivelse" in status(result, "consultation").reason
    assert result.verdict == "clarify"


def test_from2025_needs_no_written_statement() -> None:
    assert run(base(written_statement="no")).verdict == "approve"


def test_informed_only_is_not_enough_under_either_rule_set() -> None:
    assert run(pre2025(consultation_outcome="informed")).verdict == "clarify"
    result = run(base(consultation_outcome="informed"))
    assert result.verdict == "clarify"
    assert status(result, "consultation").status == "unknown"  # set-up not discussed


def test_pre2025_hierarchy_skip_needs_a_reason() -> None:
    skipped = pre2025(consultation_level="chief_tr_cvr")
    assert run(skipped).verdict == "clarify"
    with_reason = pre2025(consultation_level="chief_tr_cvr",
                          consultation_skip_reason="TR på P-nummeret syg i over 3 arbejdsdage")
    assert run(with_reason).verdict == "approve"


def test_consultation_after_start_is_refused_like_a_recorded_one() -> None:
    with pytest.raises(ProposalError, match="efter startdatoen"):
        parse_proposal(pre2025(consultation_date="2025-03-10"))


@BOTH_DATES
def test_disagreement_is_no_veto(start: str, ruleset: str) -> None:
    result = run(dated(base(consultation_outcome="disagree"), start))
    assert status(result, "consultation").status == "warn"
    assert result.verdict == "approve"


def test_ratio_exceeded_before_2025_needs_dispensation() -> None:
    result = run(pre2025(ordinary_employees=10, participants_requested=6,
                         participants_already_placed=1))
    ratio = status(result, "ratio")
    assert ratio.status == "warn" and ratio.needs_clarification
    assert "dispensation" in ratio.reason
    assert result.dispensation_needed
    assert result.verdict == "clarify"


def test_ratio_abolished_from_2025() -> None:
    result = run(base(ordinary_employees=10, participants_requested=6,
                      participants_already_placed=1))
    assert status(result, "ratio").status == "pass"
    assert not result.dispensation_needed
    assert result.verdict == "approve"


def test_ratio_without_numbers_is_unknown_before_2025_only() -> None:
    row = pre2025(ordinary_employees=None)
    assert status(run(row), "ratio").status == "unknown"
    assert run(base(ordinary_employees=None)).verdict == "approve"


# --- the verdict rule itself ---------------------------------------------------------------

def _c(status_: str, clarify: bool = False) -> CriterionResult:
    return CriterionResult("x", "x", status_, "r", "s", True, clarify)  # type: ignore[arg-type]


def test_decide_follows_the_fixed_order() -> None:
    assert decide([_c("pass"), _c("warn")]) == "approve"
    assert decide([_c("pass"), _c("unknown")]) == "clarify"
    assert decide([_c("warn", clarify=True)]) == "clarify"
    assert decide([_c("unknown"), _c("fail")]) == "reject"
    assert decide([]) == "approve"


@BOTH_POLICIES
@BOTH_DATES
@pytest.mark.parametrize("example,verdict", [
    (storm_cleanup, "approve"),
    (lambda: storm_cleanup(private_market="unknown"), "clarify"),
    (lambda: storm_cleanup(consultation_outcome="pending", written_statement="no"), "clarify"),
    (electrician, "reject"),
    (home_help, "reject"),
    (cut_in_savings, "reject"),
], ids=["approve", "clarify-unknown", "clarify-consultation", "reject-trade", "reject-83",
        "reject-savings"])
def test_every_verdict_path_under_each_rule_set_and_policy(
        example: Any, verdict: str, policy: ScreeningPolicy, start: str, ruleset: str) -> None:
    result = run(dated(example(), start), policy)
    assert result.ruleset.id == ruleset
    assert result.verdict == verdict

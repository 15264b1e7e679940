"""Each decision is frozen with its rules, and a re-screening keeps them.

- Editing a rule-set file changes no existing record: the PDF of an old decision is
  byte for byte the same (apart from the generation time).
- Recording a consultation or re-screening keeps the superseded decision's start
  date, rule set (as stored) and, for a consultation, its policy.
- The written statement and the stored rule sets are immutable in the database.
- The criteria, the consultation block and the PDF never disagree (every combination).
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.db import session_scope
from nytte.models import RuleSetVersion, Screening
from nytte.screening import rulesets
from nytte.screening import service as svc
from nytte.screening.criteria import evaluate
from nytte.screening.documents import ConsultationRecord, DecisionRecord
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import ProposalError, parse_proposal
from nytte.screening.record_pdf import consultation_lines, render_record
from nytte.screening.rulesets import DEFAULT_RULESET_DIR, RULESET_DIR_ENV, ruleset_for
from tests.screening_examples import PENDING, base, home_help, pre2025
from tests.test_screening_service import ADMIN, LEDER, db, koordinator  # noqa: F401

TODAY = date(2026, 11, 23)
BOTH = pytest.mark.parametrize("row", [pre2025, base], ids=["pre2025", "post2025"])


def _normalised(pdf: bytes) -> bytes:
    """The PDF without its generation time and the file id derived from it."""
    pdf = re.sub(rb"/CreationDate \([^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]", b"", pdf)


@pytest.fixture
def edited_rulesets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the rule-set files, used instead of the shipped ones once edited."""
    folder = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_RULESET_DIR, folder)
    yield folder
    rulesets._cached.cache_clear()


def _edit_every_rule_set(folder: Path) -> None:
    for path in folder.glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["title"] = "ÆNDRET " + raw["title"]
        raw["legal_basis"] = "ÆNDRET retsgrundlag"
        raw["displacement"]["floor_years"] = 30
        for rule in raw["rules"].values():
            rule["title"] = "ÆNDRET " + rule["title"]
            rule["source"] = "ÆNDRET kilde"
            rule["kind"] = "unverified"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


@BOTH
def test_editing_a_rule_set_file_changes_no_existing_record(
        row: Any, db: tuple[Engine, int, int], edited_rulesets: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine, u1, _ = db
    k = koordinator(u1)
    with clock.frozen(TODAY), session_scope(engine) as s:
        saved = svc.screen_and_save(s, k, row(), unit_id=u1)
        before = svc.record_pdf(s, k, saved.screening_id)
    assert saved.result.verdict == "approve"

    _edit_every_rule_set(edited_rulesets)
    monkeypatch.setenv(RULESET_DIR_ENV, str(edited_rulesets))
    rulesets._cached.cache_clear()
    assert ruleset_for(saved.result.proposal.start_date).title.startswith("ÆNDRET")

    with clock.frozen(TODAY), session_scope(engine) as s:
        after = svc.record_pdf(s, k, saved.screening_id)
        # A re-screening with the same start date keeps the stored rule set ...
        again = svc.screen_and_save(s, k, row(season="winter"), task_id=saved.task_id)
        # ... and one with a new start date takes the rule set now in force.
        moved = svc.screen_and_save(s, k, row(start_date="2026-09-07",
                                              consultation_date="2026-08-31"),
                                    task_id=saved.task_id)
    assert _normalised(before) == _normalised(after)  # ... and nothing else
    text_ = " ".join(PdfReader(io.BytesIO(after)).pages[0].extract_text().split())
    assert "ÆNDRET" not in text_
    assert not again.result.ruleset.title.startswith("ÆNDRET")
    assert again.result.verdict == "approve"
    assert moved.result.ruleset.title.startswith("ÆNDRET")
    with Session(engine) as s:
        versions = s.scalars(select(Screening.ruleset_version_id)
                             .where(Screening.task_id == saved.task_id)
                             .order_by(Screening.version)).all()
        assert versions[0] == versions[1] != versions[2]
        assert s.scalar(select(func.count(RuleSetVersion.id))) == 2


@pytest.mark.parametrize("policy", ["strict", "lenient"])
@BOTH
def test_recording_a_consultation_keeps_start_date_rule_set_and_policy(
        row: Any, policy: str, db: tuple[Engine, int, int]) -> None:  # noqa: F811
    engine, u1, _ = db
    k = koordinator(u1)
    with session_scope(engine) as s:
        svc.save_policy(s, ADMIN, recurring=policy, displacement_lookback_years=10,
                        professional_areas=["teknik_miljoe"])
        # Staff last did the work in 2013: 12 years before a 2025 start, inside any
        # look-back counted from 2014-01-01 (the earlier bug).
        first = svc.screen_and_save(s, k, row(consultation_outcome="pending",
                                              consultation_date=None, written_statement="no",
                                              last_done_by_staff_year=2013), unit_id=u1)
        # The policy changes after the decision.
        svc.save_policy(s, ADMIN, recurring="lenient" if policy == "strict" else "strict",
                        displacement_lookback_years=25, professional_areas=["teknik_miljoe"])
    assert first.result.verdict == "clarify"
    start = first.result.proposal.start_date
    pre = start < date(2025, 7, 1)
    record = ConsultationRecord(
        level="tr_p", outcome="agree", representative="Åse Øster, TR 3F",
        consulted_on=date(start.year, start.month, 1) if start.day > 1 else start,
        written_statement=pre, informed=None if pre else True,
        practical_setup_discussed=None if pre else True)
    with session_scope(engine) as s:
        second = svc.record_consultation(s, k, first.screening_id, record, today=TODAY)
    assert second.result.verdict == "approve", [
        (c.id, c.reason) for c in second.result.criteria if c.status != "pass"]
    assert second.result.ruleset.id == first.result.ruleset.id
    assert second.result.proposal.start_date == start
    assert second.result.policy.recurring == policy
    with Session(engine) as s:
        a, b = s.scalars(select(Screening).where(Screening.task_id == first.task_id)
                         .order_by(Screening.version)).all()
        assert a.ruleset_version_id == b.ruleset_version_id and a.policy_id == b.policy_id


@BOTH
def test_informed_only_then_discussed(row: Any, db: tuple[Engine, int, int]) -> None:  # noqa: F811
    engine, u1, _ = db
    k = koordinator(u1)
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, k, row(consultation_outcome="informed"), unit_id=u1)
    assert first.result.verdict == "clarify"
    pre = first.result.ruleset.consultation.mode == "hierarchy_statement"
    record = ConsultationRecord(level="tr_p", outcome="comments", representative="Bo, TR",
                                consulted_on=first.result.proposal.consultation_date,
                                written_statement=pre, informed=None if pre else True,
                                practical_setup_discussed=None if pre else True)
    with session_scope(engine) as s:
        second = svc.record_consultation(s, k, first.screening_id, record, today=TODAY)
        pdf = svc.record_pdf(s, k, second.screening_id)
    assert second.result.verdict == "approve"
    text_ = " ".join(" ".join(p.extract_text() or "" for p in
                              PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Bo, TR" in text_
    if not pre:
        assert "TR orienteret Ja Praktisk tilrettelæggelse drøftet Ja" in text_


def test_a_consultation_after_the_start_is_refused_when_recorded(
        db: tuple[Engine, int, int]) -> None:  # noqa: F811
    engine, u1, _ = db
    k = koordinator(u1)
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, k, base(**PENDING), unit_id=u1)
    late = ConsultationRecord(level="tr_p", outcome="agree", representative="Bo",
                              consulted_on=date(2026, 3, 9), informed=True,
                              practical_setup_discussed=True)
    with pytest.raises(Exception, match="efter startdatoen"), \
            session_scope(engine) as s:
        svc.record_consultation(s, k, first.screening_id, late, today=TODAY)


@pytest.mark.parametrize("statement", [
    "UPDATE ruleset_version SET content_hash = 'x'",
    "DELETE FROM ruleset_version",
    "UPDATE consultation_attachment SET filename = 'other.pdf'",
    "DELETE FROM consultation_attachment",
    "UPDATE screening SET ruleset_version_id = NULL",
])
def test_stored_rules_and_statements_are_immutable(
        statement: str, db: tuple[Engine, int, int]) -> None:  # noqa: F811
    engine, u1, _ = db
    k = koordinator(u1)
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, k, pre2025(**PENDING), unit_id=u1)
        svc.record_consultation(
            s, k, first.screening_id,
            ConsultationRecord(level="tr_p", outcome="agree", representative="Bo",
                               consulted_on=date(2025, 2, 20), written_statement=True),
            attachment=("tilkendegivelse.pdf", "application/pdf", b"%PDF-1.4"), today=TODAY)
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
        conn.execute(text(statement))


def test_no_dispensation_for_a_servicelov_task(db: tuple[Engine, int, int]) -> None:  # noqa: F811
    engine, u1, _ = db
    with session_scope(engine) as s:
        saved = svc.screen_and_save(s, LEDER, pre2025(**{**home_help(), **dict(
            start_date="2025-03-03", consultation_date="2025-02-17", last_done_by_staff_year=2024,
            ordinary_employees=10, participants_requested=8)}), unit_id=u1)
        view = svc.decision_view(s, LEDER, saved.screening_id)
    assert saved.result.verdict == "reject"
    assert view.record.ratio is not None and view.record.ratio.exceeded
    assert view.dispensation_pdf is None and not saved.result.dispensation_needed


# --- the criteria, the consultation block and the PDF never disagree ------------------------

LEVELS = ["tr_p", "tr_cvr", "no_representative", "none"]
OUTCOMES = ["agree", "disagree", "comments", "informed", "pending", "not_consulted"]
TRI = [None, "yes", "no"]


def _combinations() -> Iterator[tuple[str, dict[str, Any]]]:
    for start, level, outcome, informed, discussed, written, rep in itertools.product(
            ["2025-03-03", "2026-03-02"], LEVELS, OUTCOMES, TRI, TRI, ["yes", "no"],
            [None, "Åse Øster, TR 3F"]):
        cdate = None if outcome in ("pending", "not_consulted") else (
            "2025-02-17" if start < "2025-07" else "2026-02-16")
        yield f"{start}-{level}-{outcome}-{informed}-{discussed}-{written}-{rep is None}", dict(
            start_date=start, consultation_level=level, consultation_outcome=outcome,
            tr_informed=informed, practical_setup_discussed=discussed, written_statement=written,
            consultation_representative=rep, consultation_date=cdate,
            consultation_skip_reason="Ingen TR på P-nummeret" if level == "tr_cvr" else None)


def _valid() -> list[tuple[str, Any]]:
    out = []
    for name, overrides in _combinations():
        try:
            out.append((name, parse_proposal(base(**overrides), TODAY)))
        except ProposalError:
            continue
    return out


VALID = _valid()


def test_the_combinations_cover_both_rule_sets_and_every_outcome() -> None:
    assert len(VALID) > 500
    assert {p.start_date.year for _, p in VALID} == {2025, 2026}
    assert {p.consultation_outcome for _, p in VALID} == set(OUTCOMES)


def _block(p: Any) -> dict[str, str]:
    rs = ruleset_for(p.start_date)
    return dict(consultation_lines(p, None, rs))


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_criteria_and_consultation_block_never_disagree(policy: str) -> None:
    pol = ScreeningPolicy(recurring=policy)  # type: ignore[arg-type]
    for name, p in VALID:
        rs = ruleset_for(p.start_date)
        crit = {c.id: c for c in evaluate(p, rs, pol)}["consultation"]
        block = _block(p)
        reason = crit.reason
        ok = crit.status in ("pass", "warn")
        if block.get("TR orienteret") == "Nej" or block.get("TR orienteret") == "Ikke registreret":
            assert not ok or p.consultation_level == "no_representative", name
            assert "er orienteret" not in reason or "ikke orienteret" in reason, name
        drøftet = block.get("Praktisk tilrettelæggelse drøftet", "")
        if rs.consultation.mode == "inform_discuss" and not drøftet.startswith("Ja"):
            assert not ok or p.consultation_level == "no_representative", name
            assert "er drøftet" not in reason and "drøftelsen endte" not in reason, name
        if drøftet.startswith("Ja"):
            assert "ikke registreret som drøftet" not in reason, name
        if block.get("Skriftlig tilkendegivelse") == "Nej":
            assert "Der foreligger en fælles skriftlig" not in reason, name
            assert not ok or p.consultation_level == "no_representative", name
        if p.consultation_representative and p.consultation_level not in (
                "none", "no_representative") and ok:
            assert p.consultation_representative in reason, name
        if not p.consultation_representative:
            assert block["Repræsentant"] == "Navnet er ikke registreret", name
            assert "Åse" not in reason, name
        if p.consultation_date is not None and ok and p.consultation_level != "no_representative":
            assert block["Dato"] in reason, name


def _pdf_text(p: Any) -> str:
    rs = ruleset_for(p.start_date)
    criteria = evaluate(p, rs, ScreeningPolicy())
    record = DecisionRecord(reference="Opgave 1", municipality="Greve (0253)", proposal=p,
                            ruleset=rs, policy=ScreeningPolicy(), criteria=criteria,
                            verdict="clarify", decided_by="Test",
                            decided_at=datetime(2026, 2, 20, 9, 30))
    pdf = render_record(record)
    return " ".join(" ".join(pg.extract_text() or "" for pg in
                             PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("index", range(0, len(VALID), max(1, len(VALID) // 24)))
def test_the_pdf_prints_the_same_facts(index: int) -> None:
    name, p = VALID[index]
    text_ = _pdf_text(p)
    rs = ruleset_for(p.start_date)
    crit = {c.id: c for c in evaluate(p, rs, ScreeningPolicy())}["consultation"]
    assert " ".join(crit.reason.split()) in text_, name
    for label, value in _block(p).items():
        if label:
            assert " ".join(f"{label} {value}".split()) in text_, (name, label, value)

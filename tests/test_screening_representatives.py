"""Several representatives per task: one per occupational group the task touches, and
every one must be heard as the rule set of the start date requires (before 1 July
2025: BAB § 99's hierarchy and a joint written statement; from then: the TR at the
P-number informed and the practical set-up discussed). The engine, the service that
records them, the stored decision and the record PDF, on both rule sets and both
recurring policies."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.models import Consultation, Screening, Unit
from nytte.screening import service as svc
from nytte.screening.consultation import ConsultationError
from nytte.screening.documents import ConsultationRecord
from nytte.screening.engine import screen
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.precedent_cache import clear as clear_cache
from nytte.screening.proposal import ProposalError, parse_proposal
from tests.screening_examples import base

MUNI = "0253"
PRE = {"start_date": "2025-03-03", "consultation_date": "2025-02-17"}  # bab-2023
POST = {"start_date": "2026-03-02", "consultation_date": "2026-02-16"}  # arbejdspligt-2025
DATES = pytest.mark.parametrize("dates", [PRE, POST], ids=["pre2025", "post2025"])
POLICIES = pytest.mark.parametrize("policy", ["strict", "lenient"])
LEDER = Principal("l1", "Lea Leder", Role.LEDER, MUNI)


def heard(dates: dict[str, str], group: str, rep: str | None, **o: Any) -> dict[str, Any]:
    """A group whose representative was heard as the rule set requires."""
    g: dict[str, Any] = {"group": group, "consultation_level": "tr_p",
                         "consultation_outcome": "agree", "consultation_representative": rep,
                         "consultation_date": dates["consultation_date"]}
    if dates is PRE:
        g["written_statement"] = "yes"
    else:
        g.update(tr_informed="yes", practical_setup_discussed="yes", written_statement="no")
    g.update(o)
    return g


def only_informed(dates: dict[str, str], group: str, rep: str) -> dict[str, Any]:
    if dates is PRE:
        return heard(dates, group, rep, consultation_outcome="informed",
                     written_statement="no")
    return heard(dates, group, rep, consultation_outcome="informed",
                 practical_setup_discussed="no")


def task(dates: dict[str, str], groups: list[dict[str, Any]]) -> dict[str, Any]:
    return base(**dates, consultations=groups)


def run(row: dict[str, Any], policy: str) -> tuple[str, str, str]:
    result = screen(parse_proposal(row, date(2026, 11, 23)),
                    ScreeningPolicy(recurring=policy))  # type: ignore[arg-type]
    c = next(c for c in result.criteria if c.id == "consultation")
    return result.verdict, c.status, c.reason


# --- the engine --------------------------------------------------------------------------

@POLICIES
@DATES
def test_two_representatives_both_heard_approve(dates: dict[str, str], policy: str) -> None:
    verdict, status, reason = run(task(dates, [heard(dates, "Gartnere (3F)", "Bo, TR 3F"),
                                               heard(dates, "Pedeller (FOA)", "Sara, TR FOA")]),
                                  policy)
    assert (verdict, status) == ("approve", "pass")
    assert "Faggruppe Gartnere (3F)" in reason and "Faggruppe Pedeller (FOA)" in reason
    assert "Bo, TR 3F" in reason and "Sara, TR FOA" in reason
    assert "Alle faggrupper er hørt" in reason


@POLICIES
@DATES
def test_one_of_two_only_informed_is_afklares(dates: dict[str, str], policy: str) -> None:
    verdict, status, reason = run(task(dates, [heard(dates, "Gartnere (3F)", "Bo, TR 3F"),
                                               only_informed(dates, "Pedeller (FOA)",
                                                             "Sara, TR FOA")]), policy)
    assert (verdict, status) == ("clarify", "unknown")
    assert "Alle faggrupper er hørt" not in reason
    # The clarification names the group that was only informed.
    part = reason.split("Faggruppe Pedeller (FOA):")[1]
    assert "Sara, TR FOA" in part
    assert ("kun orienteret" in part) if dates is PRE else ("drøftet" in part)


@POLICIES
@DATES
def test_a_group_not_yet_heard_holds_the_task(dates: dict[str, str], policy: str) -> None:
    pending = {"group": "Pedeller (FOA)", "consultation_level": "tr_p",
               "consultation_outcome": "pending"}
    verdict, status, reason = run(task(dates, [heard(dates, "Gartnere (3F)", "Bo, TR 3F"),
                                               pending]), policy)
    assert (verdict, status) == ("clarify", "unknown")
    assert "Faggruppe Pedeller (FOA): Høringen afventer svar" in reason


@POLICIES
def test_before_2025_each_group_needs_its_own_statement_and_hierarchy(policy: str) -> None:
    no_statement = heard(PRE, "Pedeller (FOA)", "Sara", written_statement="no")
    verdict, _, reason = run(task(PRE, [heard(PRE, "Gartnere (3F)", "Bo"), no_statement]),
                             policy)
    assert verdict == "clarify" and "skriftlig tilkendegivelse" in reason.split("Pedeller")[1]
    # A lower level without a reason for passing over the TR at the P-number.
    lower = heard(PRE, "Pedeller (FOA)", "Sara", consultation_level="tr_cvr")
    verdict, _, reason = run(task(PRE, [heard(PRE, "Gartnere (3F)", "Bo"), lower]), policy)
    assert verdict == "clarify" and "ikke begrundet" in reason
    coded = heard(PRE, "Pedeller (FOA)", "Sara", consultation_level="tr_cvr",
                  consultation_skips=[{"level": "tr_p", "ground": "no_representative"}])
    verdict, status, _ = run(task(PRE, [heard(PRE, "Gartnere (3F)", "Bo"), coded]), policy)
    assert (verdict, status) == ("approve", "pass")


@POLICIES
def test_from_2025_another_representative_than_the_tr_is_afklares(policy: str) -> None:
    other = heard(POST, "Pedeller (FOA)", "Sara", consultation_level="tr_cvr")
    verdict, _, reason = run(task(POST, [heard(POST, "Gartnere (3F)", "Bo"), other]), policy)
    assert verdict == "clarify" and "TR på P-nummeret" in reason


@POLICIES
@DATES
def test_no_representative_in_one_group_is_a_note(dates: dict[str, str], policy: str) -> None:
    nobody = {"group": "Pedeller (FOA)", "consultation_level": "no_representative",
              "consultation_outcome": "not_consulted", "written_statement": "no"}
    verdict, status, reason = run(task(dates, [heard(dates, "Gartnere (3F)", "Bo"), nobody]),
                                  policy)
    assert (verdict, status) == ("approve", "warn")
    assert "Faggruppe Pedeller (FOA): Der er ingen repræsentant at høre" in reason


@DATES
def test_a_group_named_twice_or_not_at_all_is_refused(dates: dict[str, str]) -> None:
    twice = task(dates, [heard(dates, "Gartnere", "Bo"), heard(dates, "gartnere", "Sara")])
    with pytest.raises(ProposalError, match="angivet to gange"):
        parse_proposal(twice, date(2026, 11, 23))
    unnamed = task(dates, [heard(dates, "Gartnere", "Bo"), heard(dates, "", "Sara")])
    with pytest.raises(ProposalError) as exc:
        parse_proposal(unnamed, date(2026, 11, 23))
    assert "nr. 2 Faggruppe' mangler" in str(exc.value)


# --- the service: recorded, stored, frozen, printed --------------------------------------

@pytest.fixture
def unit(empty_engine: Engine) -> Iterator[tuple[Engine, int]]:
    clear_cache()
    with session_scope(empty_engine) as s:
        u = Unit(municipality_code=MUNI, name="Service++", places=24)
        s.add(u)
        s.flush()
        uid = u.id
    yield empty_engine, uid
    clear_cache()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


def recorded(dates: dict[str, str], group: str, rep: str | None,
             only_informed: bool = False) -> ConsultationRecord:
    on = date.fromisoformat(dates["consultation_date"])
    if dates is PRE:
        return ConsultationRecord(level="tr_p", outcome="informed" if only_informed else "agree",
                                  representative=rep, consulted_on=on, group=group,
                                  written_statement=not only_informed)
    return ConsultationRecord(level="tr_p", outcome="informed" if only_informed else "agree",
                              representative=rep, consulted_on=on, group=group, informed=True,
                              practical_setup_discussed=not only_informed)


@DATES
def test_recording_several_representatives(dates: dict[str, str],
                                           unit: tuple[Engine, int]) -> None:
    engine, u = unit
    today = date.fromisoformat(dates["start_date"])
    pending = base(**{**dates, "consultation_outcome": "pending", "consultation_date": None,
                      "written_statement": "no"})
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, pending, unit_id=u, today=today)
    assert first.result.verdict == "clarify"
    # One of two only informed: the new version is still Afklares.
    with session_scope(engine) as s:
        second = svc.record_consultation(
            s, LEDER, first.screening_id,
            [recorded(dates, "Gartnere (3F)", "Bo Berg, TR 3F"),
             recorded(dates, "Pedeller (FOA)", "Sara Sand, TR FOA", only_informed=True)],
            today=today)
    assert second.result.verdict == "clarify"
    # Both heard, one without a name: approved, and the record says the name is missing.
    with session_scope(engine) as s:
        third = svc.record_consultation(
            s, LEDER, second.screening_id,
            [recorded(dates, "Gartnere (3F)", "Bo Berg, TR 3F"),
             recorded(dates, "Pedeller (FOA)", "Sara Sand, TR FOA")],
            today=today)
    assert third.result.verdict == "approve"
    assert third.result.ruleset.id == ("bab-2023" if dates is PRE else "arbejdspligt-2025")
    with session_scope(engine) as s:
        rows = s.scalars(select(Consultation).where(
            Consultation.screening_id == third.screening_id)).all()
        assert [r.representative for r in rows] == ["Bo Berg, TR 3F", "Sara Sand, TR FOA"]
        stored = s.get(Screening, third.screening_id)
        assert stored is not None
        assert [g["group"] for g in stored.answers["consultations"]] == \
            ["Gartnere (3F)", "Pedeller (FOA)"]
        record = svc.decision_record(s, LEDER, third.screening_id)
        assert [g.consultation_representative for g in record.proposal.consultations] == \
            ["Bo Berg, TR 3F", "Sara Sand, TR FOA"]
        second_pdf = pdf_text(svc.record_pdf(s, LEDER, second.screening_id))
    assert "Afgørelse: Afklares" in second_pdf
    assert "Høring af tillidsrepræsentanter" in second_pdf
    assert "Opgaven berører 2 faggrupper" in second_pdf
    assert "Faggruppe Gartnere (3F)" in second_pdf and "Faggruppe Pedeller (FOA)" in second_pdf
    assert "Bo Berg, TR 3F" in second_pdf and "Sara Sand, TR FOA" in second_pdf


@DATES
def test_record_pdf_says_where_a_name_is_missing(dates: dict[str, str],
                                                 unit: tuple[Engine, int]) -> None:
    engine, u = unit
    today = date.fromisoformat(dates["start_date"])
    row = task(dates, [heard(dates, "Gartnere (3F)", "Bo Berg, TR 3F"),
                       heard(dates, "Pedeller (FOA)", None)])
    with session_scope(engine) as s:
        saved = svc.screen_and_save(s, LEDER, row, unit_id=u, today=today)
        text = pdf_text(svc.record_pdf(s, LEDER, saved.screening_id))
        n_rows = len(s.scalars(select(Consultation).where(
            Consultation.screening_id == saved.screening_id)).all())
    assert saved.result.verdict == "approve"
    assert n_rows == 2
    assert "For 1 af dem er navnet ikke registreret." in text
    assert "Repræsentant Navnet er ikke registreret" in text
    assert "(navnet er ikke registreret)" in text  # the criterion says it too
    assert "Bo Berg, TR 3F" in text


def test_several_representatives_need_a_group_each(unit: tuple[Engine, int]) -> None:
    engine, u = unit
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, base(**POST), unit_id=u)
    unnamed = [recorded(POST, "Gartnere (3F)", "Bo"), recorded(POST, "", "Sara")]
    with pytest.raises(ConsultationError, match=r"faggruppen for repræsentant nr\. 2"), \
            session_scope(engine) as s:
        svc.record_consultation(s, LEDER, first.screening_id, unnamed)
    twice = [recorded(POST, "Gartnere", "Bo"), recorded(POST, "Gartnere", "Sara")]
    with pytest.raises(ConsultationError, match="angivet to gange"), \
            session_scope(engine) as s:
        svc.record_consultation(s, LEDER, first.screening_id, twice)
    late = [recorded(POST, "Gartnere", "Bo"),
            ConsultationRecord(level="tr_p", outcome="agree", representative="Sara",
                               consulted_on=date(2026, 3, 9), group="Pedeller",
                               informed=True, practical_setup_discussed=True)]
    with pytest.raises((ConsultationError, ProposalError), match="startdato"), \
            session_scope(engine) as s:
        svc.record_consultation(s, LEDER, first.screening_id, late,
                                today=date(2026, 11, 23))
    with session_scope(engine) as s:
        assert len(s.scalars(select(Screening)).all()) == 1  # nothing half-written


@DATES
def test_rescreening_keeps_every_recorded_representative(dates: dict[str, str],
                                                         unit: tuple[Engine, int]) -> None:
    engine, u = unit
    today = date.fromisoformat(dates["start_date"])
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, base(**dates), unit_id=u, today=today)
    heard_both = [recorded(dates, "Gartnere (3F)", "Bo"), recorded(dates, "Pedeller", "Sara")]
    heard_both[0] = ConsultationRecord(**{**heard_both[0].__dict__,
                                          "statement_text": "Enige om holdets opgaver."})
    with session_scope(engine) as s:
        second = svc.record_consultation(s, LEDER, first.screening_id, heard_both, today=today)
        answers = dict(s.get(Screening, second.screening_id).answers)  # type: ignore[union-attr]
    assert second.result.verdict == "approve"
    # A re-screening with the same answers (a new description) keeps both groups and
    # the recorded statement.
    answers["description"] += " Holdet arbejder kun i de udpegede områder."
    with session_scope(engine) as s:
        third = svc.screen_and_save(s, LEDER, answers, task_id=second.task_id, today=today)
        rows = s.scalars(select(Consultation).where(
            Consultation.screening_id == third.screening_id)).all()
        text = pdf_text(svc.record_pdf(s, LEDER, third.screening_id))
    assert third.result.verdict == "approve" and third.version == 3
    assert [r.representative for r in rows] == ["Bo", "Sara"]
    assert rows[0].statement_text == "Enige om holdets opgaver."
    assert "Faggruppe Gartnere (3F)" in text and "Faggruppe Pedeller" in text
    assert "Enige om holdets opgaver." in text

"""The written record and the dispensation application: PDF text checked with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from nytte.screening.dispensation_pdf import (
    DispensationNotApplicable,
    render_dispensation_application,
)
from nytte.screening.documents import ConsultationRecord, DecisionRecord, record_from_result
from nytte.screening.engine import screen
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import parse_proposal
from nytte.screening.record_pdf import render_record
from tests.screening_examples import base, pre2025


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def make_record(row: dict[str, object], **kw: object) -> DecisionRecord:
    result = screen(parse_proposal(row), ScreeningPolicy(recurring="lenient"))
    defaults: dict[str, object] = dict(
        reference="Opgave 7", municipality="Københavns Kommune (0101)",
        decided_by="Søren Ærbø (koordinator)", decided_at=datetime(2026, 2, 20, 9, 30))
    defaults.update(kw)
    return record_from_result(result, **defaults)  # type: ignore[arg-type]


def squash(text: str) -> str:
    return " ".join(text.split())


def test_record_has_description_criteria_consultation_ruleset_and_decider() -> None:
    consultation = ConsultationRecord(
        level="tr_p", outcome="agree", representative="Åse Øster (TR, 3F)",
        consulted_on=date(2026, 2, 16), informed=True, practical_setup_discussed=True,
        statement_text="<script>alert('x')</script> Enige om holdstørrelse.",
        recorded_by="Søren Ærbø", recorded_at=datetime(2026, 2, 16, 14, 5))
    row = base(consultation_representative="Åse Øster (TR, 3F)", tr_informed="yes",
               practical_setup_discussed="yes")
    text = squash(pdf_text(render_record(make_record(row, consultation=consultation,
                                                     version=2, supersedes="Opgave 7, v1"))))
    assert "Skriftlig vurdering af opgave til nytteindsats" in text
    assert "Afgørelse: Godkendes" in text
    assert "Naturpleje på Vestvolden" in text
    assert "stoppede med at arbejde i de udpegede" in text
    assert "Ingen fortrængning af ordinært ansatte: Opfyldt" in text
    assert "1998" in text
    assert "[V] Kilde: RAR Sjælland" in text and "[U] ikke verificeret" in text
    assert "Åse Øster (TR, 3F)" in text and "16-02-2026" in text
    assert "<script>alert('x')</script>" in text  # printed as text
    assert "arbejdspligt-2025" in text
    assert "Søren Ærbø (koordinator)" in text and "20. februar 2026" in text
    assert "Erstatter tidligere vurdering: Opgave 7, v1" in text


def test_record_of_a_rejection_without_separate_consultation() -> None:
    text = squash(pdf_text(render_record(make_record(base(servicelov_83="yes")))))
    assert "Afgørelse: Afvises" in text
    assert "Ikke personlig eller praktisk hjælp efter serviceloven: Ikke opfyldt" in text


def test_dispensation_application_lists_the_bek_1178_fields() -> None:
    record = make_record(pre2025(ordinary_employees=10, participants_requested=6,
                                 participants_already_placed=1))
    assert record.verdict == "clarify" and record.ratio is not None and record.ratio.exceeded
    text = squash(pdf_text(render_dispensation_application(record, "Halvdelen gik i job.")))
    assert "Ansøgning om dispensation fra rimelighedskravet" in text
    assert "Det regionale arbejdsmarkedsråd (RAR)" in text
    assert "1178" in text
    for heading in ("1. Opgaverne", "2. Arbejdsstederne og allerede placerede",
                    "3. Høring af tillidsrepræsentant og resultat",
                    "4. Håndtering af konkurrenceforvridning",
                    "5. Dokumentation af arbejdet og effekt"):
        assert heading in text
    assert "Tilladt efter rimelighedskravet 2" in text
    assert "Halvdelen gik i job." in text


def test_no_dispensation_under_2025_rules() -> None:
    with pytest.raises(DispensationNotApplicable):
        render_dispensation_application(make_record(base()))

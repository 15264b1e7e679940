"""Screening services on SQLite and PostgreSQL: save, immutability and versions,
consultation, policy versions, portfolio, precedent export/import, access rules."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nytte.commands.screen import main
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.db import session_scope
from nytte.models import AuditEvent, Consultation, PrecedentImport, Screening, Task, Unit
from nytte.screening import service as svc
from nytte.screening.consultation import ConsultationError
from nytte.screening.documents import ConsultationRecord
from nytte.screening.portfolio import PortfolioFilter
from nytte.screening.precedent import PrecedentFileError
from nytte.screening.precedent_cache import clear as clear_cache
from nytte.screening.proposal import ProposalError
from tests.screening_examples import (
    PENDING,
    base,
    electrician,
    pallets,
    pre2025,
    weekly_maintenance,
)

MUNI = "0253"


@pytest.fixture
def db(empty_engine: Engine) -> Iterator[tuple[Engine, int, int]]:
    clear_cache()
    with session_scope(empty_engine) as s:
        u1 = Unit(municipality_code=MUNI, name="Service++", places=24)
        u2 = Unit(municipality_code=MUNI, name="Citykorps", places=50)
        s.add_all([u1, u2])
        s.flush()
        ids = (u1.id, u2.id)
    yield empty_engine, ids[0], ids[1]
    clear_cache()


def koordinator(unit: int) -> Principal:
    return Principal("k1", "Kim Koordinator", Role.KOORDINATOR, MUNI, frozenset({unit}))


LEDER = Principal("l1", "Lea Leder", Role.LEDER, MUNI)
ADMIN = Principal("a1", "Ada Admin", Role.ADMIN, MUNI)
RAAD = Principal("r1", "Rita Råd", Role.RAAD, region_code="1085")
OTHER_LEDER = Principal("l2", "Ole Anden", Role.LEDER, "0101")


def saved(engine: Engine, principal: Principal, row: dict[str, Any], *,
          unit_id: int | None = None, task_id: int | None = None) -> svc.SavedScreening:
    """Screen and save one task (a new one in a unit, or a task's next version) in a
    transaction of its own."""
    with session_scope(engine) as s:
        return svc.screen_and_save(s, principal, row, unit_id=unit_id, task_id=task_id)


def test_screen_and_save_then_rescreen_creates_linked_version(
        db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    k = koordinator(u1)
    first = saved(engine, k, base(**PENDING), unit_id=u1)
    assert first.version == 1 and first.result.verdict == "clarify"
    second = saved(engine, k, base(), task_id=first.task_id)
    assert second.version == 2 and second.supersedes_id == first.screening_id
    assert second.result.verdict == "approve"
    with session_scope(engine) as s:
        rows = s.scalars(select(Screening).order_by(Screening.version)).all()
        assert [(r.version, r.verdict) for r in rows] == [(1, "clarify"), (2, "approve")]
        assert rows[0].ruleset_id == "arbejdspligt-2025"
        assert rows[0].answers["title"] == "Naturpleje på Vestvolden"
        history = svc.task_history(s, k, first.task_id)
        assert [h.version for h in history] == [1, 2]
        events = s.scalars(select(AuditEvent.action)
                           .where(AuditEvent.entity == "screening")).all()
        assert events.count("screening.create") == 2


def test_bad_input_writes_nothing(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    with pytest.raises(ProposalError, match="CPR"), session_scope(engine) as s:
        svc.screen_and_save(s, koordinator(u1), base(description="Til 010190-1234"), unit_id=u1)
    with Session(engine) as s:
        assert s.scalar(select(func.count(Task.id))) == 0
        assert s.scalar(select(func.count(Screening.id))) == 0


def test_record_consultation_makes_a_new_version_and_the_record_shows_it(
        db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    k = koordinator(u1)
    first = saved(engine, k, pre2025(**PENDING), unit_id=u1)
    assert first.result.verdict == "clarify" and first.result.ruleset.id == "bab-2023"
    record = ConsultationRecord(level="tr_p", outcome="agree", representative="Åse Øster, TR 3F",
                                consulted_on=date(2025, 2, 20), written_statement=True,
                                statement_text="Enige; holdet arbejder kun i de udpegede områder.")
    with session_scope(engine) as s:
        second = svc.record_consultation(s, k, first.screening_id, record,
                                         attachment=("tilkendegivelse.pdf", "application/pdf",
                                                     b"%PDF-1.4 test"),
                                         today=date(2025, 3, 1))
    assert second.version == 2 and second.result.verdict == "approve"
    with session_scope(engine) as s:
        pdf = svc.record_pdf(s, k, second.screening_id)
        att = svc.statement_attachment(s, k, second.screening_id)
        assert att is not None and att[0] == "tilkendegivelse.pdf"
        with pytest.raises(ValueError, match="afløst"):
            svc.record_consultation(s, k, first.screening_id, record, today=date(2025, 3, 1))
    text_ = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
                     .split())
    assert "Afgørelse: Godkendes" in text_
    assert "Åse Øster, TR 3F" in text_ and "20-02-2025" in text_
    assert "tilkendegivelse.pdf" in text_
    assert "bab-2023" in text_ and "Kim Koordinator" in text_
    assert "Erstatter tidligere vurdering: Opgave" in text_


def test_invalid_consultation_is_refused(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    first = saved(engine, LEDER, base(), unit_id=u1)
    bad = ConsultationRecord(level="tr_cvr", outcome="agree", representative="X",
                             consulted_on=date(2026, 1, 5))
    with pytest.raises(ConsultationError), session_scope(engine) as s:
        svc.record_consultation(s, LEDER, first.screening_id,
                                ConsultationRecord(level="tr_p", outcome="agree",
                                                   representative="X", consulted_on=None))
    # 2025 rules: a lower level without reason is a warning, not an error
    with session_scope(engine) as s:
        second = svc.record_consultation(s, LEDER, first.screening_id, bad,
                                         today=date(2026, 3, 1))
    assert second.version == 2


def test_access_rules(db: tuple[Engine, int, int]) -> None:
    engine, u1, u2 = db
    done = saved(engine, koordinator(u1), base(), unit_id=u1)
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied):
            svc.screen_and_save(s, koordinator(u1), base(), unit_id=u2)
        with pytest.raises(AccessDenied):
            svc.screen_and_save(s, koordinator(u1), base())  # no unit
        with pytest.raises(AccessDenied):
            svc.record_pdf(s, koordinator(u2), done.screening_id)
        with pytest.raises(AccessDenied):
            svc.preview(s, RAAD, base())
        with pytest.raises(AccessDenied):
            svc.screen_and_save(s, ADMIN, base(), unit_id=u1)
        with pytest.raises(svc.ScreeningNotFound):
            svc.record_pdf(s, OTHER_LEDER, done.screening_id)
        with pytest.raises(AccessDenied):
            svc.save_policy(s, LEDER, recurring="lenient", displacement_lookback_years=5,
                            professional_areas=["teknik_miljoe"])
        assert svc.record_pdf(s, LEDER, done.screening_id).startswith(b"%PDF")


def test_policy_versions_change_the_verdict(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        assert svc.current_policy(s, LEDER).recurring == "strict"
        strict = svc.screen_and_save(s, LEDER, weekly_maintenance(), unit_id=u1)
    assert strict.result.verdict == "reject"
    with session_scope(engine) as s:
        svc.save_policy(s, ADMIN, recurring="lenient", displacement_lookback_years=5,
                        professional_areas=["teknik_miljoe", "omsorg_pleje"])
        svc.save_policy(s, ADMIN, recurring="lenient", displacement_lookback_years=8,
                        professional_areas=["teknik_miljoe"])
    with session_scope(engine) as s:
        versions = svc.policy_versions(s, LEDER)
        assert [v.version for v in versions] == [2, 1]
        assert versions[0].policy.displacement_lookback_years == 8
        lenient = svc.screen_and_save(s, LEDER, weekly_maintenance(), task_id=strict.task_id)
    assert lenient.result.verdict == "approve"
    with session_scope(engine) as s:
        row = s.get(Screening, lenient.screening_id)
        assert row is not None and row.policy_id == versions[0].id
        assert s.scalar(select(func.count(AuditEvent.id))
                        .where(AuditEvent.action == "policy.create")) == 2
    with pytest.raises(ValueError, match="mellem 0 og 100"), session_scope(engine) as s:
        svc.save_policy(s, ADMIN, recurring="lenient", displacement_lookback_years=-1,
                        professional_areas=["it"])


def test_similar_decisions_and_superseded_versions(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        p = svc.screen_and_save(s, LEDER, pallets(), unit_id=u1)
        svc.screen_and_save(s, LEDER, electrician(), unit_id=u1)
    with session_scope(engine) as s:
        hits = svc.similar_decisions(s, LEDER, "Paller skilles ad",
                                     "Træpaller sorteres til genbrug")
        assert hits and hits[0].title == "Klargøring af træpaller til genbrug"
        assert hits[0].verdict == "approve"
        svc.screen_and_save(s, LEDER, pallets(servicelov_83="yes"), task_id=p.task_id)
    with session_scope(engine) as s:
        hits = svc.similar_decisions(s, LEDER, "Paller skilles ad",
                                     "Træpaller sorteres til genbrug")
        pallet_hits = [h for h in hits if "træpaller" in h.title.lower()]
        assert [h.verdict for h in pallet_hits] == ["reject"]  # only the newest version
        assert any("§ 83" in r for r in pallet_hits[0].reasons)  # why it was rejected
        preview = svc.preview(s, LEDER, pallets(title="Paller til genbrug"))
        assert preview.similar and preview.similar[0].verdict == "reject"


def test_portfolio_filters_and_flags(db: tuple[Engine, int, int]) -> None:
    engine, u1, u2 = db
    with session_scope(engine) as s:
        svc.screen_and_save(s, LEDER, pallets(), unit_id=u1,
                            decided_at=datetime(2024, 1, 10, 10, 0))
        svc.screen_and_save(s, LEDER, electrician(), unit_id=u1)
        svc.screen_and_save(s, LEDER, base(), unit_id=u2)
    with session_scope(engine) as s:
        all_ = svc.portfolio(s, LEDER, PortfolioFilter(), date(2026, 3, 1))
        assert {e.title for e in all_} == {"Klargøring af træpaller til genbrug",
                                            "Naturpleje på Vestvolden"}
        winter = svc.portfolio(s, LEDER, PortfolioFilter(season="winter", max_physical_demand=2),
                               date(2026, 3, 1))
        assert [e.title for e in winter] == ["Klargøring af træpaller til genbrug"]
        assert winter[0].needs_rescreening(date(2026, 3, 1))
        own = svc.portfolio(s, koordinator(u2), PortfolioFilter(), date(2026, 3, 1))
        assert [e.title for e in own] == ["Naturpleje på Vestvolden"]


def test_precedent_export_import_between_municipalities(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, pallets(), unit_id=u1)
        svc.screen_and_save(s, LEDER, pallets(frequency="recurring"), task_id=first.task_id)
        svc.screen_and_save(s, LEDER, electrician(), unit_id=u1)
        exported = svc.export_precedent(s, LEDER)
    doc = json.loads(exported)
    assert len(doc["decisions"]) == 3  # the whole history, every version
    other_admin = Principal("a2", "Anden Admin", Role.ADMIN, "0101")
    other_leder = Principal("l3", "Anden Leder", Role.LEDER, "0101")
    with session_scope(engine) as s:  # the cache is built before the import ...
        assert svc.similar_decisions(s, other_leder, "Elektriker", "Stikkontakter") == []
    with session_scope(engine) as s:
        result = svc.import_precedent(s, other_admin, exported.encode())
        assert result.added == 3
        again = svc.import_precedent(s, other_admin, exported.encode())
        assert again.added == 0 and again.already_known == 3
        own = svc.import_precedent(s, ADMIN, exported.encode())
        assert own.own_skipped == 3 and own.added == 0
    with session_scope(engine) as s:  # ... and sees it afterwards
        hits = svc.similar_decisions(s, other_leder, "Elektriker", "Stikkontakter monteres")
        assert hits and hits[0].ref.startswith("import:0253-")
        assert hits[0].verdict == "reject"
    broken = json.dumps({**doc, "decisions": [*doc["decisions"], {"ref": "x"}]})
    with pytest.raises(PrecedentFileError, match="Afgørelse 4"), session_scope(engine) as s:
        svc.import_precedent(s, Principal("a3", "A", Role.ADMIN, "0147"), broken.encode())
    with Session(engine) as s:
        assert s.scalar(select(func.count(PrecedentImport.id))
                        .where(PrecedentImport.municipality_code == "0147")) == 0


def test_consultation_rows_follow_each_version(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    done = saved(engine, LEDER, base(), unit_id=u1)
    with Session(engine) as s:
        c = s.scalar(select(Consultation).where(Consultation.screening_id == done.screening_id))
        assert c is not None and c.level == "tr_p" and c.outcome == "agree"
        assert c.consulted_on == date(2026, 2, 16)


def test_screen_command_reads_precedent_and_policy_from_the_database(
        db: tuple[Engine, int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        svc.screen_and_save(s, LEDER, electrician(), unit_id=u1)
        svc.save_policy(s, ADMIN, recurring="lenient", displacement_lookback_years=10,
                        professional_areas=["teknik_miljoe"])
    monkeypatch.setenv("NYTTE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    f = tmp_path / "opgaver.json"
    f.write_text(json.dumps([weekly_maintenance(), electrician(title="Nye stikkontakter")]),
                 encoding="utf-8")
    assert main([str(f), "--municipality", MUNI]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["verdict"] == "approve"  # the stored lenient policy
    assert out[1]["similar"][0]["title"] == "Udskiftning af stikkontakter i klubhuset"
    assert any("autoriseret fag" in r for r in out[1]["similar"][0]["reasons"])
    assert main([str(f), "--municipality", MUNI, "--policy", "strict"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["verdict"] == "reject"


def test_rescreening_keeps_the_recorded_consultation(db: tuple[Engine, int, int]) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, base(**PENDING), unit_id=u1)
        record = ConsultationRecord(level="tr_p", outcome="agree", representative="Åse, TR",
                                    consulted_on=date(2026, 2, 16), informed=True,
                                    practical_setup_discussed=True)
        second = svc.record_consultation(s, LEDER, first.screening_id, record,
                                         attachment=("t.png", "image/png", b"\x89PNG"),
                                         today=date(2026, 3, 1))
        answers = svc.decision_record(s, LEDER, second.screening_id).proposal.model_dump()
        third = svc.screen_and_save(s, LEDER, {**answers, "season": "winter"},
                                    task_id=first.task_id, today=date(2026, 3, 1))
        assert third.version == 3 and third.result.verdict == "approve"
        rec = svc.decision_record(s, LEDER, third.screening_id)
        assert rec.consultation is not None
        assert rec.consultation.representative == "Åse, TR"
        assert rec.consultation.statement_filename == "t.png"
        assert svc.statement_attachment(s, LEDER, third.screening_id) is not None
        assert svc.statement_attachment(s, LEDER, first.screening_id) is None


def test_concurrent_rescreening_keeps_one_and_refuses_the_other(
        db: tuple[Engine, int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    engine, u1, _ = db
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer at a time: the race cannot happen there")
    with session_scope(engine) as s:
        first = svc.screen_and_save(s, LEDER, base(), unit_id=u1)
    real_policy = svc.current_policy

    def racing_policy(session: Session, principal: Principal) -> object:
        # Another coordinator saves version 2 while this screening is being made.
        with session_scope(engine) as other:
            other.add(Screening(task_id=first.task_id, version=2, supersedes_id=None,
                                ruleset_id="arbejdspligt-2025", start_date=date(2026, 3, 2),
                                answers=base(), criteria=[], verdict="approve",
                                decided_by="Anden"))
        monkeypatch.setattr(svc, "current_policy", real_policy)
        return real_policy(session, principal)

    monkeypatch.setattr(svc, "current_policy", racing_policy)
    with pytest.raises(svc.ConcurrentScreening, match="netop blevet vurderet"), \
            session_scope(engine) as s:
        svc.screen_and_save(s, LEDER, base(season="winter"), task_id=first.task_id)
    with Session(engine) as s:
        rows = s.execute(select(Screening.version, Screening.decided_by)
                         .where(Screening.task_id == first.task_id)
                         .order_by(Screening.version)).all()
        assert [tuple(r) for r in rows] == [(1, "Lea Leder (Leder)"), (2, "Anden")]


@pytest.mark.parametrize("statement", [
    "UPDATE screening SET verdict = 'approve'",
    "DELETE FROM screening",
    "UPDATE consultation SET outcome = 'agree'",
])
def test_decisions_are_immutable_in_the_database(db: tuple[Engine, int, int],
                                                 statement: str) -> None:
    engine, u1, _ = db
    with session_scope(engine) as s:
        svc.screen_and_save(s, LEDER, electrician(), unit_id=u1)
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
        conn.execute(text(statement))
    with Session(engine) as s:
        assert s.scalar(select(Screening.verdict)) == "reject"

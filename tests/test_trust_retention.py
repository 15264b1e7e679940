"""Retention: personal data is anonymised a configurable time after the course ends,
and the dashboards' historical figures (attendance, funnel, composition) stay the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, case, func, select, update
from sqlalchemy.orm import Session

from nytte.admin.retention import anonymise_expired, months_before, pseudonym
from nytte.demo.params import DEMO_END

# The demo data screens its tasks, leaving events by this actor.
from nytte.models import Attendance, AuditEvent, Participant, Referral
from tests.trust_helpers import writable_copy

NOT_DEMO = AuditEvent.actor != "demo-screening"


def figures(engine: Engine) -> dict[str, Any]:
    """Aggregates of the kind the dashboards show, computed where the data lives."""
    month = func.substr(func.cast(Attendance.day, type_=Attendance.note.type), 1, 7)
    ref_month = func.substr(func.cast(Referral.referred_on, type_=Attendance.note.type), 1, 7)
    started = (
        select(Attendance.referral_id).where(Attendance.status == "present").distinct()
        .scalar_subquery()
    )
    with Session(engine) as s:
        return {
            "attendance": sorted(
                (u, m, st, n, round(float(h), 2)) for u, m, st, n, h in s.execute(
                    select(Attendance.unit_id, month, Attendance.status, func.count(),
                           func.sum(Attendance.hours))
                    .group_by(Attendance.unit_id, month, Attendance.status)).all()),
            "funnel": sorted(s.execute(
                select(Referral.unit_id, ref_month, func.count(),
                       func.sum(case((Referral.id.in_(started), 1), else_=0)),
                       func.count(Referral.ended_on))
                .group_by(Referral.unit_id, ref_month)).all()),
            "exits": sorted(s.execute(
                select(Referral.exit_outcome, func.count())
                .where(Referral.exit_outcome.is_not(None)).group_by(Referral.exit_outcome)).all()),
            "composition": sorted(s.execute(
                select(Participant.gender, Participant.benefit_group,
                       Participant.visitation_group, func.count())
                .group_by(Participant.gender, Participant.benefit_group,
                          Participant.visitation_group)).all(), key=str),
            "people": s.scalar(select(func.count()).select_from(Participant)),
        }


def test_months_before_handles_month_ends() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 20), 12) == date(2025, 11, 20)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_retention_anonymises_and_keeps_the_figures(demo_engine: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_engine, tmp_path) as engine:
        with Session(engine) as s, s.begin():
            # Notes to clear: one on an old course, one on a course still running.
            old = s.scalars(select(Attendance).join(Referral).where(
                Referral.ended_on < date(2024, 6, 1)).limit(1)).one()
            old.note = "Ringede: tandlæge"
            live = s.scalars(select(Attendance).join(Referral).where(
                Referral.ended_on.is_(None)).limit(1)).one()
            live.note = "Kom for sent"
            old_pid, live_pid = old.participant_id, live.participant_id
            old_id, live_id = old.id, live.id
            old_birth_year = s.get(Participant, old_pid).birth_year  # type: ignore[union-attr]
            old_case = s.get(Participant, old_pid).case_ref  # type: ignore[union-attr]
        before = figures(engine)
        with Session(engine) as s, s.begin():
            result = anonymise_expired(s, months=12, today=DEMO_END)
        assert result.cutoff == date(2025, 11, 20)
        assert result.anonymised > 100
        assert figures(engine) == before
        with Session(engine) as s:
            gone = s.get(Participant, old_pid)
            kept = s.get(Participant, live_pid)
            assert gone is not None and kept is not None
            assert gone.case_ref == pseudonym(old_pid) and gone.anonymised_at is not None
            assert gone.birth_year == old_birth_year  # kept by default (age composition)
            assert kept.case_ref.startswith("SAG-") and kept.anonymised_at is None
            assert s.scalar(select(Attendance.note).where(Attendance.id == old_id)) == ""
            assert s.scalar(select(Attendance.note).where(Attendance.id == live_id)) == (
                "Kom for sent")
            assert s.scalar(select(func.count()).select_from(Participant).where(
                Participant.case_ref == old_case)) == 0
            # Nobody with an open course, or one ended after the cutoff, was touched.
            touched = select(Participant.id).where(Participant.anonymised_at.is_not(None))
            assert s.scalar(select(func.count()).select_from(Referral).where(
                Referral.participant_id.in_(touched),
                (Referral.ended_on.is_(None)) | (Referral.ended_on > result.cutoff))) == 0
            assert s.scalar(select(func.count()).select_from(Referral).where(
                Referral.participant_id.in_(touched), Referral.caseworker_ref != "")) == 0
            # One event per municipality (the demo also holds the rest of the region).
            events = s.scalars(select(AuditEvent).where(
                AuditEvent.action == "retention_anonymise")).all()
            assert sum((e.new or {})["count"] for e in events) == result.anonymised
            assert {e.actor for e in events} == {"system:retention"}
            assert "0253" in {e.municipality_code for e in events}
        # A second run finds nothing more to do.
        with Session(engine) as s, s.begin():
            assert anonymise_expired(s, months=12, today=DEMO_END).anonymised == 0


def test_retention_period_is_configurable(demo_sqlite: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_sqlite, tmp_path) as engine, Session(engine) as s:
        counts = [anonymise_expired(s, months=m, today=DEMO_END, dry_run=True).anonymised
                  for m in (1, 12, 24, 60)]
        assert counts[0] > counts[1] > counts[2] > counts[3] == 0
        s.execute(update(Participant).values(birth_year=1987))
        anonymise_expired(s, months=12, today=DEMO_END, birth_year="coarsen")
        years = set(s.scalars(select(Participant.birth_year).where(
            Participant.anonymised_at.is_not(None))))
        assert years == {1985}
        s.rollback()
        anonymise_expired(s, months=12, today=DEMO_END, birth_year="remove")
        assert s.scalar(select(func.count()).select_from(Participant).where(
            Participant.anonymised_at.is_not(None), Participant.birth_year.is_not(None))) == 0
        s.rollback()


def test_retention_command(demo_sqlite: Engine, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                           ) -> None:
    from nytte.cli import main
    from nytte.core.db import dispose_engines

    with writable_copy(demo_sqlite, tmp_path) as engine:
        monkeypatch.setenv("NYTTE_DATABASE_URL", engine.url.render_as_string(False))
        monkeypatch.setenv("NYTTE_RETENTION_MONTHS", "24")
        assert main(["retention", "--today", DEMO_END.isoformat(), "--dry-run"]) == 0
        dry = capsys.readouterr().out
        assert "ville blive anonymiseret" in dry and "20-11-2024" in dry
        assert "(kladder) ville blive slettet (uændret i mere end 7 dage)" in dry
        assert main(["retention", "--today", DEMO_END.isoformat()]) == 0
        assert "anonymiseret" in capsys.readouterr().out
        with Session(engine) as s:
            actions = set(s.scalars(select(AuditEvent.action).where(NOT_DEMO)))
            assert actions == {"retention_anonymise"}  # one per municipality, nothing else
        dispose_engines()


def _dashboard_figures(engine: Engine) -> dict[str, Any]:
    """The figures the attendance and funnel pages show, over the demo's history."""
    from nytte.attendance.dashboard import attendance_dashboard
    from nytte.attendance.funnel import StableRule, referral_funnel
    from nytte.core.auth import Principal, Role

    leder = Principal("l", "Leder", Role.LEDER, "0253")
    start = date(2023, 1, 1)
    out: dict[str, Any] = {}
    with Session(engine) as s:
        dash = attendance_dashboard(s, leder, None, start, DEMO_END)
        out["totals"] = dash.totals
        for name in ("weekly", "by_team", "by_benefit", "by_visitation"):
            out[name] = getattr(dash, name).to_csv()
        for dimension in ("unit", "month", "benefit_group", "visitation_group"):
            funnel = referral_funnel(s, leder, unit_id=None, dimension=dimension,
                                     referred_from=start, referred_to=DEMO_END,
                                     rule=StableRule(), as_of=DEMO_END)
            out[f"funnel_{dimension}"] = (funnel.table.to_csv(), funnel.exits.to_csv(),
                                          funnel.waiting)
        # The managers' KPIs and the council's review, per year of history.
        from nytte.council.overview import manager_overview
        from nytte.council.periods import year
        from nytte.council.review import regional_review

        council = Principal("r", "Råd", Role.RAAD, region_code="1085")
        for y in (2023, 2024, 2025):
            overview = manager_overview(s, leder, year(y))
            out[f"kpis_{y}"] = (repr(overview.rows), overview.composition, overview.counts)
            out[f"review_{y}"] = repr(regional_review(s, council, year(y)))
    return out


def test_retention_keeps_the_dashboards_figures(demo_sqlite: Engine,
                                                      tmp_path: Path) -> None:
    with writable_copy(demo_sqlite, tmp_path) as engine:
        before = _dashboard_figures(engine)
        assert before["totals"].expected_days > 1000  # the figures are about real history
        with Session(engine) as s, s.begin():
            assert anonymise_expired(s, months=12, today=DEMO_END).anonymised > 100
        assert _dashboard_figures(engine) == before

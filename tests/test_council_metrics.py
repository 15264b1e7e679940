"""The summary tables give the raw tables' figures, on SQLite and PostgreSQL, and
stay right after ORM writes without a manual refresh."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from nytte import kpis
from nytte.core.db import session_scope
from nytte.council.downloads import REVIEW_KPIS
from nytte.council.evaluation import EVALUATION_KPIS
from nytte.council.metrics import (
    Counts,
    Scope,
    composition_raw,
    composition_summary,
    kpi_values,
    raw_counts,
    raw_counts_by_municipality,
    summary_counts_by_municipality,
)
from nytte.council.overview import DRILL_KPIS, OVERVIEW_KPIS
from nytte.council.periods import month, quarter, year
from nytte.council.summary import ensure_fresh
from nytte.models import Attendance, Referral
from nytte.models.council import AttendanceMonth, EnrolledMonth, ReferralStats
from tests import council_data


def test_summary_and_raw_agree(demo_engine: Engine) -> None:
    with demo_engine.begin() as conn:
        ensure_fresh(conn)
    codes = ["0253", "0259"]
    with session_scope(demo_engine) as s:
        for p in (year(2025), quarter(2026, 2), month(2024, 12)):
            assert summary_counts_by_municipality(s, codes, p) == \
                raw_counts_by_municipality(s, codes, p)
            assert composition_summary(s, codes, p)["0253"] == \
                composition_raw(s, Scope(("0253",)), p)
        by_month = {m.month: m.enrolled for m in s.scalars(
            select(EnrolledMonth).where(EnrolledMonth.municipality_code == "0253"))}
        for k in range(1, 13):
            raw = raw_counts(s, Scope(("0253",)), month(2025, k)).enrolled
            assert by_month.get(date(2025, k, 1), 0) == raw


def test_summary_follows_orm_writes(empty_engine: Engine) -> None:
    council_data.build(empty_engine)
    with empty_engine.begin() as conn:
        ensure_fresh(conn)
    with Session(empty_engine) as s, s.begin():
        row = s.scalars(select(Attendance).where(Attendance.status == "absent")
                        .order_by(Attendance.id)).first()
        assert row is not None
        unit_id, day, ref_id = row.unit_id, row.day, row.referral_id
        before = s.get(AttendanceMonth, (unit_id, day.replace(day=1)))
        assert before is not None
        present_before = before.present_days
        # A correction of the roll: absent -> present.
        row.status, row.hours, row.reason_code = "present", row.expected_hours, None
        row.registered_at = datetime(2025, 12, 1, 9, 0)
        referral = s.get(Referral, ref_id)
        assert referral is not None
        referral.exit_outcome = "education"
    with Session(empty_engine) as s:
        after = s.get(AttendanceMonth, (unit_id, day.replace(day=1)))
        assert after is not None and after.present_days == present_before + 1
        stats = s.get(ReferralStats, ref_id)
        assert stats is not None and stats.exit_outcome == "education"
        # Moving a referral's end recounts the municipality's monthly enrolment.
        ref = s.get(Referral, ref_id)
        assert ref is not None and ref.ended_on is not None
        assert ref.ended_on < date(2025, 9, 1)
        code = stats.municipality_code
        october = date(2025, 9, 1)  # the newest month with data
        before_oct = s.get(EnrolledMonth, (code, october))
        n_before = before_oct.enrolled if before_oct else 0
    with Session(empty_engine) as s, s.begin():
        ref = s.get(Referral, ref_id)
        assert ref is not None
        ref.ended_on = date(2025, 9, 30)
    with Session(empty_engine) as s:
        month = s.get(EnrolledMonth, (code, october))
        assert month is not None and month.enrolled == n_before + 1


def test_summary_picks_up_bulk_inserts(empty_engine: Engine) -> None:
    council_data.build(empty_engine)
    with empty_engine.begin() as conn:
        assert ensure_fresh(conn) in ("full", "fresh")
    with Session(empty_engine) as s:
        ref = s.scalars(select(Referral).order_by(Referral.id)).first()
        assert ref is not None
        total_before = sum(m.expected_days for m in s.scalars(select(AttendanceMonth)))
    # A row written with plain SQL (as the demo loader does) bypasses the hooks.
    with empty_engine.begin() as conn:
        conn.execute(insert(Attendance).values(
            referral_id=ref.id, participant_id=ref.participant_id, unit_id=ref.unit_id,
            day=date(2025, 11, 3), status="present", expected_hours=6, hours=6,
            registered_by="bulk", registered_at=datetime(2025, 11, 3, 9), version=1, note=""))
    with empty_engine.begin() as conn:
        assert ensure_fresh(conn) == "delta"
    with Session(empty_engine) as s:
        total_after = sum(m.expected_days for m in s.scalars(select(AttendanceMonth)))
    assert total_after == total_before + 1


def test_every_figure_shown_has_a_definition() -> None:
    shown = set(OVERVIEW_KPIS) | set(DRILL_KPIS) | set(EVALUATION_KPIS) | set(REVIEW_KPIS)
    shown |= set(kpi_values(Counts()))
    missing = sorted(k for k in shown if k not in kpis.registry())
    assert not missing, f"figures without a definition: {missing}"


def test_the_council_sees_only_figures_meant_for_it() -> None:
    hidden = [k for k in REVIEW_KPIS if not kpis.get(k).reviewer_visible]
    assert not hidden, f"figures on the council's page not marked for reviewers: {hidden}"


def test_two_rolls_saved_at_once_do_not_collide(empty_engine: Engine) -> None:
    """Two transactions re-summarising the same unit-month (two team leaders saving
    their rolls) must both commit: the summaries are upserted, not deleted and
    re-inserted."""
    import threading
    import time

    from nytte.council.summary import refresh_unit_months

    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race exists on PostgreSQL")
    council_data.build(empty_engine)
    with empty_engine.begin() as conn:
        ensure_fresh(conn)
    with Session(empty_engine) as s:
        first = s.scalars(select(AttendanceMonth).order_by(AttendanceMonth.unit_id)).first()
        assert first is not None
        pair = (first.unit_id, first.month)
    errors: list[BaseException] = []
    c1 = empty_engine.connect()
    t1 = c1.begin()
    refresh_unit_months(c1, [pair])  # holds the row until commit

    def second() -> None:
        try:
            with empty_engine.begin() as c2:
                refresh_unit_months(c2, [pair])
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)  # let the second transaction block on the first
    t1.commit()
    c1.close()
    thread.join(timeout=30)
    assert not errors, errors

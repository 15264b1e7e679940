"""The demo generator is deterministic and lands on the seeds' figures."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine, func, select, text

from nytte.core.calendar import holiday_name, suspension_on
from nytte.demo import params as P
from nytte.demo.generate import exact_allocation, generate
from nytte.models import Attendance, Participant, Referral, Unit


def _signature(seed: int) -> tuple[int, int, int, float, str]:
    d = generate("demo", seed, [P.DEMO_MUNICIPALITY])
    att = d.attendance
    return (
        len(d.participants["id"]),
        len(d.referrals["id"]),
        len(att["day"]),
        float(att["hours"].sum()),
        str(att["day"][-1]),
    )


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert _signature(7) == _signature(7)
    assert _signature(7) != _signature(8)


def test_exact_allocation_hits_shares_for_any_n() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 7, 101, 1000):
        labels = exact_allocation(rng, n, P.BENEFIT_MIX)
        for key, share in P.BENEFIT_MIX.items():
            assert abs((labels == key).sum() - share * n) < 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_figures_within_two_points_of_the_seeds(seed: int) -> None:
    d = generate("demo", seed, [P.DEMO_MUNICIPALITY])
    ref, part, att = d.referrals, d.participants, d.attendance
    started = ref["expected_start"] <= np.datetime64(P.DEMO_END)
    ever_present = set(att["referral_id"][att["status"] == "present"].tolist())
    show_up = np.mean([rid in ever_present for rid in ref["id"][started]])
    assert abs(show_up - P.SHOW_UP_SHARE) <= 0.02
    assert abs(np.mean(part["gender"] == "M") - P.MALE_SHARE) <= 0.02
    # The seeds' benefit mix (2022) describes the rules before the 2025 reform.
    pre = ref["referred_on"] < np.datetime64(P.REFORM_DATE)
    for group, share in P.BENEFIT_MIX.items():
        assert abs(np.mean(part["benefit_group"][pre] == group) - share) <= 0.02, group
    aktiv = np.mean(part["visitation_group"] == "aktivitetsparat")
    assert aktiv < 0.15  # few aktivitetsparate (Tabel 3.3)


def test_no_attendance_on_holidays_weekends_or_closing_days() -> None:
    d = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    days = {date.fromisoformat(s) for s in np.datetime_as_string(np.unique(d.attendance["day"]))}
    closing = {c["day"] for c in d.closing_days}
    assert days, "no attendance generated"
    for day in days:
        assert day.weekday() < 5 and holiday_name(day) is None and day not in closing
        assert not suspension_on(day)
    # Christmas Eve 2024 and Easter Monday 2025 are never working days.
    assert date(2024, 12, 24) not in days and date(2025, 4, 21) not in days


def test_units_near_their_seed_capacity() -> None:
    d = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    ref = d.referrals
    for unit_id, target in ((1, 12), (2, 35)):
        counts = []
        for day in np.arange(np.datetime64("2024-03-01"), np.datetime64(P.DEMO_END), 7):
            active = (
                (ref["unit_id"] == unit_id)
                & (ref["expected_start"] <= day)
                & (np.isnat(ref["ended_on"]) | (ref["ended_on"] >= day))
            )
            counts.append(int(active.sum()))
        assert abs(np.mean(counts) - target) / target < 0.35, (unit_id, np.mean(counts))


def test_courses_before_the_reform_last_at_most_13_weeks() -> None:
    d = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    ref = d.referrals
    pre = (ref["expected_start"] < np.datetime64(P.REFORM_DATE)) & ~np.isnat(ref["ended_on"])
    weeks = (ref["ended_on"][pre] - ref["expected_start"][pre]).astype(int) / 7
    assert weeks.max() <= 13


def test_loaded_demo_matches_generated_counts(demo_engine: Engine) -> None:
    d = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    # The demo municipality's rows (the rest of the region is added lightly: see
    # tests/test_council_demo_region.py).
    own = select(Unit.id).where(Unit.municipality_code == P.DEMO_MUNICIPALITY)
    with demo_engine.connect() as conn:
        n_att = conn.execute(select(func.count()).select_from(Attendance)
                             .where(Attendance.unit_id.in_(own))).scalar_one()
        n_ref = conn.execute(select(func.count()).select_from(Referral)
                             .where(Referral.unit_id.in_(own))).scalar_one()
        n_part = conn.execute(select(func.count()).select_from(Participant).where(
            Participant.municipality_code == P.DEMO_MUNICIPALITY)).scalar_one()
        present = conn.execute(
            text("SELECT COUNT(*) FROM attendance a JOIN unit u ON u.id = a.unit_id "
                 "WHERE a.status = 'present' AND u.municipality_code = :c"),
            {"c": P.DEMO_MUNICIPALITY},
        ).scalar_one()
    assert (n_att, n_ref, n_part) == (
        len(d.attendance["day"]),
        len(d.referrals["id"]),
        len(d.participants["id"]),
    )
    assert present == int((d.attendance["status"] == "present").sum())


def test_demo_tasks_are_screened_with_every_verdict(demo_engine: Engine) -> None:
    """The demo's decisions come from the screening engine: approved, clarify, rejected."""
    with demo_engine.connect() as conn:
        verdicts: dict[str, int] = dict(
            conn.execute(text("SELECT verdict, COUNT(*) FROM screening GROUP BY verdict")).all()
        )
        rulesets = set(conn.execute(text("SELECT DISTINCT ruleset_id FROM screening")).scalars())
    assert {"approve", "clarify", "reject"} <= set(verdicts)
    assert len(rulesets) == 2  # tasks before and after 1 July 2025


def test_demo_fill_on_postgresql_leaves_planner_statistics(demo_pg: Engine) -> None:
    """The demo loader ends with ANALYZE: the statistics are there from the start (a
    manual ANALYZE sets last_analyze; autovacuum's would set last_autoanalyze only)."""
    with demo_pg.connect() as conn:
        analysed = conn.execute(text(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'attendance'"
        )).scalar_one()
        tuples = conn.execute(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'attendance'")).scalar_one()
    assert analysed is not None
    assert tuples > 0

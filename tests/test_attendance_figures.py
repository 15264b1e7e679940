"""The saved rows, the funnel and the dashboards agree: every figure is recomputed
here from the raw rows with plain Python (no shared code with the services)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nytte.attendance.capacity import capacity_dashboard
from nytte.attendance.dashboard import attendance_dashboard
from nytte.attendance.funnel import StableRule, referral_funnel
from nytte.attendance.notices import absence_notices
from nytte.attendance.roll import RollEntry, all_present, read_roll, save_roll
from nytte.core.calendar import closed_reason
from nytte.core.db import session_scope
from nytte.core.reference import code_labels
from nytte.models import ABSENT, Attendance, ClosingDay, Participant, Referral, Team, Unit
from tests.attendance_fixtures import CITY, DAY, manager, session, writable_demo

__all__ = ["session", "writable_demo"]

START, END = date(2026, 5, 1), date(2026, 10, 31)


def _raw_rows(s: Session, start: date, end: date) -> list[dict[str, Any]]:
    closing: dict[int, dict[date, str]] = defaultdict(dict)
    for c in s.scalars(select(ClosingDay)):
        closing[c.unit_id][c.day] = c.reason
    out: list[dict[str, Any]] = []
    for a, benefit, visitation in s.execute(
        select(Attendance, Participant.benefit_group, Participant.visitation_group)
        .join(Participant, Participant.id == Attendance.participant_id)
        .join(Unit, Unit.id == Attendance.unit_id)
        # The demo also holds the rest of the region at a light level: the manager
        # sees their own municipality.
        .where(Attendance.day >= start, Attendance.day <= end,
               Unit.municipality_code == manager().municipality_code)
    ).all():
        if closed_reason(a.day, closing[a.unit_id]):
            continue  # a holiday or closing day is never an expected day
        out.append(
            {
                "day": a.day,
                "team": a.team_id,
                "present": a.status == "present",
                "unexcused": a.reason_code == "unexcused",
                "hours": a.hours,
                "expected_hours": a.expected_hours,
                "benefit": benefit,
                "visitation": visitation or "ingen",
            }
        )
    return out


def test_attendance_dashboard_matches_the_raw_rows(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        dash = attendance_dashboard(s, manager(), None, START, END)
        rows = _raw_rows(s, START, END)
        teams = dict(s.execute(select(Team.id, Team.name)).all())
        benefit_labels = code_labels(s, "benefit_group")
    t = dash.totals
    assert t.expected_days == len(rows) > 1000
    assert t.present_days == sum(r["present"] for r in rows)
    assert t.attendance_rate == pytest.approx(t.present_days / len(rows))
    assert t.unexcused_rate == pytest.approx(sum(r["unexcused"] for r in rows) / len(rows))
    assert t.hours_rate == pytest.approx(
        sum(r["hours"] for r in rows) / sum(r["expected_hours"] for r in rows)
    )
    by_team: Counter[str] = Counter(teams[r["team"]] for r in rows)
    assert dict(zip(dash.by_team["group"], dash.by_team["expected"], strict=True)) == by_team
    by_benefit: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_benefit[benefit_labels[r["benefit"]]].append(bool(r["present"]))
    for g, rate in zip(dash.by_benefit["group"], dash.by_benefit["rate"], strict=True):
        assert rate == pytest.approx(sum(by_benefit[g]) / len(by_benefit[g]))
    weeks: dict[date, list[bool]] = defaultdict(list)
    for r in rows:
        d: date = r["day"]
        weeks[d - timedelta(days=d.weekday())].append(bool(r["present"]))
    got = {
        w.date(): (n, rate)
        for w, n, rate in dash.weekly[["week", "expected", "rate"]].itertuples(index=False)
    }
    assert got.keys() == weeks.keys()
    for w, flags in weeks.items():
        assert got[w][0] == len(flags) and got[w][1] == pytest.approx(sum(flags) / len(flags))
    # One heatmap cell: Tuesdays of ISO week 40.
    tuesday = [r["present"] for r in rows if r["day"].isocalendar()[1:] == (40, 2)]
    assert dash.heatmap.loc["Tirsdag", "uge 40-2026"] == pytest.approx(sum(tuesday) / len(tuesday))


def test_holidays_and_closing_days_are_never_expected_days(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        dash = attendance_dashboard(s, manager(), None, date(2025, 12, 20), date(2026, 1, 10))
    hm = dash.heatmap
    assert pd_isna(hm.loc["Torsdag", "uge 01-2026"])  # New Year's Day 2026
    assert pd_isna(hm.loc["Fredag", "uge 52-2025"])  # Boxing Day
    assert pd_isna(hm.loc["Onsdag", "uge 52-2025"])  # 24 December, a closing day


def pd_timestamp(d: date) -> object:
    import pandas as pd

    return pd.Timestamp(d)


def pd_isna(v: object) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


def _own_units(s: Session) -> list[int]:
    """The manager's units (the demo also holds the rest of the region, lightly)."""
    return list(s.scalars(select(Unit.id).where(
        Unit.municipality_code == manager().municipality_code)))


def _brute_force_funnel(
    s: Session, start: date, end: date, rule: StableRule
) -> dict[str, Counter[str]]:
    refs = {
        r.id: (r, b)
        for r, b in s.execute(
            select(Referral, Participant.benefit_group)
            .join(Participant, Participant.id == Referral.participant_id)
            .where(Referral.referred_on >= start, Referral.referred_on <= end,
                   Referral.unit_id.in_(_own_units(s)))
        ).all()
    }
    rows: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for a in s.scalars(select(Attendance).where(Attendance.referral_id.in_(list(refs)))):
        if closed_reason(a.day, {}) is None:
            rows[a.referral_id].append((a.day, a.status == "present"))
    labels = code_labels(s, "benefit_group")
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, (ref, benefit) in refs.items():
        g = labels[benefit]
        out[g]["referred"] += 1
        out[g]["ended"] += ref.ended_on is not None
        rs = sorted(rows.get(rid, []))
        if not rs:
            continue
        out[g]["first_day"] += rs[0][1]
        out[g]["ever"] += any(p for _, p in rs)
        stable = False
        for d0, p0 in rs:
            if not p0 or d0 + timedelta(days=7 * rule.weeks - 1) > rs[-1][0]:
                continue
            window = [p for d, p in rs if d0 <= d < d0 + timedelta(days=7 * rule.weeks)]
            if len(window) >= rule.min_days and sum(window) >= rule.share * len(window):
                stable = True
        out[g]["stable"] += stable
    return out


@pytest.mark.parametrize("rule", [StableRule(), StableRule(0.6, 2, 5)])
def test_funnel_matches_the_raw_rows(demo_engine: Engine, rule: StableRule) -> None:
    start, end = date(2025, 1, 1), date(2026, 6, 30)
    with session_scope(demo_engine) as s:
        funnel = referral_funnel(
            s,
            manager(),
            unit_id=None,
            dimension="benefit_group",
            referred_from=start,
            referred_to=end,
            rule=rule,
        )
        raw = _brute_force_funnel(s, start, end, rule)
    table = funnel.table.set_index("group")
    for group, counts in raw.items():
        for step in ("referred", "first_day", "ever", "stable", "ended"):
            assert table.loc[group, step] == counts[step], (group, step)
    assert table.loc["I alt", "referred"] == sum(c["referred"] for c in raw.values())
    # The seeds' figure: about half of those referred ever show up (report ch. 2).
    assert 0.4 < table.loc["I alt", "ever_share"] < 0.6
    assert funnel.exits.to_numpy().sum() == table.loc["I alt", "ended"]


def test_referrals_not_yet_due_are_left_out_of_the_funnel(demo_engine: Engine) -> None:
    on = date(2026, 11, 20)
    with session_scope(demo_engine) as s:
        funnel = referral_funnel(
            s,
            manager(),
            unit_id=None,
            dimension="unit",
            referred_from=on - timedelta(days=60),
            referred_to=on,
            rule=StableRule(),
            as_of=on,
        )
        due = s.scalars(
            select(Referral).where(
                Referral.referred_on >= on - timedelta(days=60), Referral.referred_on <= on,
                Referral.unit_id.in_(_own_units(s)),
            )
        ).all()
    not_due = sum(r.expected_start > on for r in due)
    assert funnel.waiting == not_due > 0
    assert funnel.table.set_index("group").loc["I alt", "referred"] == len(due) - not_due


def test_capacity_matches_the_raw_rows(demo_engine: Engine) -> None:
    on = date(2026, 11, 20)
    with session_scope(demo_engine) as s:
        cap = capacity_dashboard(s, manager(), None, on, on - timedelta(days=400), 8)
        own = _own_units(s)
        refs = s.scalars(select(Referral).where(Referral.unit_id.in_(own))).all()
        present = s.scalars(
            select(Attendance).where(Attendance.day == on, Attendance.status == "present",
                                     Attendance.unit_id.in_(own))
        ).all()
    enrolled = Counter(r.unit_id for r in refs if r.is_active_on(on))
    waiting = Counter(
        r.unit_id
        for r in refs
        if r.expected_start > on and r.referred_on <= on and r.ended_on is None
    )
    assert [u.enrolled for u in cap.units] == [enrolled[1], enrolled[2]]
    assert [u.waiting for u in cap.units] == [waiting[1], waiting[2]]
    assert [u.present for u in cap.units] == [
        sum(a.unit_id == 1 for a in present),
        sum(a.unit_id == 2 for a in present),
    ]
    assert cap.daily.iloc[-1]["enrolled"] == enrolled[1] + enrolled[2]
    last = cap.team_daily[cap.team_daily["day"] == pd_timestamp(on)].set_index("team")
    with session_scope(demo_engine) as s:
        team_names = dict(s.execute(select(Team.id, Team.name)).all())
    by_team = Counter(team_names[r.team_id] for r in refs if r.is_active_on(on)
                      and r.team_id is not None)
    assert last["enrolled"].to_dict() == dict(by_team)
    assert last["present"].sum() == len(present)
    assert cap.units[1].per_staff == pytest.approx(enrolled[2] / 4)
    assert cap.forecast is not None and cap.backtest is not None
    f = cap.forecast.frame
    assert (
        len(f) == 2 * 8
        and (f["low"] <= f["predicted"]).all()
        and (f["predicted"] <= f["high"]).all()
    )


def test_a_saved_roll_shows_the_same_in_every_dashboard(session: Session) -> None:
    sheet = read_roll(session, manager(), CITY, DAY)
    entries = all_present(sheet)
    for i in (0, 3, 7):
        entries[i] = RollEntry(entries[i].referral_id, ABSENT, None, "unexcused")
    save_roll(session, manager(), CITY, DAY, entries, today=DAY)
    n, absent = len(entries), 3

    dash = attendance_dashboard(session, manager(), CITY, DAY, DAY)
    assert (dash.totals.expected_days, dash.totals.present_days) == (n, n - absent)
    cap = capacity_dashboard(session, manager(), CITY, DAY, DAY - timedelta(days=60), 8)
    assert cap.last_roll_day == DAY and cap.units[0].present == n - absent
    assert sum(t.present or 0 for t in cap.teams) == n - absent
    notices = absence_notices(session, manager(), unit_id=CITY, start=DAY, end=DAY)
    assert len(notices) == absent
    funnel = referral_funnel(
        session,
        manager(),
        unit_id=CITY,
        dimension="unit",
        referred_from=date(2020, 1, 1),
        referred_to=DAY,
        rule=StableRule(),
    )
    per = funnel.per_referral.set_index("referral_id")
    came = {e.referral_id for e in entries if e.status == "present"}
    assert per.loc[list(came), "ever"].all()  # everyone who came today has come at least once


def test_a_new_unit_without_any_history_gives_empty_figures_not_errors(session: Session) -> None:
    from nytte.attendance.at_risk import at_risk_list
    from nytte.models import Unit

    unit = Unit(municipality_code="0253", name="Ny enhed", places=10, staff_count=1)
    session.add(unit)
    session.flush()
    session.add(Team(unit_id=unit.id, name="Nyt hold", places=10))
    session.flush()
    dash = attendance_dashboard(session, manager(), unit.id, DAY - timedelta(days=90), DAY)
    assert dash.totals.expected_days == 0 and dash.totals.attendance_rate is None
    funnel = referral_funnel(
        session,
        manager(),
        unit_id=unit.id,
        dimension="team",
        referred_from=DAY - timedelta(days=90),
        referred_to=DAY,
        rule=StableRule(),
    )
    assert funnel.table.set_index("group").loc["I alt", "referred"] == 0
    cap = capacity_dashboard(session, manager(), unit.id, DAY, DAY - timedelta(days=400), 8)
    assert cap.units[0].enrolled == 0 and cap.forecast is None
    assert at_risk_list(session, manager(), unit.id, DAY, DAY - timedelta(days=400)).frame.empty
    assert absence_notices(session, manager(), unit_id=unit.id, start=DAY, end=DAY).empty
    assert read_roll(session, manager(), unit.id, DAY).lines == []


def test_the_council_never_gets_person_level_attendance(demo_engine: Engine) -> None:
    from nytte.attendance.data import scope_units
    from nytte.core.auth import AccessDenied, Role, demo_principal

    council = demo_principal(Role.RAAD, "0253", (), "1085")
    with session_scope(demo_engine) as s, pytest.raises(AccessDenied):
        scope_units(s, council)
    with session_scope(demo_engine) as s, pytest.raises(AccessDenied):
        attendance_dashboard(s, council, None, START, END)
    coordinator_one = demo_principal(Role.KOORDINATOR, "0253", (1,), "1085")
    with session_scope(demo_engine) as s, pytest.raises(AccessDenied):
        absence_notices(s, coordinator_one, unit_id=2, start=START, end=END)

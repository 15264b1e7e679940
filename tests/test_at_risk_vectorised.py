"""The at-risk features are computed for all referrals and as-of days at once; they
equal the first Python loop's (bench/at_risk_loop.py), value for value, on the demo
data and on the corner cases the loop handled one by one."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from bench.at_risk_loop import reference_build_samples
from nytte.attendance import at_risk
from nytte.attendance.data import attendance_frame, referral_frame
from nytte.core.db import session_scope


def test_vectorised_features_equal_the_loop_on_the_demo_data(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        att = attendance_frame(s, [1, 2], date(2024, 6, 1), date(2026, 11, 20))
        refs = referral_frame(s, [1, 2])
    mondays = at_risk.mondays(date(2024, 6, 1), date(2026, 11, 6))
    for days, with_label in ((mondays, True), ([date(2026, 11, 23)], False)):
        old = reference_build_samples(att, refs, days, with_label=with_label)
        new = at_risk.build_samples(att, refs, days, with_label=with_label)
        assert len(new) > 20
        pd.testing.assert_frame_equal(old, new, check_exact=True)
    # Every feature varies: a column of zeros would pass the comparison too easily.
    assert all(new[f].nunique() > 1 for f in at_risk.FEATURES if f != "unexcused_last10")


def _rows(referral_id: int, start: date, present: list[bool]) -> pd.DataFrame:
    days = [start + timedelta(days=i) for i in range(len(present) * 2)]
    days = [d for d in days if d.weekday() < 5][: len(present)]
    return pd.DataFrame({
        "day": pd.to_datetime(days),
        "referral_id": referral_id,
        "present": present,
        "expected_hours": 6.0,
        "hours": [5.0 if (p and i % 4 == 0) else (6.0 if p else 0.0)
                  for i, p in enumerate(present)],
        "reason_code": [None if p else ("unexcused" if i % 2 else "sick_reported")
                        for i, p in enumerate(present)],
    })


def test_vectorised_features_equal_the_loop_in_corner_cases() -> None:
    rng = np.random.default_rng(7)
    start = date(2025, 1, 6)
    att = pd.concat([
        _rows(1, start, list(rng.random(120) < 0.7)),  # a long history
        _rows(2, start, [False] * 30),  # never came: no samples
        _rows(3, start, [True] * 4 + [False] * 40),  # came, then stayed away (a streak)
        _rows(4, start + timedelta(days=70), list(rng.random(15) < 0.5)),  # 11-19 rows
        _rows(5, start, list(rng.random(80) < 0.9)),  # not among the referrals
        _rows(6, start, list(rng.random(80) < 0.6)),  # ended part way
    ], ignore_index=True)
    refs = pd.DataFrame({
        "referral_id": [1, 2, 3, 4, 6],
        "expected_start": pd.to_datetime([start - timedelta(days=14), start, start,
                                          start + timedelta(days=70), start]),
        "ended_on": pd.to_datetime([None, None, None, None, start + timedelta(days=60)]),
    })
    days = at_risk.mondays(start, start + timedelta(days=200))
    for with_label in (True, False):
        old = reference_build_samples(att.sample(frac=1, random_state=1), refs, days,
                                      with_label=with_label)
        new = at_risk.build_samples(att.sample(frac=1, random_state=1), refs, days,
                                    with_label=with_label)
        pd.testing.assert_frame_equal(old, new, check_exact=True)
        assert set(new["referral_id"]) == {1, 3, 4, 5, 6}
        ended = new[new["referral_id"] == 6]["as_of"]
        assert ended.max() <= pd.Timestamp(start + timedelta(days=60))
        assert new[new["referral_id"] == 3]["absent_streak"].max() > 20

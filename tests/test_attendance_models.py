"""The at-risk model and the capacity forecast: no look-ahead, honest evaluation,
and the reasons shown for each person on the list."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from nytte.attendance import at_risk
from nytte.attendance.data import attendance_frame, referral_frame
from nytte.attendance.forecast import _Design, _fit, _predict, backtest, forecast
from nytte.core.db import session_scope
from tests.attendance_fixtures import manager


def _demo_frames(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    with session_scope(engine) as s:
        return (
            attendance_frame(s, [1, 2], date(2024, 6, 1), date(2026, 11, 20)),
            referral_frame(s, [1, 2]),
        )


def test_features_use_only_the_history_before_the_as_of_day(demo_sqlite: Engine) -> None:
    att, refs = _demo_frames(demo_sqlite)
    as_of = date(2026, 3, 2)
    before = at_risk.build_samples(att, refs, [as_of])
    changed = att.copy()
    future = changed["day"] >= pd.Timestamp(as_of)
    changed.loc[future, "present"] = ~changed.loc[future, "present"]
    after = at_risk.build_samples(changed, refs, [as_of])
    cols = list(at_risk.FEATURES)
    assert len(before) > 10
    pd.testing.assert_frame_equal(before[cols], after[cols])
    assert (before["label"] != after["label"]).any()  # the label is the future


def test_time_ordered_holdout_evaluation(demo_sqlite: Engine) -> None:
    att, refs = _demo_frames(demo_sqlite)
    ev = at_risk.evaluate(att, refs, date(2024, 6, 1), date(2026, 11, 20))
    assert ev.train_n > 1000 and ev.test_n > 200
    assert ev.auc > 0.75  # it ranks better than chance by a margin on the demo data
    assert ev.brier < ev.brier_baseline
    assert int(ev.calibration["n"].sum()) == ev.test_n
    assert ev.coefficients["rate_last10"] < 0  # more attendance, less risk


def test_the_at_risk_list_explains_itself(demo_sqlite: Engine) -> None:
    with session_scope(demo_sqlite) as s:
        result = at_risk.at_risk_list(s, manager(), None, date(2026, 11, 23), date(2024, 11, 20))
    f = result.frame
    assert result.trained_on > 500 and len(f) > 5
    assert list(f["probability"]) == sorted(f["probability"], reverse=True)
    assert all(len(r) >= 1 for r in f["reasons"].head(5))
    top = f.iloc[0]
    assert any(f"{round(top['rate_last10'] * 100)}" in r for r in top["reasons"])


def _weekly(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2023-01-02", periods=n, freq="7D")
    level = 40 + np.cumsum(rng.normal(0, 1.5, n)) * 0.5 + 5 * np.sin(np.arange(n) / 52 * 2 * np.pi)
    return pd.DataFrame({"week": weeks, "enrolled": level, "present": level * 0.5})


def test_forecast_at_an_origin_does_not_see_the_weeks_after_it() -> None:
    w = _weekly(120)
    origin, h = 90, 5
    y = w["enrolled"].to_numpy()
    y2 = y.copy()
    y2[origin + 1 :] += 100  # a very different future
    d1, d2 = _Design(y, w["week"], 12), _Design(y2, w["week"], 12)
    p1 = _predict(_fit(d1, origin, h), d1, origin, h)
    p2 = _predict(_fit(d2, origin, h), d2, origin, h)
    assert p1 == p2


def test_backtest_reports_model_and_naive_errors_and_the_forecast_interval() -> None:
    w = _weekly(150)
    bt = backtest(w, 10)
    assert bt.origins > 40
    assert all(len(bt.mae[t]) == 10 and len(bt.naive_mae[t]) == 10 for t in ("enrolled", "present"))
    assert all(np.isfinite(bt.mae["enrolled"]))
    fc = forecast(w, 10, bt).frame
    assert len(fc) == 20
    assert (fc["low"] <= fc["predicted"]).all() and (fc["predicted"] <= fc["high"]).all()
    assert fc["week"].min() == w["week"].iloc[-1] + timedelta(weeks=1)

"""The at-risk features as they were first written: a Python loop per referral per
as-of day. A measuring stick, not a service: the vectorised
nytte.attendance.at_risk.build_samples is checked against it
(tests/test_at_risk_vectorised.py) and timed against it (`python -m bench at-risk`)."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd

from nytte.attendance.at_risk import FEATURES, LABEL_DAYS, LABEL_MIN_ROWS, MIN_HISTORY


def _reference_features_at(
    days: np.ndarray,
    present: np.ndarray,
    unexcused: np.ndarray,
    partial: np.ndarray,
    weekday: np.ndarray,
    start: np.datetime64,
    as_of: np.datetime64,
) -> dict[str, float] | None:
    """Features from rows before ``as_of`` (None if too little history)."""
    k = int(np.searchsorted(days, as_of))
    if k < MIN_HISTORY or not present[:k].any():
        return None
    p = present[:k]
    last = p[-10:]
    prev = p[-20:-10] if k > 10 else last
    streak = len(p) - 1 - int(np.flatnonzero(p)[-1])
    absent = ~p
    gap = 0.0
    if absent.any():
        wd = weekday[:k]
        overall = absent.mean()
        for d in range(5):
            sel = wd == d
            if sel.sum() >= 3:
                gap = max(gap, float(absent[sel].mean() - overall))
    return {
        "rate_last10": float(last.mean()),
        "trend": float(last.mean() - prev.mean()),
        "unexcused_last10": float(unexcused[:k][-10:].sum()),
        "absent_streak": float(streak),
        "weekday_gap": gap,
        "weeks_since_start": float((as_of - start).astype(int)) / 7.0,
        "partial_share": float(partial[:k][-20:].mean()),
    }


def reference_build_samples(
    att: pd.DataFrame,
    refs: pd.DataFrame,
    as_of_days: list[date],
    *,
    with_label: bool = True,
) -> pd.DataFrame:
    """One row per (referral, as-of day) with features and, if asked, the label."""
    if att.empty:
        return pd.DataFrame(columns=["referral_id", "as_of", *FEATURES, "label"])
    att = att.sort_values(["referral_id", "day"])
    starts = dict(
        zip(
            refs["referral_id"],
            refs["expected_start"].to_numpy().astype("datetime64[D]"),
            strict=True,
        )
    )
    ends = dict(zip(refs["referral_id"], refs["ended_on"], strict=True))
    as_of_arr = np.array(as_of_days, dtype="datetime64[D]")
    out: list[dict[str, object]] = []
    rid_all = att["referral_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, rid_all[1:] != rid_all[:-1], True])
    day_all = att["day"].to_numpy().astype("datetime64[D]")
    pres_all = att["present"].to_numpy()
    unex_all = (att["reason_code"] == "unexcused").to_numpy(dtype=bool)
    part_all = pres_all & (att["hours"].to_numpy() < att["expected_hours"].to_numpy() - 1e-9)
    wd_all = att["day"].dt.day_of_week.to_numpy()
    for a, b in itertools.pairwise(bounds):
        rid = int(rid_all[a])
        days = day_all[a:b]
        start = starts.get(rid, days[0])
        end = ends.get(rid)
        end64 = np.datetime64(end.date()) if isinstance(end, pd.Timestamp) else None
        cands = as_of_arr[as_of_arr > days[0]]
        if with_label:  # an outcome needs rows after the as-of day
            cands = cands[cands <= days[-1]]
        for as_of in cands:
            if end64 is not None and end64 < as_of:
                continue
            f = _reference_features_at(
                days, pres_all[a:b], unex_all[a:b], part_all[a:b], wd_all[a:b], start, as_of
            )
            if f is None:
                continue
            row: dict[str, object] = {"referral_id": rid, "as_of": as_of, **f}
            if with_label:
                lo = int(np.searchsorted(days, as_of))
                hi = int(np.searchsorted(days, as_of + LABEL_DAYS))
                if hi - lo < LABEL_MIN_ROWS:
                    continue
                row["label"] = float(pres_all[a:b][lo:hi].mean() < 0.5)
            out.append(row)
    return pd.DataFrame(out)

"""The at-risk list: participants whose attendance is slipping, ranked by a model.

A logistic regression (scikit-learn) on attendance history only: recent attendance,
unexcused absences, the trend, a weekday pattern and time since start. The label
is "came on fewer than half of the expected days in the next two weeks". A linear
model is chosen so every person's place on the list can be explained by the facts
that put them there (the largest contributions), in words a team leader can check.

The list advises; it decides nothing about anyone (GDPR art. 22). Only participants
who have come at least once are scored: those who never came are in the funnel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy.orm import Session

from nytte.attendance.data import attendance_frame, referral_frame, scope_units, team_frame
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.auth import Principal
from nytte.core.formats import fmt_pct

FEATURES = (
    "rate_last10",
    "trend",
    "unexcused_last10",
    "absent_streak",
    "weekday_gap",
    "weeks_since_start",
    "partial_share",
)
FEATURE_LABELS = {
    "rate_last10": "Fremmøde de seneste 10 forventede dage",
    "trend": "Udvikling mod de 10 dage før",
    "unexcused_last10": "Udeblivelser uden grund de seneste 10 dage",
    "absent_streak": "Fraværsdage i træk",
    "weekday_gap": "Fravær samlet på én ugedag",
    "weeks_since_start": "Uger siden start",
    "partial_share": "Dage med færre timer end skemaet",
}
LABEL_DAYS = 14  # the next two weeks
LABEL_MIN_ROWS = 3
MIN_HISTORY = 5
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")


def _window_sum(cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sums over rows [lo, hi) from a cumulative sum with a leading zero."""
    return np.asarray(cum[hi] - cum[lo], dtype=float)


def _cumsum0(values: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(values, dtype=np.int64)))


def build_samples(
    att: pd.DataFrame,
    refs: pd.DataFrame,
    as_of_days: list[date],
    *,
    with_label: bool = True,
) -> pd.DataFrame:
    """One row per (referral, as-of day) with features and, if asked, the label.

    Each feature uses only the referral's rows before the as-of day: the last 10
    expected days (rate, unexcused absences), the 10 before them (trend), the last 20
    (partial days), the days since the last attendance (streak), absence by weekday
    against absence overall, and the weeks since the expected start. No history of at
    least MIN_HISTORY rows with one attendance, no sample. The label: attended on
    fewer than half of at least LABEL_MIN_ROWS expected days in the LABEL_DAYS from
    the as-of day.

    Computed for all pairs at once from cumulative sums over the rows sorted by
    referral and day: a window's sum is the difference of two cumulative sums, and a
    referral's row count before a day is one binary search over (referral, day) keys."""
    columns = ["referral_id", "as_of", *FEATURES, *(["label"] if with_label else [])]
    if att.empty or not as_of_days:
        return pd.DataFrame(columns=columns)
    att = att.sort_values(["referral_id", "day"])
    rid_all = att["referral_id"].to_numpy()
    day_all = att["day"].to_numpy().astype("datetime64[D]")
    pres_all = att["present"].to_numpy(dtype=bool)
    unex_all = (att["reason_code"] == "unexcused").to_numpy(dtype=bool)
    part_all = pres_all & (att["hours"].to_numpy() < att["expected_hours"].to_numpy() - 1e-9)
    wd_all = att["day"].dt.day_of_week.to_numpy()
    n_rows = len(att)

    # Groups: one per referral, rows [first, last).
    bounds = np.flatnonzero(np.r_[True, rid_all[1:] != rid_all[:-1], True])
    first, last = bounds[:-1], bounds[1:]
    group_rid = rid_all[first]
    n_groups = len(first)
    # A sortable key per row: (group, day). Days are small integers (days since 1970).
    day_int = day_all.astype(np.int64)
    span = int(day_int.max() - day_int.min()) + 2 * LABEL_DAYS + 400_000
    base = int(day_int.min())
    group_of_row = np.repeat(np.arange(n_groups), last - first)
    keys = group_of_row * span + (day_int - base)

    # Candidate pairs, referral by referral and in the given order of as-of days.
    as_of_arr = np.array(as_of_days, dtype="datetime64[D]")
    g = np.repeat(np.arange(n_groups), len(as_of_arr))
    as_of = np.tile(as_of_arr, n_groups)
    as_int = as_of.astype(np.int64)
    keep = as_of > day_all[first][g]
    if with_label:  # an outcome needs rows after the as-of day
        keep &= as_of <= day_all[last - 1][g]
    ends = pd.Series(refs["ended_on"].to_numpy().astype("datetime64[D]"),
                     index=refs["referral_id"].to_numpy())
    ends = ends[~ends.index.duplicated(keep="last")]
    end_of_group = ends.reindex(group_rid).to_numpy().astype("datetime64[D]")
    keep &= ~(end_of_group[g] < as_of)  # NaT (no end) never compares less
    g, as_of, as_int = g[keep], as_of[keep], as_int[keep]

    # k: the referral's rows before the as-of day, as a global row index.
    lo_row = first[g]
    cut = np.searchsorted(keys, g * span + (as_int - base), side="left")
    k = cut - lo_row
    last_present = np.maximum.accumulate(np.where(pres_all, np.arange(n_rows), -1))
    prev_present = last_present[np.maximum(cut - 1, 0)]
    keep = (k >= MIN_HISTORY) & (prev_present >= lo_row)
    g, as_of, as_int, lo_row, cut, k, prev_present = (
        v[keep] for v in (g, as_of, as_int, lo_row, cut, k, prev_present))

    label = None
    if with_label:
        hi = np.searchsorted(keys, g * span + (as_int + LABEL_DAYS - base), side="left")
        keep = hi - cut >= LABEL_MIN_ROWS
        g, as_of, lo_row, cut, k, prev_present, hi = (
            v[keep] for v in (g, as_of, lo_row, cut, k, prev_present, hi))
        c_pres = _cumsum0(pres_all)
        label = ((_window_sum(c_pres, cut, hi) / (hi - cut)) < 0.5).astype(float)

    c_pres = _cumsum0(pres_all)
    last10 = np.maximum(lo_row, cut - 10)
    rate_last10 = _window_sum(c_pres, last10, cut) / (cut - last10)
    # The 10 days before them; with 10 days or fewer, the same 10 (no trend).
    prev_lo = np.where(k > 10, np.maximum(lo_row, cut - 20), last10)
    prev_hi = np.where(k > 10, cut - 10, cut)
    trend = rate_last10 - _window_sum(c_pres, prev_lo, prev_hi) / (prev_hi - prev_lo)
    unexcused = _window_sum(_cumsum0(unex_all), last10, cut)
    streak = (cut - 1 - prev_present).astype(float)
    last20 = np.maximum(lo_row, cut - 20)
    partial = _window_sum(_cumsum0(part_all), last20, cut) / (cut - last20)
    # Absence gathered on one weekday: the largest excess of a weekday's absence share
    # over the overall share, among weekdays with at least 3 rows (0 if none).
    absent = ~pres_all
    overall = _window_sum(_cumsum0(absent), lo_row, cut) / k
    gap = np.zeros(len(g))
    for d in range(5):
        on_day = wd_all == d
        n_day = _window_sum(_cumsum0(on_day), lo_row, cut)
        gap_d = _window_sum(_cumsum0(on_day & absent), lo_row, cut) / np.maximum(n_day, 1)
        gap = np.where(n_day >= 3, np.maximum(gap, gap_d - overall), gap)
    starts = pd.Series(refs["expected_start"].to_numpy().astype("datetime64[D]"),
                       index=refs["referral_id"].to_numpy())
    starts = starts[~starts.index.duplicated(keep="last")]
    start = starts.reindex(group_rid).to_numpy().astype("datetime64[D]")
    missing = ~np.isin(group_rid, refs["referral_id"].to_numpy())
    start[missing] = day_all[first][missing]
    weeks = (as_of - start[g]).astype(np.int64).astype(float) / 7.0

    out = pd.DataFrame({
        "referral_id": group_rid[g].astype(int),
        "as_of": as_of,
        "rate_last10": rate_last10,
        "trend": trend,
        "unexcused_last10": unexcused,
        "absent_streak": streak,
        "weekday_gap": gap,
        "weeks_since_start": weeks,
        "partial_share": partial,
    })
    if label is not None:
        out["label"] = label
    return out


def mondays(start: date, end: date) -> list[date]:
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    return [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def train(samples: pd.DataFrame) -> Pipeline:
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    model.fit(samples[list(FEATURES)].to_numpy(), samples["label"].to_numpy().astype(int))
    return model


def contributions(model: Pipeline, x: np.ndarray) -> np.ndarray:
    """Each feature's push on the log-odds, against the average participant."""
    scaler: StandardScaler = model.named_steps["standardscaler"]
    lr: LogisticRegression = model.named_steps["logisticregression"]
    z = (x - scaler.mean_) / scaler.scale_
    return np.asarray(z * lr.coef_[0])


def explain(name: str, value: float, row: pd.Series) -> str:
    """A fact a team leader can check, in Danish."""
    if name == "rate_last10":
        return f"Mødt {fmt_pct(value)} af de seneste 10 forventede dage"
    if name == "trend":
        before = row["rate_last10"] - value
        return f"Faldende: {fmt_pct(row['rate_last10'])} mod {fmt_pct(before)} de 10 dage før"
    if name == "unexcused_last10":
        return f"{int(value)} udeblivelse(r) uden rimelig grund de seneste 10 dage"
    if name == "absent_streak":
        return f"Fraværende de seneste {int(value)} forventede dage i træk"
    if name == "weekday_gap":
        return "Fraværet samler sig på én ugedag"
    if name == "weeks_since_start":
        return f"Uge {int(value) + 1} i forløbet"
    if name == "partial_share":
        return f"Færre timer end skemaet på {fmt_pct(value)} af de seneste 20 dage"
    return name


@dataclass(frozen=True)
class AtRiskList:
    as_of: date
    trained_on: int  # samples
    frame: pd.DataFrame  # case_ref, name, team, probability, reasons, features


@requires(*PERSON_LEVEL)
def at_risk_list(
    session: Session,
    principal: Principal,
    unit_id: int | None,
    as_of: date,
    history_start: date,
    top: int = 25,
) -> AtRiskList:
    """Active participants ranked by the model's risk, with the facts behind each."""
    units = scope_units(session, principal, unit_id)
    # The features use no participant groups: those columns are not read.
    att = attendance_frame(
        session, units or [-1], history_start, as_of - timedelta(days=1), groups=False
    )
    refs = referral_frame(session, units or [-1])
    # Train on weeks whose two-week outcome is known before as_of.
    train_days = [d for d in mondays(history_start, as_of) if d + timedelta(LABEL_DAYS) <= as_of]
    samples = build_samples(att, refs, train_days)
    if samples.empty or samples["label"].nunique() < 2:
        return AtRiskList(as_of, 0, pd.DataFrame())
    model = train(samples)
    active = refs[
        (refs["expected_start"] <= pd.Timestamp(as_of))
        & (refs["ended_on"].isna() | (refs["ended_on"] >= pd.Timestamp(as_of)))
    ]
    now = build_samples(
        att[att["referral_id"].isin(active["referral_id"])], active, [as_of], with_label=False
    )
    if now.empty:
        return AtRiskList(as_of, len(samples), pd.DataFrame())
    x = now[list(FEATURES)].to_numpy()
    now["probability"] = model.predict_proba(x)[:, 1]
    contrib = contributions(model, x)
    reasons = []
    for i, (_, row) in enumerate(now.iterrows()):
        order = np.argsort(-contrib[i])
        facts = [
            explain(FEATURES[j], float(row[FEATURES[j]]), row)
            for j in order[:3]
            if contrib[i][j] > 0.1
        ]
        reasons.append(facts)
    now["reasons"] = reasons
    teams = team_frame(session, units or [-1])
    names = dict(zip(teams["team_id"], teams["team"], strict=True))
    now = now.merge(active[["referral_id", "case_ref", "name", "team_id"]], on="referral_id")
    now["team"] = now["team_id"].map(lambda t: names.get(t, ""))
    now = now.sort_values("probability", ascending=False).head(top).reset_index(drop=True)
    return AtRiskList(as_of, len(samples), now)


# --- evaluation -------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    cutoff: date
    train_n: int
    test_n: int
    train_positive: float
    test_positive: float
    auc: float
    auc_baseline: float  # ranking by the last-10-days rate alone
    brier: float
    brier_baseline: float  # always predicting the training base rate
    calibration: pd.DataFrame  # bin, n, mean_predicted, observed
    coefficients: dict[str, float]
    top_decile_precision: float
    false_negatives: pd.DataFrame  # summary of missed cases
    false_positives: pd.DataFrame
    missed_share_with_high_rate: float


def evaluate(
    att: pd.DataFrame, refs: pd.DataFrame, start: date, end: date, holdout_days: int = 182
) -> Evaluation:
    """Time-ordered hold-out: train on as-of weeks whose outcome ends before the
    cutoff, test on as-of weeks from the cutoff on (the last ``holdout_days``)."""
    cutoff = end - timedelta(days=holdout_days)
    days = mondays(start, end - timedelta(days=LABEL_DAYS))
    samples = build_samples(att, refs, days)
    samples["as_of"] = pd.to_datetime(samples["as_of"])
    tr = samples[samples["as_of"] + pd.Timedelta(days=LABEL_DAYS) <= pd.Timestamp(cutoff)]
    te = samples[samples["as_of"] >= pd.Timestamp(cutoff)]
    model = train(tr)
    p = model.predict_proba(te[list(FEATURES)].to_numpy())[:, 1]
    y = te["label"].to_numpy().astype(int)
    bins = np.minimum((p * 10).astype(int), 9)
    cal = (
        pd.DataFrame({"bin": bins, "p": p, "y": y})
        .groupby("bin")
        .agg(n=("y", "size"), mean_predicted=("p", "mean"), observed=("y", "mean"))
        .reset_index()
    )
    threshold = float(np.quantile(p, 0.9))
    top = p >= threshold
    pred = p >= 0.5
    te = te.assign(p=p)
    fn = te[(y == 1) & ~pred]
    fp = te[(y == 0) & pred]
    lr: LogisticRegression = model.named_steps["logisticregression"]
    cols = list(FEATURES)
    return Evaluation(
        cutoff=cutoff,
        train_n=len(tr),
        test_n=len(te),
        train_positive=float(tr["label"].mean()),
        test_positive=float(y.mean()),
        auc=float(roc_auc_score(y, p)),
        auc_baseline=float(roc_auc_score(y, 1 - te["rate_last10"].to_numpy())),
        brier=float(brier_score_loss(y, p)),
        brier_baseline=float(brier_score_loss(y, np.full(len(y), tr["label"].mean()))),
        calibration=cal,
        coefficients=dict(zip(cols, (float(c) for c in lr.coef_[0]), strict=True)),
        top_decile_precision=float(y[top].mean()) if top.any() else float("nan"),
        false_negatives=fn[[*cols, "p"]].describe().loc[["count", "mean", "50%"]],
        false_positives=fp[[*cols, "p"]].describe().loc[["count", "mean", "50%"]],
        missed_share_with_high_rate=float((fn["rate_last10"] >= 0.8).mean()) if len(fn) else 0.0,
    )

"""Forecast of weekly enrolled and present, with an interval from a backtest.

Direct multi-horizon: for each horizon h (weeks ahead) a ridge regression predicts
the change from this week's level from the level against its 52-week mean (enrolment
drifts back towards the unit's usual level) and the season (week of year) of the
target week. Recent week-on-week changes and the 8-week mean were tried as well and
made the backtest worse than the naive forecast (they fit noise), so they are out.

The interval is the 10 % and 90 % quantiles of the backtest errors at the same
horizon, so it is as wide as the model has actually been wrong. The backtest uses,
at every origin, a model fitted on data before that origin only (refitted every
four weeks; no look-ahead) and is compared with the naive forecast (this week's
level carries on)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

TARGETS = ("enrolled", "present")
TARGET_LABELS = {"enrolled": "Indskrevne", "present": "Mødt"}
LAGS = 4  # first usable origin
MIN_TRAIN = 26
ALPHA = 1.0
REFIT_EVERY = 4  # backtest: refit every 4 weeks, as one would in use


@dataclass(frozen=True)
class Backtest:
    horizon: int
    origins: int
    mae: dict[str, list[float]]  # target -> MAE per horizon (1..H)
    naive_mae: dict[str, list[float]]
    q10: dict[str, list[float]]  # error quantiles per horizon (actual - predicted)
    q90: dict[str, list[float]]
    coverage: dict[str, float]  # share of actuals inside the 80 % interval (in-sample)

    def summary(self) -> pd.DataFrame:
        rows = []
        for t in TARGETS:
            for h in range(self.horizon):
                rows.append(
                    {
                        "target": t,
                        "horizon": h + 1,
                        "mae": self.mae[t][h],
                        "naive_mae": self.naive_mae[t][h],
                    }
                )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Forecast:
    frame: pd.DataFrame  # week, target, predicted, low, high


class _Design:
    """Feature rows for every origin t and horizon h, computed once per series.

    Row for (t, h): the level at t against its 52-week mean, and the season (week of
    year) of week t + h."""

    def __init__(self, y: np.ndarray, weeks: pd.Series, horizon: int) -> None:
        n = len(y)
        self.y = y
        idx = np.arange(n)
        csum = np.r_[0.0, np.cumsum(y)]
        lo52 = np.maximum(idx - 51, 0)
        mean52 = (csum[idx + 1] - csum[lo52]) / (idx + 1 - lo52)
        self.base = (y - mean52)[:, None]
        first = pd.Timestamp(weeks.iloc[0])
        all_weeks = pd.date_range(first, periods=n + horizon, freq="7D")
        woy = all_weeks.isocalendar().week.to_numpy(dtype=float)
        angle = 2 * np.pi * woy / 52.18
        self.season = np.column_stack([np.sin(angle), np.cos(angle)])

    def rows(self, ts: np.ndarray, h: int) -> np.ndarray:
        return np.hstack([self.base[ts], self.season[ts + h]])


@dataclass(frozen=True)
class _Ridge:
    coef: np.ndarray
    intercept: float


def _ridge(x: np.ndarray, y: np.ndarray) -> _Ridge:
    """Ridge regression with an intercept, computed as scikit-learn's Ridge(alpha=ALPHA)
    computes it for a dense design with fewer features than rows (centre, Cholesky
    solve of the normal equations): the same coefficients, without the per-call input
    validation that made hundreds of small fits take seconds."""
    x_offset = x.mean(axis=0)
    y_offset = y.mean(axis=0)
    xc = x - x_offset
    yc = (y - y_offset).reshape(-1, 1)
    a = xc.T @ xc
    a.flat[:: a.shape[0] + 1] += ALPHA
    coef = linalg.solve(a, xc.T @ yc, assume_a="pos", overwrite_a=True).T.ravel()
    return _Ridge(coef, float(y_offset - x_offset @ coef))


def _fit(d: _Design, last: int, h: int) -> _Ridge | None:
    """Fit the horizon-h model on origins whose target week is at most ``last``."""
    ts = np.arange(LAGS, last - h + 1)
    if len(ts) < MIN_TRAIN:
        return None
    return _ridge(d.rows(ts, h), d.y[ts + h] - d.y[ts])


def _predict(model: _Ridge | None, d: _Design, t: int, h: int) -> float:
    if model is None:
        return float(d.y[t])
    return float(d.y[t] + (d.rows(np.array([t]), h) @ model.coef + model.intercept)[0])


def backtest(weekly: pd.DataFrame, horizon: int = 10, origins: int = 52) -> Backtest:
    """Rolling-origin backtest over the last ``origins`` possible origins."""
    weeks = weekly["week"]
    n = len(weekly)
    first = max(LAGS + MIN_TRAIN + horizon, n - horizon - origins)
    origin_idx = list(range(first, n - 1))
    mae: dict[str, list[float]] = {}
    naive: dict[str, list[float]] = {}
    q10: dict[str, list[float]] = {}
    q90: dict[str, list[float]] = {}
    coverage: dict[str, float] = {}
    for target in TARGETS:
        y = weekly[target].to_numpy(dtype=float)
        d = _Design(y, weeks, horizon)
        errs: list[list[float]] = [[] for _ in range(horizon)]
        nerrs: list[list[float]] = [[] for _ in range(horizon)]
        models: dict[int, _Ridge | None] = {}
        for i, o in enumerate(origin_idx):
            for h in range(1, horizon + 1):
                if o + h >= n:
                    break
                if i % REFIT_EVERY == 0 or h not in models:
                    models[h] = _fit(d, o, h)
                model = models[h]
                errs[h - 1].append(y[o + h] - _predict(model, d, o, h))
                nerrs[h - 1].append(y[o + h] - y[o])
        mae[target] = [float(np.mean(np.abs(e))) if e else float("nan") for e in errs]
        naive[target] = [float(np.mean(np.abs(e))) if e else float("nan") for e in nerrs]
        q10[target] = [float(np.quantile(e, 0.1)) if e else 0.0 for e in errs]
        q90[target] = [float(np.quantile(e, 0.9)) if e else 0.0 for e in errs]
        inside = [q10[target][h] <= e <= q90[target][h] for h in range(horizon) for e in errs[h]]
        coverage[target] = float(np.mean(inside)) if inside else float("nan")
    return Backtest(horizon, len(origin_idx), mae, naive, q10, q90, coverage)


def forecast(weekly: pd.DataFrame, horizon: int, bt: Backtest) -> Forecast:
    """Predict the next ``horizon`` weeks from the last complete week, with intervals."""
    weeks = weekly["week"]
    n = len(weekly)
    rows = []
    for target in TARGETS:
        y = weekly[target].to_numpy(dtype=float)
        d = _Design(y, weeks, horizon)
        for h in range(1, horizon + 1):
            model = _fit(d, n - 1, h)
            pred = _predict(model, d, n - 1, h)
            rows.append(
                {
                    "week": weeks.iloc[-1] + pd.Timedelta(weeks=h),
                    "target": target,
                    "predicted": max(pred, 0.0),
                    # A biased backtest can put both quantiles on one side; the interval
                    # always holds the point forecast.
                    "low": max(pred + min(bt.q10[target][h - 1], 0.0), 0.0),
                    "high": max(pred + max(bt.q90[target][h - 1], 0.0), 0.0),
                }
            )
    return Forecast(pd.DataFrame(rows))

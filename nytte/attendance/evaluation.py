"""Reproducible evaluations written to docs/: the at-risk model's time-ordered
hold-out and the capacity forecast's backtest, both on the demo data (seed 1)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from nytte.attendance import at_risk
from nytte.attendance.capacity import capacity_dashboard
from nytte.attendance.data import attendance_frame, referral_frame
from nytte.attendance.forecast import TARGET_LABELS, TARGETS
from nytte.core.auth import Role, demo_principal
from nytte.core.config import REPO_ROOT
from nytte.core.db import session_scope
from nytte.demo.params import DEMO_END, DEMO_MUNICIPALITY, DEMO_START

DOCS = REPO_ROOT / "docs"
AT_RISK_DOC = DOCS / "attendance-at-risk-evaluation.md"
FORECAST_DOC = DOCS / "attendance-forecast-backtest.md"


def _f(v: float, digits: int = 3) -> str:
    return "–" if v is None or np.isnan(v) else f"{v:.{digits}f}"


def at_risk_report(engine: Engine, seed: int) -> str:
    with session_scope(engine) as s:
        units = [1, 2]
        att = attendance_frame(s, units, DEMO_START, DEMO_END)
        refs = referral_frame(s, units)
    ev = at_risk.evaluate(att, refs, DEMO_START, DEMO_END)
    n_fn = int(ev.false_negatives.loc["count", "p"])
    n_fp = int(ev.false_positives.loc["count", "p"])
    lines = [
        "# At-risk list: evaluation of the model",
        "",
        f"Reproduce: `python -m nytte attendance evaluate at-risk` (demo data, seed {seed}; "
        "the command builds its own demo database). Written by nytte/attendance/evaluation.py.",
        "",
        "## Set-up",
        "- Unit of prediction: a participant's course (referral) on a Monday (the as-of day),",
        "  for courses that have started and have at least 5 registered days, one of them present.",
        f"- Label: present on fewer than half of the expected days in the next {at_risk.LABEL_DAYS}"
        f" days (at least {at_risk.LABEL_MIN_ROWS} expected days needed).",
        "- Features (history before the as-of day only): "
        + ", ".join(f"`{f}`" for f in at_risk.FEATURES)
        + ".",
        "- Model: standardised logistic regression (scikit-learn), chosen so that each",
        "  person's place on the list can be explained by the facts behind it.",
        f"- Time-ordered hold-out: train on as-of days whose two-week outcome ends before "
        f"{ev.cutoff.isoformat()}, test on as-of days from {ev.cutoff.isoformat()} to the end "
        f"of the demo data ({DEMO_END.isoformat()}). No row of the test period is seen in "
        "training.",
        "",
        "## Results",
        "",
        "| measure | value |",
        "|---|---|",
        f"| training samples | {ev.train_n} (positive share {_f(ev.train_positive)}) |",
        f"| test samples | {ev.test_n} (positive share {_f(ev.test_positive)}) |",
        f"| AUC, model | **{_f(ev.auc)}** |",
        f"| AUC, baseline (rank by last-10-days attendance alone) | {_f(ev.auc_baseline)} |",
        f"| Brier score, model | {_f(ev.brier)} |",
        f"| Brier score, base rate only | {_f(ev.brier_baseline)} |",
        f"| precision in the top 10 % of scores | {_f(ev.top_decile_precision)} |",
        "",
        "### Calibration (test period)",
        "",
        "| predicted risk bin | n | mean predicted | observed share |",
        "|---|---|---|---|",
    ]
    for r in ev.calibration.itertuples():
        lines.append(
            f"| {int(r.bin) * 10}-{int(r.bin) * 10 + 10} % | {int(r.n)} | "
            f"{_f(r.mean_predicted)} | {_f(r.observed)} |"
        )
    lines += [
        "",
        "### Coefficients (standardised features; positive = more risk)",
        "",
        "| feature | coefficient |",
        "|---|---|",
        *[f"| `{k}` | {_f(v)} |" for k, v in ev.coefficients.items()],
        "",
        "### What it gets wrong",
        "",
        f"- Missed cases (label 1, predicted risk < 50 %): {n_fn}."
        f" Their median attendance over the last 10 days was "
        f"{_f(ev.false_negatives.loc['50%', 'rate_last10'], 2)}; "
        f"{_f(ev.missed_share_with_high_rate * 100, 0)} % of them had attended at least 80 % of "
        "the last 10 days. These are sudden drops (a participant who was doing well and then "
        "stops coming): nothing in the attendance history announces them, so no model on this "
        "history alone can see them. The team leader's conversation is the remedy.",
        f"- False alarms (label 0, predicted risk ≥ 50 %): {n_fp}."
        f" Median last-10-days attendance {_f(ev.false_positives.loc['50%', 'rate_last10'], 2)}: "
        "participants with a bad fortnight who recovered.",
        "- The model barely beats ranking by recent attendance alone "
        f"(AUC {_f(ev.auc)} against {_f(ev.auc_baseline)}): most of the signal is the recent "
        "attendance rate, and the list should be read as a sorted view of it with reasons, "
        "not as an oracle.",
        "- The demo data are generated (nytte/demo/generate.py): a quarter of those who show up "
        "get a linear decline in attendance, the rest a stable rate. Real data will have "
        "patterns this evaluation cannot show; re-run it on real history before trusting it.",
        "",
        "## Use",
        "The list advises the team leader and shows why each person is on it; it decides nothing "
        "about anyone (GDPR art. 22) and is never a basis for a sanction (the caseworker "
        "decides sanctions, aktivloven §§ 35-40 a).",
        "",
    ]
    return "\n".join(lines)


def forecast_report(engine: Engine, seed: int, horizon: int = 12) -> str:
    principal = demo_principal(Role.LEDER, DEMO_MUNICIPALITY, [], "1085")
    with session_scope(engine) as s:
        cap = capacity_dashboard(
            s, principal, None, DEMO_END, DEMO_START - timedelta(days=0), horizon
        )
    bt = cap.backtest
    assert bt is not None
    lines = [
        "# Capacity forecast: backtest",
        "",
        f"Reproduce: `python -m nytte attendance evaluate forecast` (demo data, seed {seed}, "
        "both units of the demo municipality together). Written by "
        "nytte/attendance/evaluation.py; the model is in nytte/attendance/forecast.py.",
        "",
        "## Set-up",
        "- Series: per week, the mean number enrolled and the mean number present per working "
        f"day, {len(cap.weekly)} weeks from {DEMO_START.isoformat()} to {DEMO_END.isoformat()}.",
        "- Model: one ridge regression (scikit-learn) per horizon, predicting the change from "
        "the current level from the level's distance to its 52-week mean and the season of the "
        "target week.",
        f"- Backtest: rolling origin over the last {bt.origins} weeks; at each origin the model "
        "is fitted on weeks before it only (refitted every 4 weeks) and forecasts 1 to "
        f"{bt.horizon} weeks ahead. Baseline: the naive forecast (this week's level carries on).",
        "- Interval: the 10 % and 90 % quantiles of the backtest errors at each horizon "
        "(an 80 % interval).",
        "",
        "## Mean absolute error (MAE) by horizon",
        "",
        "| weeks ahead | "
        + " | ".join(f"{TARGET_LABELS[t]}: model | {TARGET_LABELS[t]}: naive" for t in TARGETS)
        + " |",
        "|---" * (1 + 2 * len(TARGETS)) + "|",
    ]
    for h in range(bt.horizon):
        cells = []
        for t in TARGETS:
            cells += [_f(bt.mae[t][h], 2), _f(bt.naive_mae[t][h], 2)]
        lines.append(f"| {h + 1} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| target | mean MAE, model | mean MAE, naive | 80 % interval coverage (in-sample) |",
        "|---|---|---|---|",
    ]
    for t in TARGETS:
        lines.append(
            f"| {TARGET_LABELS[t]} | {_f(float(np.nanmean(bt.mae[t])), 2)} | "
            f"{_f(float(np.nanmean(bt.naive_mae[t])), 2)} | {_f(bt.coverage[t] * 100, 0)} % |"
        )
    lines += [
        "",
        "## Reading it",
        *[_crossover(t, bt.mae[t], bt.naive_mae[t]) for t in TARGETS],
        "- Enrolment is close to a random walk pulled back towards the unit's usual level; the "
        "model's gain over the naive forecast comes from that pull and from the season, so it "
        "grows with the horizon, while at one to three weeks the last level is hard to beat.",
        "- Richer features (recent week-on-week changes, an 8-week mean) were tried and made the "
        "backtest worse than the naive forecast; they are left out.",
        "- The interval's coverage is measured on the same backtest errors it is built from, so "
        "it is close to 80 % by construction; its width is the honest part: it is as wide as "
        "the model has actually been wrong.",
        "",
    ]
    return "\n".join(lines)


def _crossover(target: str, mae: list[float], naive: list[float]) -> str:
    """Where the model starts to beat the naive forecast, in one sentence."""
    better = [h + 1 for h in range(len(mae)) if mae[h] < naive[h]]
    name = TARGET_LABELS[target]
    if not better:
        return f"- {name}: the model never beats the naive forecast in this backtest."
    first = better[0]
    tail = all(mae[h] < naive[h] for h in range(first - 1, len(mae)))
    return (
        f"- {name}: the model beats the naive forecast at {len(better)} of {len(mae)} horizons"
        + (f", at every horizon from {first} weeks on." if tail else f" (first at {first} weeks).")
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

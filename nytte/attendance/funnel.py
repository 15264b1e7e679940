"""The referral funnel: referred → showed up on the first day / ever → stable
attendance → exit by outcome, per unit, team, month, benefit or visitation group.

Every step counts referrals (courses), not people: a citizen referred twice is two
courses. The stable-attendance rule is a parameter (StableRule), not a constant."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from nytte.attendance.data import attendance_frame, referral_frame, scope_units, team_frame
from nytte.core import clock
from nytte.core.access import PERSON_LEVEL, requires
from nytte.core.auth import Principal
from nytte.core.reference import code_labels
from nytte.models import Unit

DIMENSIONS = {
    "unit": "Enhed",
    "team": "Hold",
    "month": "Måned",
    "benefit_group": "Ydelsesgruppe",
    "visitation_group": "Visitationsgruppe",
}
STEPS = ("referred", "first_day", "ever", "stable", "ended")
STEP_LABELS = {
    "referred": "Henvist",
    "first_day": "Mødt første dag",
    "ever": "Mødt mindst én gang",
    "stable": "Stabilt fremmøde",
    "ended": "Afsluttet",
}


@dataclass(frozen=True)
class StableRule:
    """Stable attendance: in some window of ``weeks`` weeks starting on a day the
    participant came, present on at least ``share`` of at least ``min_days`` expected days."""

    share: float = 0.8
    weeks: int = 4
    min_days: int = 8


@dataclass(frozen=True)
class Funnel:
    dimension: str
    rule: StableRule
    table: pd.DataFrame  # group + STEPS counts + shares of referred
    exits: pd.DataFrame  # group × exit outcome label -> count
    per_referral: pd.DataFrame  # one row per referral with the step flags
    waiting: int  # referred in the period but not yet due to start (left out)


def referral_steps(att: pd.DataFrame, rule: StableRule) -> pd.DataFrame:
    """Per referral with any registered row: first_day, ever, stable (booleans)."""
    if att.empty:
        return pd.DataFrame(columns=["referral_id", "first_day", "ever", "stable"])
    att = att.sort_values(["referral_id", "day"])
    rid = att["referral_id"].to_numpy()
    days = att["day"].to_numpy().astype("datetime64[D]").astype(np.int64)
    present = att["present"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1], True])
    window = 7 * rule.weeks
    out_rid, first, ever, stable = [], [], [], []
    for a, b in itertools.pairwise(bounds):
        d, p = days[a:b], present[a:b]
        out_rid.append(int(rid[a]))
        first.append(bool(p[0]))
        ever.append(bool(p.any()))
        ok = False
        if p.any():
            starts = np.flatnonzero(p)
            # Only windows the registrations cover to their end.
            starts = starts[d[starts] + window - 1 <= d[-1]]
            if len(starts):
                hi = np.searchsorted(d, d[starts] + window, side="left")
                cum = np.r_[0, np.cumsum(p)]
                n = hi - starts
                came = cum[hi] - cum[starts]
                ok = bool(np.any((n >= rule.min_days) & (came >= rule.share * n)))
        stable.append(ok)
    return pd.DataFrame(
        {"referral_id": out_rid, "first_day": first, "ever": ever, "stable": stable}
    )


def _group_labels(
    session: Session, refs: pd.DataFrame, dimension: str, units: list[int]
) -> pd.Series:
    if dimension == "unit":
        names = {u.id: u.name for u in session.query(Unit).filter(Unit.id.in_(units))}
        return refs["unit_id"].map(names)
    if dimension == "team":
        teams = team_frame(session, units)
        names = dict(zip(teams["team_id"], teams["team"], strict=True))
        return refs["team_id"].map(lambda t: names.get(t, "Uden hold"))
    if dimension == "month":
        return refs["referred_on"].dt.strftime("%Y-%m")
    if dimension == "benefit_group":
        labels = code_labels(session, "benefit_group")
        return refs["benefit_group"].map(lambda v: labels.get(v, v))
    if dimension == "visitation_group":
        labels = {**code_labels(session, "visitation_group"), "ingen": "Ingen (dagpenge)"}
        return refs["visitation_group"].map(lambda v: labels.get(v, v))
    raise ValueError(f"Ukendt opdeling {dimension!r}.")


@requires(*PERSON_LEVEL)
def referral_funnel(
    session: Session,
    principal: Principal,
    *,
    unit_id: int | None,
    dimension: str,
    referred_from: date,
    referred_to: date,
    rule: StableRule,
    as_of: date | None = None,
) -> Funnel:
    """The funnel of referrals received in [referred_from, referred_to].

    Referrals whose expected start is after ``as_of`` (default today) cannot have
    shown up yet: they are left out of the funnel and counted in ``waiting``."""
    as_of = as_of or clock.today()
    if not 0 < rule.share <= 1 or rule.weeks < 1 or rule.min_days < 1:
        raise ValueError("Reglen for stabilt fremmøde skal have en andel over 0 og højst 100 %.")
    units = scope_units(session, principal, unit_id)
    refs = referral_frame(session, units or [-1])
    refs = refs[
        (refs["referred_on"] >= pd.Timestamp(referred_from))
        & (refs["referred_on"] <= pd.Timestamp(referred_to))
    ]
    not_due = refs["expected_start"] > pd.Timestamp(as_of)
    waiting = int(not_due.sum())
    refs = refs[~not_due].copy()
    # Courses run past the referral window: read their rows up to today (and at least
    # a year on, for a window in the past).
    last = max(referred_to + timedelta(days=400), clock.today())
    att = attendance_frame(session, units or [-1], referred_from, last)
    att = att[att["referral_id"].isin(refs["referral_id"])]
    steps = referral_steps(att, rule)
    per = refs.merge(steps, on="referral_id", how="left")
    for c in ("first_day", "ever", "stable"):
        per[c] = per[c].astype("boolean").fillna(False).astype(bool)
    per["ended"] = per["ended_on"].notna()
    per["group"] = _group_labels(session, per, dimension, units)
    per["referred"] = True
    table = per.groupby("group")[list(STEPS)].sum().astype(int).reset_index()
    total = pd.DataFrame([{"group": "I alt", **{s: int(per[s].sum()) for s in STEPS}}])
    table = pd.concat([table, total], ignore_index=True)
    for s in STEPS[1:]:
        table[f"{s}_share"] = np.where(
            table["referred"] > 0, table[s] / table["referred"].clip(lower=1), np.nan
        )
    outcome = code_labels(session, "exit_outcome")
    ended = per[per["ended"]]
    exits = (
        ended.assign(outcome=ended["exit_outcome"].map(lambda v: outcome.get(v, v or "Ukendt")))
        .groupby(["group", "outcome"])
        .size()
        .unstack("outcome", fill_value=0)
    )
    return Funnel(dimension, rule, table, exits, per, waiting)

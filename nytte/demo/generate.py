"""Generate the demo municipality (or the national-scale data set) as column arrays.

Everything is drawn from one seeded numpy Generator, so the same seed gives the
same rows. Shares that the sources state (show-up, gender, benefit mix) are allocated
exactly and then shuffled, so the figures land on the sources' figures (docs/domain.md) for any seed
instead of wandering with sampling noise."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from nytte.core.calendar import standard_closing_days, weekday_of, working_days
from nytte.demo import params as P
from nytte.demo.names import draw_names, name_generator

WARM_UP_DAYS = 120  # referrals start before the first day so enrolment is steady from day one
WAITING_DAYS = 14  # referrals made up to two weeks past the last day are still waiting to start


@dataclass
class Columns:
    """Column name -> list of arrays, concatenated on demand."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **cols: np.ndarray) -> None:
        for k, v in cols.items():
            self.parts.setdefault(k, []).append(np.asarray(v))

    def frame(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.array([]) for k, v in self.parts.items()}


@dataclass
class DemoData:
    units: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    closing_days: list[dict[str, Any]]
    participants: dict[str, np.ndarray]
    referrals: dict[str, np.ndarray]
    attendance: dict[str, np.ndarray]


def exact_allocation(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    """n labels whose counts match ``shares`` to the nearest unit, in random order."""
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    p = p / p.sum()
    raw = p * n
    counts = np.floor(raw).astype(int)
    # Largest remainder: hand out what flooring left over.
    for i in np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return rng.permutation(np.repeat(np.array(keys, dtype=object), counts))


def _blank_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` as objects with None (SQL NULL) where ``mask`` holds."""
    out = np.asarray(values).astype(object)
    out[mask] = None
    return out


def _mean_course_workdays(after_reform: bool) -> float:
    show_weeks = 15.0 if after_reform else 8.0
    return P.SHOW_UP_SHARE * show_weeks * 5 + (1 - P.SHOW_UP_SHARE) * 20


def _patterns(
    benefit: np.ndarray, visitation: np.ndarray, age: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Weekly hours (n x 5) from the sources' patterns, by group and age."""
    n = len(benefit)
    out = np.tile(np.array(P.PATTERN_FULL), (n, 1))
    aktiv = visitation == "aktivitetsparat"
    twelve = aktiv & (rng.random(n) < 0.5)
    out[aktiv & ~twelve] = P.PATTERN_20H
    out[twelve] = P.PATTERN_12H
    four = (~aktiv) & (visitation == "jobparat") & (benefit == "kontanthjaelp") & (age >= 30)
    out[four] = P.PATTERN_FOUR_PLUS_SEARCH
    return out


def generate_unit(
    rng: np.random.Generator,
    *,
    unit_id: int,
    team_ids: list[int],
    team_places: list[int],
    team_leaders: list[str],
    municipality_code: str,
    target_enrolled: float,
    closing: dict[date, str],
    first_participant_id: int,
    first_referral_id: int,
    participants: Columns,
    referrals: Columns,
    attendance: Columns,
    until: date = P.DEMO_END,
) -> int:
    """Add one unit's referrals and attendance up to ``until``; return how many
    referrals were made."""
    start = P.demo_start(until) - timedelta(days=WARM_UP_DAYS)
    horizon = until + timedelta(days=WAITING_DAYS)
    days = working_days(start, horizon + timedelta(days=200), closing)
    arrival_days = days[days <= np.datetime64(horizon)]
    after = arrival_days >= np.datetime64(P.REFORM_DATE)
    rate = np.where(
        after,
        target_enrolled / _mean_course_workdays(True),
        target_enrolled / _mean_course_workdays(False),
    )
    per_day = rng.poisson(rate)
    referred = np.repeat(arrival_days, per_day)
    n = len(referred)
    if n == 0:
        return 0
    post = referred >= np.datetime64(P.REFORM_DATE)

    # Exact shares, allocated separately before and after the reform so each period
    # matches the sources (the 2022 figures describe the rules before the reform).
    benefit = np.empty(n, dtype=object)
    visitation = np.empty(n, dtype=object)
    for mask in (~post, post):
        k = int(mask.sum())
        if k == 0:
            continue
        b = exact_allocation(rng, k, P.BENEFIT_MIX)
        v = np.empty(k, dtype=object)
        for group, mix in P.VISITATION_MIX.items():
            sel = b == group
            v[sel] = exact_allocation(rng, int(sel.sum()), mix)
        benefit[mask], visitation[mask] = b, v
    showed = exact_allocation(rng, n, {"yes": P.SHOW_UP_SHARE, "no": 1 - P.SHOW_UP_SHARE}) == "yes"
    gender = exact_allocation(rng, n, {"M": P.MALE_SHARE, "K": 1 - P.MALE_SHARE})

    young = benefit == "uddannelseshjaelp"
    age = np.where(young, rng.integers(18, 30, n), rng.integers(25, 61, n))
    pattern = _patterns(benefit, visitation, age, rng)
    # After the reform the old benefits are one cash benefit.
    for old, new in P.MERGED_AFTER_REFORM.items():
        benefit[post & (benefit == old)] = new
    ref_year = referred.astype("datetime64[Y]").astype(int) + 1970
    birth_year = ref_year - age

    team_idx = rng.choice(len(team_ids), size=n, p=np.array(team_places) / sum(team_places))
    start_offset = rng.integers(3, 9, n)
    start_idx = np.searchsorted(days, referred + start_offset)
    expected_start = days[np.minimum(start_idx, len(days) - 1)]

    weeks = np.where(
        post, rng.integers(4, 27, n), rng.integers(3, P.MAX_WEEKS_BEFORE_REFORM + 1, n)
    )
    planned_end = np.where(
        showed,
        expected_start + (weeks * 7 - 3).astype("timedelta64[D]"),
        expected_start + rng.integers(21, 36, n).astype("timedelta64[D]"),
    )
    exit_outcome = np.where(showed, exact_allocation(rng, n, P.EXIT_MIX_SHOWED), "never_started")
    end = np.datetime64(until)
    ended = planned_end <= end
    ended_on = np.where(ended, planned_end, np.datetime64("NaT"))
    exit_outcome = _blank_where(~ended, exit_outcome)

    pid = np.arange(first_participant_id, first_participant_id + n)
    rid = np.arange(first_referral_id, first_referral_id + n)
    participants.add(
        id=pid,
        municipality_code=np.full(n, municipality_code, dtype=object),
        case_ref=np.array([f"SAG-{municipality_code}-{i:07d}" for i in pid], dtype=object),
        benefit_group=benefit,
        visitation_group=_blank_where(benefit == "dagpenge", visitation),
        gender=gender,
        birth_year=birth_year,
    )
    referrals.add(
        id=rid,
        participant_id=pid,
        unit_id=np.full(n, unit_id),
        team_id=np.array(team_ids)[team_idx],
        referred_on=referred,
        expected_start=expected_start,
        mon_hours=pattern[:, 0],
        tue_hours=pattern[:, 1],
        wed_hours=pattern[:, 2],
        thu_hours=pattern[:, 3],
        fri_hours=pattern[:, 4],
        ended_on=ended_on,
        exit_outcome=exit_outcome,
    )

    # Attendance, one row per expected day from the start to the end or ``until``.
    wd_all = weekday_of(days)
    absence_codes = np.array(list(P.ABSENCE_MIX), dtype=object)
    absence_p = np.array(list(P.ABSENCE_MIX.values()))
    absence_p = absence_p / absence_p.sum()
    last = np.minimum(planned_end, end)
    lo = np.searchsorted(days, expected_start)
    hi = np.searchsorted(days, last, side="right")
    chunks: dict[str, list[np.ndarray]] = {
        k: []
        for k in (
            "referral_id",
            "participant_id",
            "team_id",
            "day",
            "status",
            "expected_hours",
            "hours",
            "reason_code",
            "registered_by",
        )
    }
    leaders = np.array(team_leaders, dtype=object)
    for i in range(n):
        if hi[i] <= lo[i]:
            continue
        d = days[lo[i] : hi[i]]
        exp = pattern[i][wd_all[lo[i] : hi[i]]]
        keep = exp > 0
        d, exp = d[keep], exp[keep]
        m = len(d)
        if m == 0:
            continue
        if not showed[i]:
            present = np.zeros(m, dtype=bool)
            reason = np.where(rng.random(m) < 0.85, "unexcused", "sick_late").astype(object)
        else:
            r0 = rng.beta(9, 2)
            t = np.arange(m) / max(m - 1, 1)
            slope = rng.uniform(0.3, 0.6) if rng.random() < 0.25 else 0.0
            present = rng.random(m) < np.clip(r0 - slope * t, 0.05, 0.99)
            late = int(rng.integers(1, 5)) if rng.random() < 0.15 else 0
            present[:late] = False
            present[min(late, m - 1)] = True  # those who show up have a first day
            reason = absence_codes[rng.choice(len(absence_codes), size=m, p=absence_p)]
            reason[:late] = "unexcused"
        hours = np.where(present, exp, 0.0)
        partial = present & (rng.random(m) < 0.08)
        hours[partial] = np.maximum(exp[partial] - rng.integers(1, 3, int(partial.sum())), 1.0)
        chunks["referral_id"].append(np.full(m, rid[i]))
        chunks["participant_id"].append(np.full(m, pid[i]))
        chunks["team_id"].append(np.full(m, team_ids[team_idx[i]]))
        chunks["day"].append(d)
        chunks["status"].append(np.where(present, "present", "absent").astype(object))
        chunks["expected_hours"].append(exp)
        chunks["hours"].append(hours)
        chunks["reason_code"].append(_blank_where(present, reason))
        chunks["registered_by"].append(np.full(m, leaders[team_idx[i]], dtype=object))
    if chunks["day"]:
        cols = {k: np.concatenate(v) for k, v in chunks.items()}
        cols["unit_id"] = np.full(len(cols["day"]), unit_id)
        attendance.add(**cols)
    return n


def _plan(
    scale: str, rng: np.random.Generator, municipality_codes: list[str]
) -> list[tuple[str, P.UnitParams, float]]:
    # The national scale's size does not depend on the day the data end.
    """(municipality, unit template, target enrolled) for every unit to generate."""
    if scale == "demo":
        return [(P.DEMO_MUNICIPALITY, u, float(u.target_enrolled)) for u in P.DEMO_UNITS]
    if scale == "national":
        # Measured: about 0.83 attendance rows per enrolled participant and working day
        # (no-shows' short courses, part-time patterns). Spread the target over the
        # municipalities with a random size factor so they differ as real ones do.
        workdays = 250 * ((P.DEMO_END - P.DEMO_START).days + WARM_UP_DAYS) / 365
        total_enrolled = P.NATIONAL_TARGET_ROWS / (workdays * 0.83)
        sizes = rng.lognormal(0, 0.6, len(municipality_codes))
        sizes = sizes / sizes.sum() * total_enrolled
        template = P.DEMO_UNITS[1]
        return [(c, template, float(s)) for c, s in zip(municipality_codes, sizes, strict=True)]
    raise ValueError(f"Ukendt skala {scale!r}; brug demo eller national.")


def iter_generate(
    scale: str,
    seed: int,
    municipality_codes: list[str],
    batch_units: int = 10,
    until: date = P.DEMO_END,
) -> Iterator[DemoData]:
    """Yield the data set, ending on ``until``, in batches of ``batch_units`` units, so
    the national scale (ten million rows) never sits in memory at once. Ids start at 1
    in every batch; the loader shifts them past what the database already holds."""
    rng = np.random.default_rng(seed)
    names_rng = name_generator(seed)
    closing = standard_closing_days(
        P.demo_start(until) - timedelta(days=WARM_UP_DAYS), until + timedelta(days=365)
    )
    plan = _plan(scale, rng, municipality_codes)
    for lo in range(0, len(plan), batch_units):
        participants, referrals, attendance = Columns(), Columns(), Columns()
        units: list[dict[str, Any]] = []
        teams: list[dict[str, Any]] = []
        closing_rows: list[dict[str, Any]] = []
        next_unit, next_team, next_pid, next_rid = 1, 1, 1, 1
        for code, u, target in plan[lo : lo + batch_units]:
            places = max(u.places, round(target * 1.4))
            units.append(
                {
                    "id": next_unit,
                    "municipality_code": code,
                    "name": u.name,
                    "site_address": u.site,
                    "places": places,
                    "staff_count": max(u.staff, round(target / 9)),
                }
            )
            ids, tplaces, leaders = [], [], []
            for t in u.teams:
                tp = max(1, round(t.places * places / u.places))
                teams.append(
                    {
                        "id": next_team,
                        "unit_id": next_unit,
                        "name": t.name,
                        "leader_name": t.leader,
                        "places": tp,
                    }
                )
                ids.append(next_team)
                tplaces.append(tp)
                leaders.append(t.leader)
                next_team += 1
            for d, why in closing.items():
                closing_rows.append({"unit_id": next_unit, "day": d, "reason": why})
            made = generate_unit(
                rng,
                unit_id=next_unit,
                team_ids=ids,
                team_places=tplaces,
                team_leaders=leaders,
                municipality_code=code,
                target_enrolled=target,
                closing=closing,
                first_participant_id=next_pid,
                first_referral_id=next_rid,
                participants=participants,
                referrals=referrals,
                attendance=attendance,
                until=until,
            )
            next_pid += made
            next_rid += made
            next_unit += 1
        people = participants.frame()
        if len(people.get("id", ())):
            people["name"], people["preferred_name"] = draw_names(names_rng, people["gender"])
        yield DemoData(
            units,
            teams,
            closing_rows,
            people,
            referrals.frame(),
            attendance.frame(),
        )


def generate(
    scale: str, seed: int, municipality_codes: list[str], until: date = P.DEMO_END
) -> DemoData:
    """The whole data set in memory in one batch (the demo scale; tests)."""
    (data,) = iter_generate(scale, seed, municipality_codes, batch_units=10_000, until=until)
    return data

"""The rest of the demo municipality's region at a light level.

The detailed demo has one municipality (Greve). The regional council's page
compares all the municipalities of a region, so the demo adds the other
municipalities of Greve's region (Region Sjælland: sixteen more) with one unit
each: units, referrals, daily attendance (summarised monthly for the council) and
exits, drawn with the same generator as the detailed demo.

Sizes come from the report's national figures (docs/council.md): 4,619 persons
were offered nytteindsats in 2022 across 98 municipalities, about 47 a year per
municipality; with about half showing up and the courses' length, that is about
nine persons enrolled at a time in an average municipality. Each municipality
gets a random size factor around that average (seeded; a separate random stream,
so the detailed demo municipality's rows do not change), so some have few
participants and the council's page shows suppressed cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from nytte.core.calendar import standard_closing_days
from nytte.demo import params as P
from nytte.demo.generate import WARM_UP_DAYS, Columns, DemoData, generate_unit
from nytte.models import Municipality

OFFERED_PER_YEAR_NATIONAL = 4619  # report, Figur 2.1 (2022)
MUNICIPALITIES_NATIONAL = 98
COURSE_WORKDAYS = P.SHOW_UP_SHARE * 15 * 5 + (1 - P.SHOW_UP_SHARE) * 20
"""Mean workdays a referral stays enrolled (as in the generator, after the reform)."""
AVERAGE_ENROLLED = OFFERED_PER_YEAR_NATIONAL / MUNICIPALITIES_NATIONAL / 250 * COURSE_WORKDAYS
SIZE_SPREAD = 0.8  # lognormal sigma: municipalities differ a lot in their use
MIN_ENROLLED = 0.6

LIGHT_UNIT = P.UnitParams(
    name="Nytteindsatsen",
    site="Materielgården",
    places=10,
    target_enrolled=9,
    staff=1,
    teams=(P.TeamParams("Hold 1", "Holdleder", 10),),
)


def region_codes(conn: Connection, municipality: str = P.DEMO_MUNICIPALITY) -> list[str]:
    """The other municipalities of ``municipality``'s region, by code."""
    region = conn.execute(
        select(Municipality.region_code).where(Municipality.code == municipality)
    ).scalar_one_or_none()
    if region is None:
        return []
    return [c for (c,) in conn.execute(
        select(Municipality.code).where(Municipality.region_code == region,
                                        Municipality.code != municipality)
        .order_by(Municipality.code))]


def sizes(seed: int, codes: list[str]) -> dict[str, float]:
    """Target enrolled per municipality: deterministic from the seed."""
    rng = np.random.default_rng([seed, 1085])
    factors = rng.lognormal(0.0, SIZE_SPREAD, len(codes))
    factors = factors / factors.mean()
    return {c: max(MIN_ENROLLED, float(f * AVERAGE_ENROLLED))
            for c, f in zip(codes, factors, strict=True)}


def _cut(data: DemoData, until: date) -> DemoData:
    """Drop what happens after ``until`` (the last day of data)."""
    if until >= P.DEMO_END:
        return data
    last = np.datetime64(until)
    ref = data.referrals
    keep = ref["referred_on"] <= last
    ended = ref["ended_on"].astype("datetime64[D]")
    late_end = ~np.isnat(ended) & (ended > last)
    ref = {k: v[keep] for k, v in ref.items()}
    ref["ended_on"] = np.where(late_end[keep], np.datetime64("NaT"), ended[keep])
    outcome = ref["exit_outcome"].astype(object)
    outcome[late_end[keep]] = None
    ref["exit_outcome"] = outcome
    kept_ids = set(ref["participant_id"].tolist())
    par = data.participants
    pkeep = np.array([p in kept_ids for p in par["id"].tolist()], dtype=bool)
    att = data.attendance
    akeep = att["day"] <= last if len(att.get("day", [])) else np.array([], dtype=bool)
    return DemoData(data.units, data.teams, data.closing_days,
                    {k: v[pkeep] for k, v in par.items()}, ref,
                    {k: v[akeep] for k, v in att.items()})


def iter_region(seed: int, codes: list[str], *, until: date = P.DEMO_END) -> Iterator[DemoData]:
    """One batch with a light unit in each of ``codes``; rows up to ``until``."""
    if not codes:
        return
    rng = np.random.default_rng([seed, 1085, 1])
    closing = standard_closing_days(
        P.demo_start(until) - timedelta(days=WARM_UP_DAYS), until + timedelta(days=365)
    )
    participants, referrals, attendance = Columns(), Columns(), Columns()
    units: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    closing_rows: list[dict[str, Any]] = []
    next_pid = next_rid = 1
    for i, (code, target) in enumerate(sizes(seed, codes).items(), start=1):
        places = max(LIGHT_UNIT.places, round(target * 1.4))
        units.append({"id": i, "municipality_code": code, "name": LIGHT_UNIT.name,
                      "site_address": LIGHT_UNIT.site, "places": places,
                      "staff_count": max(LIGHT_UNIT.staff, round(target / 9))})
        team = LIGHT_UNIT.teams[0]
        teams.append({"id": i, "unit_id": i, "name": team.name,
                      "leader_name": team.leader, "places": places})
        closing_rows += [{"unit_id": i, "day": d, "reason": why} for d, why in closing.items()]
        made = generate_unit(
            rng, unit_id=i, team_ids=[i], team_places=[places], team_leaders=[team.leader],
            municipality_code=code, target_enrolled=target, closing=closing,
            first_participant_id=next_pid, first_referral_id=next_rid,
            participants=participants, referrals=referrals, attendance=attendance,
            until=until,
        )
        next_pid += made
        next_rid += made
    data = DemoData(units, teams, closing_rows, participants.frame(), referrals.frame(),
                    attendance.frame())
    yield _cut(data, until)

"""A small database for the council tests: a region with tiny and larger municipalities.

Built through the ORM, so the summary hooks see every write. Counts are chosen so
suppression has work to do: a municipality with 3 participants, one with 2 women
and 6 men, one where 3 of 12 new referrals showed up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.models import Attendance, Participant, Referral, Unit

REGION = "1085"  # Region Sjælland
YEAR = 2025


@dataclass(frozen=True)
class Plan:
    code: str
    women: int
    men: int
    showed: int  # of the participants, how many came at least once


PLANS = (
    Plan("0253", 20, 40, 35),  # Greve
    Plan("0259", 1, 2, 2),  # Køge: 3 participants in all
    Plan("0265", 2, 6, 6),  # Roskilde: 2 women
    Plan("0269", 6, 6, 3),  # Solrød: 3 of 12 showed up
)


def _workdays(start: date, n: int) -> list[date]:
    days: list[date] = []
    d = start
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def build(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for p in PLANS:
            unit = Unit(municipality_code=p.code, name=f"Enhed {p.code}", places=20,
                        staff_count=2)
            s.add(unit)
            s.flush()
            n = p.women + p.men
            for i in range(n):
                part = Participant(
                    municipality_code=p.code, case_ref=f"S{p.code}-{i}",
                    benefit_group="kontanthjaelp" if i % 3 else "uddannelseshjaelp",
                    visitation_group="jobparat", gender="K" if i < p.women else "M",
                    birth_year=1980 + (i % 30),
                )
                s.add(part)
                s.flush()
                start = date(YEAR, 2 + (i % 8), 3)
                showed = i < p.showed
                ref = Referral(
                    participant_id=part.id, unit_id=unit.id, referred_on=start - timedelta(7),
                    expected_start=start, mon_hours=6, tue_hours=6, wed_hours=6, thu_hours=6,
                    fri_hours=6, ended_on=start + timedelta(days=40),
                    exit_outcome=("job" if showed and i % 2 == 0 else
                                  "course_completed" if showed else "never_started"),
                )
                s.add(ref)
                s.flush()
                for k, day in enumerate(_workdays(start, 20)):
                    present = showed and k % 4 != 3
                    s.add(Attendance(
                        referral_id=ref.id, participant_id=part.id, unit_id=unit.id,
                        day=day, status="present" if present else "absent",
                        expected_hours=6, hours=6 if present else 0,
                        reason_code=None if present else "unexcused",
                        registered_by="test",
                    ))

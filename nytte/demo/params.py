"""The demo's parameters, each with its source (docs/domain.md, sources [A] and [C];
data/reference).

Changing a number here changes the demo; tests check the generated figures land
within two percentage points of the sources' figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The demo's data run up to a day given to the generator (`demo --until DATE`; by
# default the last working day before the app's today) and start three years
# earlier, which covers the 2025-07-01 rule change. The same seed and day give the
# same rows. DEMO_END is the fixed day the evaluations, benchmarks and tests use.
DEMO_END = date(2026, 11, 20)
DEMO_YEARS = 3
DEMO_START = DEMO_END.replace(year=DEMO_END.year - DEMO_YEARS)


def demo_start(until: date) -> date:
    """The first day of a demo data set that ends on ``until`` (three years back)."""
    try:
        return until.replace(year=until.year - DEMO_YEARS)
    except ValueError:  # 29 February
        return until.replace(year=until.year - DEMO_YEARS, day=28)
# The work-obligation law's new benefit system (docs/domain.md § 7; date unverified).
REFORM_DATE = date(2025, 7, 1)

# "About half of those offered nytteindsats never show up" (report ch. 2).
SHOW_UP_SHARE = 0.50
# 2022: 67 % men (report, Tabel 3.2; docs/domain.md § 4).
MALE_SHARE = 0.67
# Figur 3.1 (2022): kontanthjælp 54 %, uddannelseshjælp 30 %, overgangsydelse 10 %,
# dagpenge 6 %.
BENEFIT_MIX: dict[str, float] = {
    "kontanthjaelp": 0.54,
    "uddannelseshjaelp": 0.30,
    "overgangsydelse": 0.10,
    "dagpenge": 0.06,
}
# From the reform, uddannelseshjælp and overgangsydelse are one cash benefit
# (kontanthjælp with rates); the demo records them so after REFORM_DATE.
MERGED_AFTER_REFORM = {"uddannelseshjaelp": "kontanthjaelp", "overgangsydelse": "kontanthjaelp"}
# Tabel 3.3.1/3.3.2 (2022): aktivitetsparate are few (7 % and 11 %).
VISITATION_MIX: dict[str, dict[str, float]] = {
    "kontanthjaelp": {"jobparat": 0.89, "aktivitetsparat": 0.11},
    "uddannelseshjaelp": {
        "aktivitetsparat": 0.07,
        "uddannelsesparat": 0.49,
        "aabenlyst_uddannelsesparat": 0.44,
    },
    "overgangsydelse": {"jobparat": 0.89, "aktivitetsparat": 0.11},
    "dagpenge": {"jobparat": 1.0},
}

# Weekly patterns (hours Monday..Friday). Greve: 08:15-14:30 five days (6.25 h),
# and 4 days + 1 job-search day for jobparate over 30; Guldborgsund: 12- and 20-hour
# offers for aktivitetsparate (Greve's page [C], report [A] ch. 3).
PATTERN_FULL = (6.25, 6.25, 6.25, 6.25, 6.25)
PATTERN_FOUR_PLUS_SEARCH = (6.25, 6.25, 6.25, 6.25, 0.0)
PATTERN_20H = (5.0, 5.0, 5.0, 5.0, 0.0)
PATTERN_12H = (4.0, 4.0, 0.0, 4.0, 0.0)

# Course length: at most 13 weeks until the reform (report; docs/domain.md § 7), no cap after.
MAX_WEEKS_BEFORE_REFORM = 13

# How those who do show up leave (municipal practice; the report has no national
# split, so these are stated assumptions, not seed figures).
EXIT_MIX_SHOWED: dict[str, float] = {
    "job": 0.22,
    "education": 0.12,
    "other_offer": 0.15,
    "course_completed": 0.27,
    "case_closed": 0.10,
    "moved": 0.03,
    "ill": 0.07,
    "other": 0.04,
}
# Absence reasons on days a participant who started does not come (assumption).
ABSENCE_MIX: dict[str, float] = {
    "sick_reported": 0.42,
    "unexcused": 0.24,
    "sick_late": 0.06,
    "job_interview": 0.06,
    "approved_leave": 0.09,
    "appointment": 0.09,
    "other_offer": 0.04,
}


@dataclass(frozen=True)
class TeamParams:
    name: str
    leader: str
    places: int


@dataclass(frozen=True)
class UnitParams:
    name: str
    site: str
    places: int
    target_enrolled: int
    staff: int
    teams: tuple[TeamParams, ...]


# Greve's Service++: "løbende kapacitet til 24 pladser og ofte 12 indskrevne" ([C]);
# Odense's Citykorpset takes up to 50 at once (report ch. 3).
DEMO_MUNICIPALITY = "0253"  # Greve
DEMO_UNITS: tuple[UnitParams, ...] = (
    UnitParams(
        name="Service++",
        site="Teknik og Miljø, Greve Nord",
        places=24,
        target_enrolled=12,
        staff=2,
        teams=(
            TeamParams("Strand og parkering", "Jonas Holm", 12),
            TeamParams("Institutioner og bilvask", "Mette Krogh", 12),
        ),
    ),
    UnitParams(
        name="Citykorpset",
        site="Værkstedet, Havnevej",
        places=50,
        target_enrolled=35,
        staff=4,
        teams=(
            TeamParams("Grønne områder", "Ali Yilmaz", 20),
            TeamParams("Paller og værksted", "Sofie Dahl", 15),
            TeamParams("Cykler og by", "Peter Lund", 15),
        ),
    ),
)

# National scale: about ten million attendance rows over the three years across
# all 98 municipalities, for performance work (not realistic volumes).
NATIONAL_TARGET_ROWS = 10_000_000

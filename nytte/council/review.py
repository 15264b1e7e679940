"""The regional council's review: the region's municipalities side by side.

Reviewers (role beskaeftigelsesraad) see aggregates only. Every count leaves this
module inside a ProtectedTable (nytte.suppression), and every share is computed
with protect_share, so nothing below 5 persons reaches the role by any route: the
page, the charts, the exports and the cache all hold these objects only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.access import requires
from nytte.auth import AccessDenied, Principal, Role, require_role
from nytte.council.metrics import (
    AGE_BANDS,
    Counts,
    composition_summary,
    summary_counts_by_municipality,
)
from nytte.council.periods import Period, month_label
from nytte.models import Municipality, Region
from nytte.models.council import AttendanceMonth, EnrolledMonth
from nytte.reference_figures import BENEFIT_NAMES
from nytte.suppression import (
    ProtectedTable,
    TableSpec,
    is_primary,
    protect,
    protect_linked,
    protect_share,
)

GENDERS = (("K", "Kvinder"), ("M", "Mænd"))
BENEFITS = tuple(BENEFIT_NAMES.items())
AGES = (*((label, label) for _, _, label in AGE_BANDS), ("Uoplyst", "Uoplyst"))


@dataclass(frozen=True)
class ShareRow:
    municipality: str
    attendance_rate: float | None
    show_up_rate: float | None
    exits_job_education: float | None


@dataclass(frozen=True)
class RegionalReview:
    region_code: str
    region_name: str
    period: Period
    funnel: ProtectedTable  # new referrals: showed up / never showed, with totals
    exits: ProtectedTable  # exits: to job or education / other, with totals
    by_gender: ProtectedTable  # enrolled, linked with the two below
    by_benefit: ProtectedTable
    by_age: ProtectedTable
    shares: tuple[ShareRow, ...]
    monthly: ProtectedTable  # enrolled per month (rows) and municipality (columns)
    provisional_month: date | None  # newest month with data, if in the period: provisional

    def tables(self) -> list[tuple[str, ProtectedTable]]:
        """Every count table, titled, for the page and the exports."""
        return [
            ("Nye henvisninger og fremmøde", self.funnel),
            ("Afsluttede forløb", self.exits),
            ("Indskrevne efter køn", self.by_gender),
            ("Indskrevne efter ydelsesgruppe", self.by_benefit),
            ("Indskrevne efter alder", self.by_age),
            ("Indskrevne pr. måned", self.monthly),
        ]


def region_municipalities(session: Session, region_code: str) -> list[tuple[str, str]]:
    return [
        (c, n)
        for c, n in session.execute(
            select(Municipality.code, Municipality.name)
            .where(Municipality.region_code == region_code)
            .order_by(Municipality.name)
        )
    ]


def _require_reviewer(principal: Principal) -> str:
    require_role(principal, Role.RAAD)
    if not principal.region_code:
        raise AccessDenied("Din rolle er ikke knyttet til en region.")
    return principal.region_code


@requires(Role.RAAD)
def regional_review(session: Session, principal: Principal, period: Period) -> RegionalReview:
    region_code = _require_reviewer(principal)
    region = session.get(Region, region_code)
    munis = region_municipalities(session, region_code)
    codes = [c for c, _ in munis]
    names = [n for _, n in munis]
    counts = summary_counts_by_municipality(session, codes, period)
    comp = composition_summary(session, codes, period)
    newest = session.scalar(select(func.max(AttendanceMonth.month)))
    return _build(region_code, region.name if region else region_code, period, codes,
                  names, counts, comp, _monthly(session, codes, period),
                  _as_date(newest) if newest is not None else None)


MonthCounts = list[tuple[date, dict[str, int]]]


def _monthly(session: Session, codes: list[str], period: Period) -> MonthCounts:
    """Distinct enrolled participants per whole month and municipality (summary table)."""
    months = period.months()
    found: dict[date, dict[str, int]] = {m: {} for m in months}
    if codes and months:
        em = EnrolledMonth
        for code, m, n in session.execute(
            select(em.municipality_code, em.month, em.enrolled)
            .where(em.municipality_code.in_(codes), em.month >= months[0],
                   em.month <= months[-1])
        ):
            found[_as_date(m)][str(code)] = int(n)
    return [(m, found[m]) for m in months]


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _build(
    region_code: str,
    region_name: str,
    period: Period,
    codes: list[str],
    names: list[str],
    counts: dict[str, Counts],
    comp: dict[str, dict[str, dict[str, int]]],
    monthly: MonthCounts,
    newest_month: date | None = None,
) -> RegionalReview:
    title = "Kommune"
    funnel = protect(
        [[counts[c].showed_up, counts[c].new_referrals - counts[c].showed_up] for c in codes],
        row_labels=names, col_labels=["Mødte op", "Mødte aldrig op"],
        row_totals=True, col_totals=True, row_title=title,
    )
    exits = protect(
        [[counts[c].exits_job_education, counts[c].exits - counts[c].exits_job_education]
         for c in codes],
        row_labels=names, col_labels=["Job eller uddannelse", "Anden afgang"],
        row_totals=True, col_totals=True, row_title=title,
    )
    specs = [
        TableSpec([[comp[c]["gender"].get(k, 0) for k, _ in GENDERS] for c in codes],
                  [label for _, label in GENDERS]),
        TableSpec([[comp[c]["benefit"].get(k, 0) for k, _ in BENEFITS] for c in codes],
                  [label for _, label in BENEFITS]),
        TableSpec([[comp[c]["age"].get(k, 0) for k, _ in AGES] for c in codes],
                  [label for _, label in AGES]),
    ]
    by_gender, by_benefit, by_age = protect_linked(specs, row_labels=names, row_title=title)
    shares = []
    for i, c in enumerate(codes):
        n = counts[c]
        enrolled_visible = by_gender.cells[i][-1] is not None and not is_primary(n.enrolled)
        shares.append(ShareRow(
            municipality=names[i],
            # A rate over few persons describes those persons: shown only when the
            # number of enrolled is itself shown and at least 5.
            attendance_rate=(n.present_days / n.expected_days
                             if enrolled_visible and n.expected_days and n.enrolled >= 5
                             else None),
            show_up_rate=protect_share(n.showed_up, n.new_referrals),
            exits_job_education=protect_share(n.exits_job_education, n.exits),
        ))
    # The newest month with data is provisional: late registrations may still come.
    latest = newest_month if newest_month in {m for m, _ in monthly} else None
    monthly_table = protect(
        [[m[1].get(c, 0) for c in codes] for m in monthly],
        row_labels=[month_label(m[0]) + (" (foreløbig)" if m[0] == latest else "")
                    for m in monthly],
        col_labels=names, row_title="Måned",
    )
    return RegionalReview(
        region_code=region_code, region_name=region_name, period=period, funnel=funnel,
        exits=exits, by_gender=by_gender, by_benefit=by_benefit, by_age=by_age,
        shares=tuple(shares), monthly=monthly_table, provisional_month=latest,
    )

"""Everything a reviewer can see for a region and a year, protected as one structure.

A reviewer can open the year, each quarter and each month, and every table of
each. Protecting one table at a time let a reader subtract: a quarter minus two of
its months gave the third. So the counts of a whole year are protected together,
the way statistical offices protect linked tables:

* **Flows** (new referrals by whether they showed up; exits by outcome) add up over
  time: month -> quarter -> year, over municipalities -> region, and over the
  groups -> ``I alt``. One cube per flow (period x municipality x group) is
  suppressed over all three hierarchies at once.
* **Stocks** (enrolled persons) do not add up over time (a person enrolled in two
  months is one person in the quarter), but within a period the gender, benefit
  and age tables share each municipality's total and the region's. Each period's
  stock cells are protected together, and the monthly table of enrolled persons is
  cut from the months' own protected totals, so it can never show a total a
  month's tables hide.

Every published count is a cell of these structures (nytte.core.suppression.protect_cells);
rates are shown only where both their counts are shown, so they reveal nothing new.
A municipality Nytte has no data for is "ingen data", never 0 (for the sums it is
a known zero).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from nytte.core.reference_figures import BENEFIT_NAMES
from nytte.core.suppression import (
    TOTAL_LABEL,
    ProtectedCells,
    ProtectedTable,
    protect_cells,
)
from nytte.council.metrics import AGE_BANDS, JOB_OR_EDUCATION, composition_summary
from nytte.council.periods import Period, month, month_label, quarter, year
from nytte.models import Unit
from nytte.models.council import AttendanceMonth, ReferralStats

TOTAL = "_total"
FUNNEL, EXITS = "funnel", "exits"
FLOW_GROUPS = {
    FUNNEL: (("showed", "Mødte op"), ("never", "Mødte aldrig op")),
    EXITS: (("je", "Job eller uddannelse"), ("other", "Anden afgang")),
}
OTHER = "andet"
STOCK_DIMS: dict[str, tuple[tuple[str, str], ...]] = {
    "gender": (("K", "Kvinder"), ("M", "Mænd")),
    "benefit": (*BENEFIT_NAMES.items(), (OTHER, "Anden ydelse")),
    "age": (*((label, label) for _, _, label in AGE_BANDS), ("Uoplyst", "Uoplyst")),
}
ENROLLED = ("enrolled", TOTAL)


def year_periods(year_no: int) -> list[Period]:
    """The year, its quarters and its months: every period a reviewer can pick."""
    return [year(year_no), *(quarter(year_no, q) for q in range(1, 5)),
            *(month(year_no, m) for m in range(1, 13))]


def _parts(p: Period) -> list[Period]:
    """The periods that add up to ``p`` (a year's quarters, a quarter's months)."""
    if p.start.month == 1 and p.end.month == 12:
        return [quarter(p.start.year, q) for q in range(1, 5)]
    if p.start.month != p.end.month:
        return [month(p.start.year, m) for m in range(p.start.month, p.end.month + 1)]
    return []


@dataclass(frozen=True)
class ShareRow:
    municipality: str
    attendance_rate: float | None
    show_up_rate: float | None
    exits_job_education: float | None
    no_data: bool = False


@dataclass(frozen=True)
class RegionalYear:
    """The protected counts of one region and year; views are cut from it."""

    region_code: str
    region_name: str
    year: int
    codes: tuple[str, ...]
    names: tuple[str, ...]
    no_data: frozenset[str]  # municipalities without any data in Nytte
    flows: ProtectedCells
    stock: ProtectedCells
    attendance: dict[tuple[Period, str], tuple[int, int]]  # (present, expected) days
    other_benefit: bool  # an "other benefit" column is needed this year
    newest_month: date | None

    def _no_data_rows(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.codes) if c in self.no_data)

    def flow_table(self, flow: str, p: Period) -> ProtectedTable:
        groups = [g for g, _ in FLOW_GROUPS[flow]] + [TOTAL]
        rows = [(name, [(flow, p, code, g) for g in groups])
                for code, name in zip(self.codes, self.names, strict=True)]
        rows.append((TOTAL_LABEL, [(flow, p, TOTAL, g) for g in groups]))
        return self.flows.table(rows, [label for _, label in FLOW_GROUPS[flow]] + [TOTAL_LABEL],
                                row_title="Kommune", row_totals=True, col_totals=True,
                                no_data_rows=self._no_data_rows())

    def stock_table(self, dim: str, p: Period) -> ProtectedTable:
        cats = [c for c in STOCK_DIMS[dim] if c[0] != OTHER or self.other_benefit]
        keys: list[tuple[str, str]] = [(dim, k) for k, _ in cats] + [ENROLLED]
        rows = [(name, [(p, code, *k) for k in keys])
                for code, name in zip(self.codes, self.names, strict=True)]
        rows.append((TOTAL_LABEL, [(p, TOTAL, *k) for k in keys]))
        return self.stock.table(rows, [label for _, label in cats] + [TOTAL_LABEL],
                                row_title="Kommune", row_totals=True, col_totals=True,
                                no_data_rows=self._no_data_rows())

    def monthly_table(self, p: Period, latest: date | None) -> ProtectedTable:
        rows = []
        for m in p.months():
            mp = month(m.year, m.month)
            label = month_label(m) + (" (foreløbig)" if m == latest else "")
            rows.append((label, [(mp, code, *ENROLLED) for code in self.codes]))
        return self.stock.table(rows, list(self.names), row_title="Måned",
                                no_data_cols=self._no_data_rows())

    def shares(self, p: Period) -> tuple[ShareRow, ...]:
        out = []
        for code, name in zip(self.codes, self.names, strict=True):
            if code in self.no_data:
                out.append(ShareRow(name, None, None, None, no_data=True))
                continue
            enrolled = self.stock.get((p, code, *ENROLLED))
            present, expected = self.attendance.get((p, code), (0, 0))
            out.append(ShareRow(
                municipality=name,
                # A rate over few persons describes those persons: shown only when
                # the number enrolled is shown and at least 5.
                attendance_rate=(present / expected if enrolled is not None and enrolled >= 5
                                 and expected else None),
                show_up_rate=self._share(FUNNEL, p, code, "showed"),
                exits_job_education=self._share(EXITS, p, code, "je"),
            ))
        return tuple(out)

    def _share(self, flow: str, p: Period, code: str, part: str) -> float | None:
        """A share only where its count and its base are both shown (it adds nothing)."""
        num = self.flows.get((flow, p, code, part))
        den = self.flows.get((flow, p, code, TOTAL))
        if num is None or den is None or den == 0:
            return None
        return num / den


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _flow_counts(session: Session, codes: Sequence[str], year_no: int
                 ) -> dict[tuple[str, str, int, str], int]:
    """(flow, code, month number, group) -> count, from the referral summary."""
    rs = ReferralStats
    lo, hi = date(year_no, 1, 1), date(year_no, 12, 31)
    out: dict[tuple[str, str, int, str], int] = {}
    for code, day, n, showed in session.execute(
        select(rs.municipality_code, rs.expected_start, func.count(),
               func.sum(case((rs.first_present.is_not(None), 1), else_=0)))
        .where(rs.municipality_code.in_(codes), rs.expected_start >= lo,
               rs.expected_start <= hi)
        .group_by(rs.municipality_code, rs.expected_start)
    ):
        m = _as_date(day).month
        for g, v in (("showed", int(showed or 0)), ("never", int(n) - int(showed or 0))):
            key = (FUNNEL, str(code), m, g)
            out[key] = out.get(key, 0) + v
    for code, day, n, je in session.execute(
        select(rs.municipality_code, rs.ended_on, func.count(),
               func.sum(case((rs.exit_outcome.in_(JOB_OR_EDUCATION), 1), else_=0)))
        .where(rs.municipality_code.in_(codes), rs.ended_on >= lo, rs.ended_on <= hi)
        .group_by(rs.municipality_code, rs.ended_on)
    ):
        m = _as_date(day).month
        for g, v in (("je", int(je or 0)), ("other", int(n) - int(je or 0))):
            key = (EXITS, str(code), m, g)
            out[key] = out.get(key, 0) + v
    return out


def _protect_flows(codes: Sequence[str], year_no: int,
                   counts: dict[tuple[str, str, int, str], int]) -> ProtectedCells:
    periods = year_periods(year_no)
    values: dict[Hashable, int] = {}
    relations: list[tuple[Hashable, list[Hashable]]] = []
    for flow, groups in FLOW_GROUPS.items():
        gkeys = [g for g, _ in groups]
        for p in periods:
            months = [m.month for m in p.months()]
            for code in codes:
                for g in gkeys:
                    values[(flow, p, code, g)] = sum(counts.get((flow, code, m, g), 0)
                                                     for m in months)
                values[(flow, p, code, TOTAL)] = sum(values[(flow, p, code, g)] for g in gkeys)
            for g in [*gkeys, TOTAL]:
                values[(flow, p, TOTAL, g)] = sum(values[(flow, p, c, g)] for c in codes)
        for p in periods:
            for code in [*codes, TOTAL]:
                # groups add up to I alt; municipalities to the region; parts to the period
                relations.append(((flow, p, code, TOTAL), [(flow, p, code, g) for g in gkeys]))
                for g in [*gkeys, TOTAL]:
                    parts = _parts(p)
                    if parts:
                        relations.append(((flow, p, code, g), [(flow, q, code, g) for q in parts]))
            for g in [*gkeys, TOTAL]:
                relations.append(((flow, p, TOTAL, g), [(flow, p, c, g) for c in codes]))
    return protect_cells(values, relations)


def _protect_stock(session: Session, codes: Sequence[str], year_no: int
                   ) -> tuple[ProtectedCells, bool]:
    values: dict[Hashable, int] = {}
    relations: list[tuple[Hashable, list[Hashable]]] = []
    other = False
    for p in year_periods(year_no):
        comp = composition_summary(session, list(codes), p)
        for code in codes:
            total = sum(comp[code]["gender"].values())
            values[(p, code, *ENROLLED)] = total
            for dim, cats in STOCK_DIMS.items():
                known = 0
                for k, _ in cats:
                    if k == OTHER:
                        continue
                    v = comp[code][dim].get(k, 0)
                    values[(p, code, dim, k)] = v
                    known += v
                if dim == "benefit":
                    values[(p, code, dim, OTHER)] = total - known
                    other = other or total != known
                elif known != total:
                    raise ValueError(f"Gruppen {dim} dækker ikke alle indskrevne.")
        all_keys = [ENROLLED, *((dim, k) for dim, cats in STOCK_DIMS.items() for k, _ in cats)]
        for key in all_keys:
            values[(p, TOTAL, *key)] = sum(values[(p, c, *key)] for c in codes)
            relations.append(((p, TOTAL, *key), [(p, c, *key) for c in codes]))
        for code in [*codes, TOTAL]:
            for dim, cats in STOCK_DIMS.items():
                relations.append(((p, code, *ENROLLED), [(p, code, dim, k) for k, _ in cats]))
    # Each period's stock cells are related only among themselves: protecting them
    # in one call is the same as one call per period.
    return protect_cells(values, relations), other


def _attendance(session: Session, codes: Sequence[str], year_no: int
                ) -> dict[tuple[Period, str], tuple[int, int]]:
    am = AttendanceMonth
    by_month: dict[tuple[str, int], tuple[int, int]] = {}
    for code, m, present, expected in session.execute(
        select(am.municipality_code, am.month, func.sum(am.present_days),
               func.sum(am.expected_days))
        .where(am.municipality_code.in_(codes), am.month >= date(year_no, 1, 1),
               am.month <= date(year_no, 12, 31))
        .group_by(am.municipality_code, am.month)
    ):
        by_month[(str(code), _as_date(m).month)] = (int(present or 0), int(expected or 0))
    out = {}
    for p in year_periods(year_no):
        for code in codes:
            vals = [by_month.get((code, m.month), (0, 0)) for m in p.months()]
            out[(p, code)] = (sum(v[0] for v in vals), sum(v[1] for v in vals))
    return out


def build_regional_year(session: Session, region_code: str, region_name: str,
                        munis: Sequence[tuple[str, str]], year_no: int) -> RegionalYear:
    """Query and protect everything for the region's year (callers check the role)."""
    codes = [c for c, _ in munis]
    with_data = set(session.scalars(
        select(Unit.municipality_code).where(Unit.municipality_code.in_(codes)).distinct()))
    stock, other = _protect_stock(session, codes, year_no)
    newest = session.scalar(select(func.max(AttendanceMonth.month)))
    return RegionalYear(
        region_code=region_code, region_name=region_name, year=year_no,
        codes=tuple(codes), names=tuple(n for _, n in munis),
        no_data=frozenset(c for c in codes if c not in with_data),
        flows=_protect_flows(codes, year_no, _flow_counts(session, codes, year_no)),
        stock=stock, attendance=_attendance(session, codes, year_no),
        other_benefit=other,
        newest_month=_as_date(newest) if newest is not None else None,
    )

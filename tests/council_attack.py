"""An attacker's view of the council page: everything a reviewer can download for a
region and a year, and linear-programming bounds on every hidden cell.

The attacker reads only the published files (the page's CSV download for the year,
each quarter and each month, through the same function as the page and the
``council export`` command) and knows how they relate:

* every table with ``I alt`` adds up along its rows and columns;
* the flow tables (new referrals and whether they showed up; exits) add up over
  time: the year is its quarters, a quarter its months;
* the enrolled tables by gender, benefit and age share their ``I alt`` column, and
  the monthly table of enrolled persons repeats each month's ``I alt`` column;
* a municipality's enrolled persons in a quarter or a year are at least those of
  any of its months and at most their sum;
* counts are whole and not negative; "ingen data" is zero.

For every hidden cell it minimises and maximises the cell. A hidden cell whose
whole-number range is a single value from 1 to 4 is a disclosed small count.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from nytte.council.periods import Period, month_label
from nytte.council.regional import year_periods

FLOW_TITLES = ("Nye henvisninger og fremmøde", "Afsluttede forløb")
STOCK_TITLES = ("Indskrevne efter køn", "Indskrevne efter ydelsesgruppe",
                "Indskrevne efter alder")
MONTHLY_TITLE = "Indskrevne pr. måned"
TOTAL = "I alt"


def parse_tables(content: bytes) -> dict[str, list[list[str]]]:
    """Title -> rows (header first) of the page's CSV download."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    out: dict[str, list[list[str]]] = {}
    block: list[list[str]] = []
    for row in [*rows, []]:
        if row:
            block.append(row)
            continue
        if len(block) >= 3 and len(block[0]) == 1:
            out[block[0][0]] = block[1:]
        block = []
    return out


def _count(text: str) -> int | None:
    """A visible count, None for hidden; 'ingen data' is a known zero."""
    if text == "..":
        return None
    if text == "ingen data":
        return 0
    return int(text.replace(".", ""))


@dataclass
class Attack:
    """Cells (by identity) with a known value or unknown, and the relations."""

    known: dict[Hashable, int] = field(default_factory=dict)
    unknown: set[Hashable] = field(default_factory=set)
    equal: list[tuple[Hashable, list[Hashable]]] = field(default_factory=list)
    at_least: list[tuple[Hashable, Hashable]] = field(default_factory=list)  # a >= b
    at_most_sum: list[tuple[Hashable, list[Hashable]]] = field(default_factory=list)

    def see(self, key: Hashable, text: str) -> None:
        v = _count(text)
        if v is None:
            if key in self.known:
                raise AssertionError(f"{key} is shown in one view and hidden in another")
            self.unknown.add(key)
        else:
            if key in self.unknown or self.known.get(key, v) != v:
                raise AssertionError(f"{key} differs between views")
            self.known[key] = v

    def bounds(self) -> dict[Hashable, tuple[float, float]]:
        """(min, max) of each unknown cell, by linear programming; for a cell already
        seen at two whole values, a range inside its (min, max)."""
        var = sorted(self.unknown, key=repr)
        pos = {k: i for i, k in enumerate(var)}
        n = len(var)
        eq_rows: list[dict[int, float]] = []
        eq_b: list[float] = []
        ub_rows: list[dict[int, float]] = []
        ub_b: list[float] = []

        def linear(terms: list[tuple[Hashable, float]]) -> tuple[dict[int, float], float]:
            coeffs: dict[int, float] = {}
            const = 0.0
            for k, sign in terms:
                if k in pos:
                    coeffs[pos[k]] = coeffs.get(pos[k], 0.0) + sign
                else:
                    const += sign * self.known[k]
            return coeffs, const

        for total, parts in self.equal:
            coeffs, const = linear([(total, 1.0), *((p, -1.0) for p in parts)])
            if coeffs:
                eq_rows.append(coeffs)
                eq_b.append(-const)
            elif abs(const) > 1e-9:
                raise AssertionError(f"published figures do not add up at {total}")
        for a, b in self.at_least:  # b - a <= 0
            coeffs, const = linear([(b, 1.0), (a, -1.0)])
            if coeffs:
                ub_rows.append(coeffs)
                ub_b.append(-const)
        for total, parts in self.at_most_sum:  # total - sum(parts) <= 0
            coeffs, const = linear([(total, 1.0), *((p, -1.0) for p in parts)])
            if coeffs:
                ub_rows.append(coeffs)
                ub_b.append(-const)

        # Split into independent groups of unknowns (linked by some relation).
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in eq_rows + ub_rows:
            js = list(row)
            for j in js[1:]:
                parent[find(js[0])] = find(j)
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        out: dict[Hashable, tuple[float, float]] = {}
        for members in groups.values():
            for j, lo_hi in _group_bounds(members, eq_rows, eq_b, ub_rows, ub_b).items():
                out[var[j]] = lo_hi
        return out

    def disclosed_small(self) -> list[tuple[Hashable, int]]:
        """Hidden cells pinned to one whole value from 1 to 4."""
        out = []
        for key, (lo, hi) in self.bounds().items():
            a, b = math.ceil(lo - 1e-7), math.floor(hi + 1e-7)
            if a == b and 1 <= a <= 4:
                out.append((key, a))
        return out


def attack_year(download: Callable[[Period], bytes], year_no: int) -> Attack:
    """Read every period's download of the year and set up the attack."""
    atk = Attack()
    periods = year_periods(year_no)
    labels = {month_label(p.start): p for p in periods if p.start.month == p.end.month
              and len(p.months()) == 1}
    seen_munis: list[str] = []
    for p in periods:
        tables = parse_tables(download(p))
        for title in (*FLOW_TITLES, *STOCK_TITLES):
            rows = tables[title]
            header, body = rows[0], rows[1:]
            cols = header[1:]
            muni_rows = [r[0] for r in body]
            seen_munis = [m for m in muni_rows if m != TOTAL]
            family = title if title in FLOW_TITLES else "enrolled"

            def key(row: str, col: str, title: str = title, family: str = family,
                    p: Period = p) -> Hashable:
                if family == "enrolled" and col == TOTAL:
                    return ("enrolled", p, row, TOTAL)  # shared by the three tables
                return (family, title, p, row, col)

            for r in body:
                for col, text in zip(cols, r[1:], strict=True):
                    atk.see(key(r[0], col), text)
            for r in body:  # rows add up to I alt
                atk.equal.append((key(r[0], TOTAL), [key(r[0], c) for c in cols if c != TOTAL]))
            for col in cols:  # municipalities add up to the region
                atk.equal.append((key(TOTAL, col), [key(m, col) for m in muni_rows
                                                    if m != TOTAL]))
        monthly = tables[MONTHLY_TITLE]
        names = monthly[0][1:]
        for r in monthly[1:]:
            mp = labels[r[0].replace(" (foreløbig)", "")]
            for name, text in zip(names, r[1:], strict=True):
                atk.see(("enrolled", mp, name, TOTAL), text)
    # Over time: flows add up, stocks are bounded by their months.
    for p in periods:
        months = [labels[month_label(m)] for m in p.months()]
        if len(months) == 1:
            continue
        parts = ([q for q in periods if len(q.months()) == 3] if len(months) == 12
                 else months)
        for title in FLOW_TITLES:
            for row in [*seen_munis, TOTAL]:
                for col in _flow_cols(title):
                    atk.equal.append(((title, title, p, row, col),
                                      [(title, title, q, row, col) for q in parts]))
        for row in [*seen_munis, TOTAL]:
            total = ("enrolled", p, row, TOTAL)
            for m in months:
                atk.at_least.append((total, ("enrolled", m, row, TOTAL)))
            atk.at_most_sum.append((total, [("enrolled", m, row, TOTAL) for m in months]))
    return atk


def _flow_cols(title: str) -> tuple[str, ...]:
    if title == FLOW_TITLES[0]:
        return ("Mødte op", "Mødte aldrig op", TOTAL)
    return ("Job eller uddannelse", "Anden afgang", TOTAL)


def _sub(rows: list[dict[int, float]], rhs: list[float], local: dict[int, int]
         ) -> tuple[csr_matrix | None, np.ndarray | None]:
    picked = [(row, b) for row, b in zip(rows, rhs, strict=True) if next(iter(row)) in local]
    if not picked:
        return None, None
    r = [i for i, (row, _) in enumerate(picked) for _ in row]
    c = [local[j] for row, _ in picked for j in row]
    d = [v for row, _ in picked for v in row.values()]
    return (csr_matrix((d, (r, c)), shape=(len(picked), len(local))),
            np.array([b for _, b in picked]))


def _group_bounds(members: list[int], eq_rows: list[dict[int, float]], eq_b: list[float],
                  ub_rows: list[dict[int, float]], ub_b: list[float]
                  ) -> dict[int, tuple[float, float]]:
    """Bounds of one independent group of unknowns."""
    local = {j: i for i, j in enumerate(members)}
    m = len(members)
    a_eq, b_eq = _sub(eq_rows, eq_b, local)
    a_ub, b_ub = _sub(ub_rows, ub_b, local)

    def solve(cvec: np.ndarray) -> tuple[int, float, np.ndarray | None]:
        lp = linprog(cvec, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub,
                     bounds=(0, None), method="highs")
        if lp.status == 3:
            return 3, math.inf, None
        assert lp.status == 0, lp.message
        return 0, float(lp.fun), np.asarray(lp.x)

    # Fillings found so far: a cell seen at two whole values cannot be pinned, so it
    # needs no LPs of its own (only a shortcut: every other cell is minimised and
    # maximised exactly).
    seen_lo = np.full(m, math.inf)
    seen_hi = np.full(m, -math.inf)

    def note(x: np.ndarray | None) -> None:
        if x is not None:
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

    rng = np.random.default_rng(0)
    for _ in range(6):
        note(solve(rng.normal(size=m))[2])
    out: dict[int, tuple[float, float]] = {}
    for j in members:
        i = local[j]
        if math.floor(seen_hi[i] + 1e-7) > math.ceil(seen_lo[i] - 1e-7):
            out[j] = (float(seen_lo[i]), float(seen_hi[i]))  # an inner range: enough
            continue
        lo_hi = []
        for sign in (1.0, -1.0):
            cvec = np.zeros(m)
            cvec[i] = sign
            status, fun, x = solve(cvec)
            note(x)
            lo_hi.append(math.inf if status == 3 else sign * fun)
        out[j] = (lo_hi[0], lo_hi[1])
    return out

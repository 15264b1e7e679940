"""Statistical discretion for everything a reviewer sees (diskretionering).

Every table, chart and export that leaves Nytte for the regional council's reviewer
role goes through :func:`protect`. It returns a :class:`ProtectedTable`, and the
reviewer-facing renderers and exporters accept nothing else, so an unprotected
count cannot reach that role by accident.

Rules (the same as Statistics Denmark's; docs/domain.md § 11):

* **Primary suppression.** A count of persons from 1 to 4 is hidden.
* **Zero is shown.** A true zero names nobody, and Statistics Denmark and
  Jobindsats show zeros too. A zero is never a primary cell; it may still be hidden
  as a complementary cell (that costs the least information).
* **Secondary (complementary) suppression.** When a table shows row or column
  totals, more cells are hidden until no hidden cell can be worked out from the
  visible cells and totals. We check this with linear programming: for every hidden
  cell we compute the smallest and largest value it can take given the published
  figures and that counts are whole and non-negative; if the two are equal, the
  cell is disclosed and another cell is hidden. This catches the classic "one
  hidden cell in a row", and also disclosures through chains of rows and columns.
* **Totals below 5** are hidden like any other count.
* **Rates and shares** built on a hidden count (numerator or denominator) are
  hidden too (:func:`protect_share`).

Hidden cells are all marked the same way (``..``), whether primary or secondary:
marking them differently would tell a reader which ones lie between 1 and 4.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 5
"""Counts from 1 to THRESHOLD - 1 are suppressed."""

MARK = ".."
"""How a suppressed cell is shown (as Statistics Denmark and Jobindsats do)."""

NOTE_DA = (
    "..: Udeladt af diskretionshensyn: færre end 5 personer, eller et tal som et "
    "udeladt tal ellers kunne regnes ud fra."
)

TOTAL_LABEL = "I alt"

NO_DATA = "ingen data"
"""How a cell is shown when Nytte has no data for it (not a measured zero)."""


def is_primary(value: int) -> bool:
    """True for a count that must never be shown: 1 to 4 persons."""
    return 0 < value < THRESHOLD


@dataclass(frozen=True)
class ProtectedTable:
    """A table of person counts after primary and secondary suppression.

    ``cells[r][c]`` is the count, or None where it is suppressed. When the table
    was built with totals, the last row and/or the last column is ``I alt``.
    Only :func:`protect` creates these.
    """

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_title: str = ""
    has_row_totals: bool = False
    has_col_totals: bool = False
    no_data_rows: frozenset[int] = frozenset()
    """Rows (municipalities) Nytte has no data for: shown as 'ingen data', never 0."""
    no_data_cols: frozenset[int] = frozenset()
    _token: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._token is not _PROTECT_TOKEN:
            raise TypeError("ProtectedTable is created by nytte.core.suppression.protect only")

    def value(self, row: str, col: str) -> int | None:
        return self.cells[self.row_labels.index(row)][self.col_labels.index(col)]

    def no_data(self, r: int, c: int) -> bool:
        return r in self.no_data_rows or c in self.no_data_cols

    def shown(self, r: int, c: int) -> str | int:
        """What a reader sees in a cell: the count, ``..`` or ``ingen data``."""
        if self.no_data(r, c):
            return NO_DATA
        v = self.cells[r][c]
        return MARK if v is None else v

    def display_rows(self) -> list[list[str]]:
        """Cells as Danish-formatted text, suppressed cells as ``..``."""
        from nytte.core.formats import fmt_int

        return [[s if isinstance(s, str) else fmt_int(s)
                 for s in (self.shown(r, c) for c in range(len(row)))]
                for r, row in enumerate(self.cells)]

    def records(self) -> list[dict[str, str | int | None]]:
        """One dict per row (label under ``row_title``), None for suppressed cells."""
        key = self.row_title or ""
        out: list[dict[str, str | int | None]] = []
        for label, row in zip(self.row_labels, self.cells, strict=True):
            rec: dict[str, str | int | None] = {key: label}
            rec.update(zip(self.col_labels, row, strict=True))
            out.append(rec)
        return out

    def visible_values(self) -> list[int]:
        return [v for row in self.cells for v in row if v is not None]

    @property
    def suppressed_count(self) -> int:
        return sum(1 for row in self.cells for v in row if v is None)


_PROTECT_TOKEN = object()


def _lines(n_rows: int, n_cols: int, row_totals: bool, col_totals: bool) -> list[list[int]]:
    """Additive constraints of the full grid (totals included) as lists of flat indices.

    Each line is [total_index, part_index, part_index, ...]: total = sum of parts.
    The grid has n_rows x n_cols inner cells plus a total column and/or row.
    """
    width = n_cols + (1 if row_totals else 0)
    height = n_rows + (1 if col_totals else 0)
    lines: list[list[int]] = []
    if row_totals:  # each row (the totals row too) sums to its last cell
        for r in range(height):
            lines.append([r * width + n_cols, *[r * width + c for c in range(n_cols)]])
    if col_totals:  # each column (the totals column too) sums to its last cell
        for c in range(width):
            lines.append([n_rows * width + c, *[r * width + c for r in range(n_rows)]])
    return lines


def disclosed_cells(
    values: Sequence[int], hidden: Sequence[bool], lines: list[list[int]]
) -> list[int]:
    """Hidden cells whose exact value follows from the visible figures.

    Solved per group of hidden cells linked by relations (independent problems)."""
    idx = [i for i, h in enumerate(hidden) if h]
    if not idx:
        return []
    by_cell: dict[int, list[int]] = {}
    for li, line in enumerate(lines):
        for c in line:
            if hidden[c]:
                by_cell.setdefault(c, []).append(li)
    out: list[int] = []
    for comp in _components(idx, lines, hidden):
        members = set(comp)
        sub = [lines[li] for li in sorted({li for c in comp for li in by_cell.get(c, [])})]
        mask = [i in members for i in range(len(hidden))] if len(comp) < len(idx) else hidden
        out += _disclosed_one(values, mask, sub)
    return sorted(out)


def _disclosed_one(
    values: Sequence[int], hidden: Sequence[bool], lines: list[list[int]]
) -> list[int]:
    """Hidden cells whose exact value follows from the visible figures.

    For each hidden cell, minimise and maximise it subject to every published
    additive relation holding and all counts being non-negative. Equal bounds mean
    the figure can be worked out. (The LP relaxation is sound here: the true
    integer values are feasible, and a unique LP optimum is the unique integer one.)
    """
    idx = [i for i, h in enumerate(hidden) if h]
    if not idx:
        return []
    pos = {cell: j for j, cell in enumerate(idx)}
    a_rows: list[list[float]] = []
    b: list[float] = []
    for line in lines:
        total, parts = line[0], line[1:]
        coeffs = [0.0] * len(idx)
        rhs = 0.0
        touched = False
        # total - sum(parts) = 0, with visible cells moved to the right-hand side
        for cell, sign in [(total, 1.0), *[(p, -1.0) for p in parts]]:
            if cell in pos:
                coeffs[pos[cell]] += sign
                touched = True
            else:
                rhs -= sign * values[cell]
        if touched:
            a_rows.append(coeffs)
            b.append(rhs)
    if not a_rows:
        return []  # hidden cells in no published relation cannot be worked out
    a_eq = np.array(a_rows)
    b_eq = np.array(b)
    n = len(idx)
    # One LP finds the cells forced to 0 in every filling: maximise sum(s) with
    # s_i <= x_i and s_i <= eps. Table constraints with integer totals have integer
    # vertices, so any cell not forced to 0 is >= 1 in some vertex, and the average
    # of those vertices has every such cell >= 1/n: all of them reach eps = 1/(n+1).
    eps = 1.0 / (n + 1)
    lp = linprog(
        np.concatenate([np.zeros(n), -np.ones(n)]),
        A_ub=np.hstack([-np.eye(n), np.eye(n)]), b_ub=np.zeros(n),
        A_eq=np.hstack([a_eq, np.zeros((a_eq.shape[0], n))]), b_eq=b_eq,
        bounds=[(0, None)] * n + [(0, eps)] * n, method="highs",
    )
    if lp.status != 0:
        raise RuntimeError("Diskretionskontrollen kunne ikke løses (inkonsistente tal).")
    forced = [j for j in range(n) if lp.x[n + j] < eps / 2]
    # The fillings' affine hull is {A x = b, x_forced = 0}; a cell is pinned exactly
    # when it is constant on that hull, i.e. its row of the null space is zero.
    m = np.vstack([a_eq, np.eye(n)[forced]]) if forced else a_eq
    _, sing, vt = np.linalg.svd(m)
    rank = int((sing > 1e-9 * max(1.0, sing.max())).sum()) if sing.size else 0
    null = vt[rank:].T  # n x (n - rank)
    out: list[int] = []
    for j, cell in enumerate(idx):
        if j in forced or null.shape[1] == 0 or np.abs(null[j]).max() < 1e-9:
            out.append(cell)
    return out


def _secondary(values: list[int], hidden: list[bool], lines: list[list[int]],
               total_cells: set[int], *, ignore_zeros: bool = False) -> list[bool]:
    """Add complementary suppressions until nothing hidden can be worked out.

    With ``ignore_zeros``, a hidden zero that can be worked out is let be: it reveals
    no person, and in linked structures with empty groups (a benefit nobody in the
    region receives) chasing them would hide everything."""
    hidden = list(hidden)
    lines_at: dict[int, list[list[int]]] = {}
    for line in lines:
        for c in line:
            lines_at.setdefault(c, []).append(line)

    def exposed(c: int) -> int:
        """Lines through ``c`` that now have exactly one hidden figure."""
        return sum(1 for line in lines_at.get(c, []) if sum(hidden[x] for x in line) == 1)

    def pick(line: list[int]) -> int | None:
        # Prefer inner cells (hiding a total hides more), then a cell that closes
        # other exposed lines too (hidden cells forming rectangles, not chains),
        # then the smallest value: that loses the least information for the reader.
        candidates = [c for c in line if not hidden[c]]
        if not candidates:
            return None
        return min(candidates, key=lambda c: (c in total_cells, ignore_zeros and values[c] == 0,
                                              -exposed(c), values[c], c))

    for _ in range(len(values) + 1):
        changed = False
        # Fast rule: a line with exactly one hidden figure gives it away.
        for line in lines:
            single = [c for c in line if hidden[c]]
            if len(single) == 1 and (not ignore_zeros or values[single[0]] != 0):
                chosen = pick(line)
                if chosen is not None:
                    hidden[chosen] = True
                    changed = True
        if changed:
            continue
        leaks = disclosed_cells(values, hidden, lines)
        if ignore_zeros:
            leaks = [c for c in leaks if values[c] != 0]
        if not leaks:
            return hidden
        # Hide one more figure in a line through each leaking cell.
        for leak in leaks:
            options = [c for line in lines_at.get(leak, []) for c in line if not hidden[c]]
            if not options:
                # Everything around it is hidden already; hide the whole grid.
                return [True] * len(values)
            chosen = min(options, key=lambda c: (c in total_cells, values[c], c))
            hidden[chosen] = True
    return [True] * len(values)


def protect(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    row_totals: bool = False,
    col_totals: bool = False,
    row_title: str = "",
    hide_row_totals: frozenset[int] = frozenset(),
    unknown: frozenset[tuple[int, int]] = frozenset(),
) -> ProtectedTable:
    """Suppress a table of person counts for the reviewer role.

    ``counts`` holds the inner cells only; the totals are computed here (so they
    always add up) and appended as an ``I alt`` column (``row_totals``) and/or row
    (``col_totals``). Without totals, only primary suppression applies: cells
    that are not summed anywhere cannot be worked out from each other.
    ``unknown`` marks inner cells the source already suppressed (their count is
    passed as 0); they are hidden, and only allowed in tables without totals.
    """
    if unknown and (row_totals or col_totals):
        raise ValueError("Tal, som kilden har udeladt, kan ikke indgå i en tabel med totaler.")
    n_rows = len(counts)
    n_cols = len(col_labels)
    if len(row_labels) != n_rows or any(len(r) != n_cols for r in counts):
        raise ValueError("Tabellens rækker og kolonner passer ikke til etiketterne.")
    grid: list[list[int]] = []
    for row in counts:
        clean = [int(v) for v in row]
        if any(v < 0 for v in clean):
            raise ValueError("Antal personer kan ikke være negativt.")
        grid.append(clean + ([sum(clean)] if row_totals else []))
    if col_totals:
        width = n_cols + (1 if row_totals else 0)
        grid.append([sum(grid[r][c] for r in range(n_rows)) for c in range(width)])
    width = n_cols + (1 if row_totals else 0)
    flat = [v for row in grid for v in row]
    hidden = [is_primary(v) for v in flat]
    for r, c in unknown:
        hidden[r * width + c] = True
    for r in hide_row_totals:  # hidden in a linked table that shows the same totals
        if row_totals:
            hidden[r * width + n_cols] = True
    lines = _lines(n_rows, n_cols, row_totals, col_totals)
    total_cells = {line[0] for line in lines}
    if lines:
        hidden = _secondary(flat, hidden, lines, total_cells)
    cells = tuple(
        tuple(None if hidden[r * width + c] else flat[r * width + c] for c in range(width))
        for r in range(len(grid))
    )
    return ProtectedTable(
        row_labels=tuple(row_labels) + ((TOTAL_LABEL,) if col_totals else ()),
        col_labels=tuple(col_labels) + ((TOTAL_LABEL,) if row_totals else ()),
        cells=cells,
        row_title=row_title,
        has_row_totals=row_totals,
        has_col_totals=col_totals,
        _token=_PROTECT_TOKEN,
    )


@dataclass(frozen=True)
class TableSpec:
    """Inner counts and labels of one table for :func:`protect_linked`."""

    counts: Sequence[Sequence[int]]
    col_labels: Sequence[str]


def protect_linked(
    specs: Sequence[TableSpec],
    *,
    row_labels: Sequence[str],
    row_title: str = "",
) -> list[ProtectedTable]:
    """Protect several tables that break the same row totals down different ways.

    Enrolled by gender and enrolled by benefit group share each municipality's
    total; a total hidden in one table but shown in the other would let a reader
    undo the first table's suppression. So a row total hidden in any table is
    hidden in all, repeated until no table hides more.
    """
    hidden_rows: frozenset[int] = frozenset()
    for _ in range(len(row_labels) + 2):
        tables = [
            protect(spec.counts, row_labels=row_labels, col_labels=spec.col_labels,
                    row_totals=True, col_totals=True, row_title=row_title,
                    hide_row_totals=hidden_rows)
            for spec in specs
        ]
        now = frozenset(
            r for t in tables for r, row in enumerate(t.cells) if row[-1] is None
        )
        if now == hidden_rows:
            return tables
        hidden_rows = now
    raise RuntimeError("Diskretionen af de sammenhængende tabeller stabiliserede sig ikke.")


def protect_share(numerator: int, denominator: int) -> float | None:
    """A share of persons for the reviewer, or None when it would reveal a small count.

    With the denominator shown, a share gives away its numerator and the rest
    (denominator - numerator), so all three must be 0 or at least 5.
    """
    if denominator <= 0 or any(
        is_primary(v) for v in (numerator, denominator, denominator - numerator)
    ):
        return None
    return numerator / denominator


def _components(hidden_idx: Sequence[int], lines: list[list[int]],
                hidden: Sequence[bool]) -> list[list[int]]:
    """Groups of hidden cells linked through published relations (union-find)."""
    parent = {c: c for c in hidden_idx}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for line in lines:
        hid = [c for c in line if hidden[c]]
        for other in hid[1:]:
            ra, rb = find(hid[0]), find(other)
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for c in hidden_idx:
        groups.setdefault(find(c), []).append(c)
    return list(groups.values())


def cell_bounds(values: Sequence[int], hidden: Sequence[bool], lines: list[list[int]],
                only: Sequence[int] | None = None) -> dict[int, tuple[float, float]]:
    """(min, max) of each hidden cell (or those in ``only``) over every non-negative
    filling that keeps the published relations, by linear programming."""
    from scipy.sparse import csr_matrix

    idx = [i for i, h in enumerate(hidden) if h]
    wanted = set(idx if only is None else only)
    out: dict[int, tuple[float, float]] = {}
    by_cell: dict[int, list[int]] = {}
    for li, line in enumerate(lines):
        for c in line:
            if hidden[c]:
                by_cell.setdefault(c, []).append(li)
    for comp in _components(idx, lines, hidden):
        targets = [c for c in comp if c in wanted]
        if not targets:
            continue
        pos = {cell: j for j, cell in enumerate(comp)}
        line_ids = sorted({li for c in comp for li in by_cell.get(c, [])})
        if not line_ids:
            for c in targets:
                out[c] = (0.0, float("inf"))
            continue
        rows, cols, data, b = [], [], [], []
        for r, li in enumerate(line_ids):
            line = lines[li]
            rhs = 0.0
            for cell, sign in [(line[0], 1.0), *[(p, -1.0) for p in line[1:]]]:
                if cell in pos:
                    rows.append(r)
                    cols.append(pos[cell])
                    data.append(sign)
                else:
                    rhs -= sign * values[cell]
            b.append(rhs)
        n = len(comp)
        a_eq = csr_matrix((data, (rows, cols)), shape=(len(line_ids), n))
        b_eq = np.array(b)
        for cell in targets:
            bounds = []
            for sign in (1.0, -1.0):
                objective = np.zeros(n)
                objective[pos[cell]] = sign
                lp = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                             method="highs")
                if lp.status == 3:  # unbounded above
                    bounds.append(float("inf"))
                    continue
                if lp.status != 0:
                    raise RuntimeError(
                        "Diskretionskontrollen kunne ikke løses (inkonsistente tal).")
                bounds.append(sign * float(lp.fun))
            out[cell] = (bounds[0], bounds[1])
    return out


def pinned_cells(values: Sequence[int], hidden: Sequence[bool],
                 lines: list[list[int]], only: Sequence[int] | None = None) -> list[int]:
    """Hidden cells whose whole-number range, from linear programming, is one value.

    For every hidden cell: minimise and maximise it subject to every published
    relation and non-negativity, then round the bounds inwards (counts are whole).
    Stricter than :func:`disclosed_cells` on tables of three or more dimensions,
    where the LP optimum need not be a whole number."""
    return [cell for cell, (lo, hi) in cell_bounds(values, hidden, lines, only).items()
            if np.ceil(lo - 1e-7) >= np.floor(hi + 1e-7)]


Key = Hashable


@dataclass(frozen=True)
class ProtectedCells:
    """Counts under keys, suppressed together over every relation between them.

    Every table a view publishes is cut from one of these (:meth:`table`), so a
    figure shown in two views is hidden in both or in neither, and the relations
    between views (a year is its quarters, a region its municipalities) were part
    of the suppression. Only :func:`protect_cells` creates these."""

    values: Mapping[Key, int]
    hidden: frozenset[Key]
    _token: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._token is not _PROTECT_TOKEN:
            raise TypeError(
                "ProtectedCells is created by nytte.core.suppression.protect_cells only")

    def get(self, key: Key) -> int | None:
        return None if key in self.hidden else self.values[key]

    def table(
        self,
        rows: Sequence[tuple[str, Sequence[Key]]],
        col_labels: Sequence[str],
        *,
        row_title: str = "",
        row_totals: bool = False,
        col_totals: bool = False,
        no_data_rows: frozenset[int] = frozenset(),
        no_data_cols: frozenset[int] = frozenset(),
    ) -> ProtectedTable:
        """A table whose cell (r, c) is the value under ``rows[r][1][c]``."""
        return ProtectedTable(
            row_labels=tuple(label for label, _ in rows),
            col_labels=tuple(col_labels),
            cells=tuple(tuple(self.get(k) for k in keys) for _, keys in rows),
            row_title=row_title, has_row_totals=row_totals, has_col_totals=col_totals,
            no_data_rows=no_data_rows, no_data_cols=no_data_cols, _token=_PROTECT_TOKEN,
        )


def protect_cells(
    values: Mapping[Key, int],
    relations: Sequence[tuple[Key, Sequence[Key]]],
    *,
    exact: bool = False,
) -> ProtectedCells:
    """Primary and secondary suppression over any additive relations between counts.

    ``relations`` are (total, parts): total = sum of parts. Cells may lie in many
    relations (a municipality's year total is in the year's column of the region
    table and is the sum of its quarters). With ``exact``, a final check bounds every
    hidden count of 1-4 by linear programming with whole-number rounding and hides
    more until none is pinned to one value."""
    keys = list(values)
    pos = {k: i for i, k in enumerate(keys)}
    flat = [int(values[k]) for k in keys]
    if any(v < 0 for v in flat):
        raise ValueError("Antal personer kan ikke være negativt.")
    lines = [[pos[t], *(pos[p] for p in parts)] for t, parts in relations]
    for line in lines:
        if flat[line[0]] != sum(flat[p] for p in line[1:]):
            raise ValueError("Tallene hænger ikke sammen: en total er ikke summen af delene.")
    hidden = [is_primary(v) for v in flat]
    total_cells = {line[0] for line in lines}
    if lines:
        hidden = _secondary(flat, hidden, lines, total_cells, ignore_zeros=True)
        for _ in range(len(flat)):
            if not exact:
                break
            small = [i for i, v in enumerate(flat) if is_primary(v)]
            leaks = pinned_cells(flat, hidden, lines, small)
            if not leaks:
                break
            for leak in leaks:
                options = [c for line in lines if leak in line for c in line if not hidden[c]]
                if not options:
                    hidden = [True] * len(flat)
                    break
                hidden[min(options, key=lambda c: (c in total_cells, flat[c], c))] = True
            hidden = _secondary(flat, hidden, lines, total_cells, ignore_zeros=True)
    return ProtectedCells(
        values={k: flat[i] for i, k in enumerate(keys)},
        hidden=frozenset(k for i, k in enumerate(keys) if hidden[i]),
        _token=_PROTECT_TOKEN,
    )

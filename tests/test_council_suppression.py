"""Discretion: no count 1-4 is visible, and no hidden cell can be worked out.

The attackers here are written independently of nytte.core.suppression's own LP check:
they propagate single unknowns through rows and columns, test for linear
determination with matrix ranks, and brute-force small tables.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from nytte.core.suppression import (
    MARK,
    THRESHOLD,
    ProtectedTable,
    protect,
    protect_share,
)


def _full(t: ProtectedTable, counts: list[list[int]]) -> list[list[int]]:
    """The true table including totals, as the attacker does not know it."""
    rows = [r + ([sum(r)] if t.has_row_totals else []) for r in counts]
    if t.has_col_totals:
        rows.append([sum(col) for col in zip(*rows, strict=True)])
    return rows


def _relations(t: ProtectedTable) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    n_r = len(t.row_labels) - (1 if t.has_col_totals else 0)
    n_c = len(t.col_labels) - (1 if t.has_row_totals else 0)
    rel = []
    if t.has_row_totals:
        for r in range(len(t.row_labels)):
            rel.append(((r, n_c), [(r, c) for c in range(n_c)]))
    if t.has_col_totals:
        for c in range(len(t.col_labels)):
            rel.append(((n_r, c), [(r, c) for r in range(n_r)]))
    return rel


def propagate_attack(t: ProtectedTable) -> dict[tuple[int, int], int]:
    """Repeatedly solve any relation with a single unknown."""
    known = {(r, c): v for r, row in enumerate(t.cells) for c, v in enumerate(row) if v is not None}
    derived: dict[tuple[int, int], int] = {}
    changed = True
    while changed:
        changed = False
        for total, parts in _relations(t):
            cells = [total, *parts]
            unknown = [x for x in cells if x not in known]
            if len(unknown) == 1:
                u = unknown[0]
                s = sum(known[p] for p in parts if p in known)
                val = known[total] - s if u != total else s
                known[u] = val
                derived[u] = val
                changed = True
    return derived


def rank_attack(t: ProtectedTable) -> list[tuple[int, int]]:
    """Hidden cells whose unit vector lies in the row space of the relations."""
    hidden = [(r, c) for r, row in enumerate(t.cells) for c, v in enumerate(row) if v is None]
    if not hidden:
        return []
    pos = {h: i for i, h in enumerate(hidden)}
    rows = []
    for total, parts in _relations(t):
        vec = np.zeros(len(hidden))
        for cell, sign in [(total, 1.0), *[(p, -1.0) for p in parts]]:
            if cell in pos:
                vec[pos[cell]] += sign
        if vec.any():
            rows.append(vec)
    if not rows:
        return []
    a = np.array(rows)
    base = np.linalg.matrix_rank(a)
    out = []
    for h, i in pos.items():
        e = np.zeros(len(hidden))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == base:
            out.append(h)
    return out


def brute_force_attack(t: ProtectedTable, counts: list[list[int]]) -> list[tuple[int, int]]:
    """Enumerate every non-negative integer filling of the hidden inner cells that
    matches all visible figures; report hidden cells (totals too) left with one value.
    """
    n_r, n_c = len(counts), len(counts[0])
    full = _full(t, counts)
    grand = sum(map(sum, counts))
    inner_hidden = [(r, c) for r in range(n_r) for c in range(n_c) if t.cells[r][c] is None]
    ranges = []
    for r, c in inner_hidden:
        bounds = [grand]
        if t.has_row_totals and t.cells[r][n_c] is not None:
            bounds.append(t.cells[r][n_c])  # type: ignore[arg-type]
        if t.has_col_totals and t.cells[n_r][c] is not None:
            bounds.append(t.cells[n_r][c])  # type: ignore[arg-type]
        ranges.append(range(min(bounds) + 1))
    size = 1
    for rg in ranges:
        size *= len(rg)
    if size > 300_000:
        pytest.skip("too many fillings to enumerate; the rank attack covers this table")
    all_hidden = [(r, c) for r, row in enumerate(t.cells) for c, v in enumerate(row) if v is None]
    possible: dict[tuple[int, int], set[int]] = {h: set() for h in all_hidden}
    for combo in itertools.product(*ranges):
        grid = [row[:] for row in full]
        for (r, c), v in zip(inner_hidden, combo, strict=True):
            grid[r][c] = v
        if t.has_row_totals:
            for r in range(n_r):
                grid[r][n_c] = sum(grid[r][:n_c])
        if t.has_col_totals:
            for c in range(len(grid[0])):
                grid[n_r][c] = sum(grid[r][c] for r in range(n_r))
        if any(v is not None and grid[r][c] != v
               for r, row in enumerate(t.cells) for c, v in enumerate(row)):
            continue
        for r, c in all_hidden:
            possible[(r, c)].add(grid[r][c])
    assert all(possible.values()), "the true table must be among the fillings"
    return [h for h, vals in possible.items() if len(vals) == 1]


def _assert_safe(t: ProtectedTable) -> None:
    assert all(v == 0 or v >= THRESHOLD for v in t.visible_values())
    assert propagate_attack(t) == {}
    assert rank_attack(t) == []


def test_primary_hides_one_to_four_and_shows_zero() -> None:
    t = protect([[0, 1, 4, 5, 17]], row_labels=["A"], col_labels=list("abcde"))
    assert t.cells == ((0, None, None, 5, 17),)
    assert t.display_rows() == [["0", MARK, MARK, "5", "17"]]


def test_single_small_cell_in_a_row_with_total_takes_a_partner() -> None:
    counts = [[3, 10, 12]]
    t = protect(counts, row_labels=["Kommune A"], col_labels=["x", "y", "z"], row_totals=True)
    assert t.value("Kommune A", "I alt") == 25
    assert t.suppressed_count >= 2
    # The partner is the smallest remaining cell, so the reader loses least.
    assert t.value("Kommune A", "y") is None
    _assert_safe(t)


def test_two_way_table_with_all_totals_resists_the_attacks() -> None:
    counts = [[2, 14, 30], [11, 9, 25], [40, 7, 6]]
    t = protect(counts, row_labels=["A", "B", "C"], col_labels=["x", "y", "z"],
                row_totals=True, col_totals=True)
    _assert_safe(t)
    assert t.value("I alt", "I alt") == sum(map(sum, counts))


def test_small_total_is_hidden_with_its_cells() -> None:
    t = protect([[1, 2], [20, 30]], row_labels=["A", "B"], col_labels=["x", "y"],
                row_totals=True, col_totals=True)
    assert t.value("A", "I alt") is None
    _assert_safe(t)


def test_lone_hidden_cell_in_a_column_is_found_by_lp_and_protected() -> None:
    # Rows cross-linked: one hidden cell per row is covered in each row, but the
    # columns would give them away without a further suppression.
    counts = [[3, 50, 60], [70, 4, 80]]
    t = protect(counts, row_labels=["A", "B"], col_labels=["x", "y", "z"],
                row_totals=True, col_totals=True)
    _assert_safe(t)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_resist_propagation_and_rank_attacks(seed: int) -> None:
    rng = random.Random(seed)
    n_r, n_c = rng.randint(1, 5), rng.randint(2, 5)
    counts = [[rng.choice([0, 1, 2, 3, 4, rng.randint(5, 60)]) for _ in range(n_c)]
              for _ in range(n_r)]
    t = protect(counts, row_labels=[f"r{i}" for i in range(n_r)],
                col_labels=[f"c{j}" for j in range(n_c)],
                row_totals=rng.random() < 0.8, col_totals=rng.random() < 0.8)
    _assert_safe(t)
    # Visible figures are the true ones.
    full = _full(t, counts)
    for r, row in enumerate(t.cells):
        for c, v in enumerate(row):
            assert v is None or v == full[r][c]


@pytest.mark.parametrize("seed", range(25))
def test_small_tables_resist_brute_force_with_non_negativity(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n_c = rng.choice([2, 3])
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9]) for _ in range(n_c)] for _ in range(2)]
    t = protect(counts, row_labels=["a", "b"], col_labels=["x", "y", "z"][:n_c],
                row_totals=True, col_totals=True)
    assert brute_force_attack(t, counts) == []


def test_share_is_hidden_when_it_would_reveal_a_small_count() -> None:
    assert protect_share(7, 10) is None  # 3 did not: a small count
    assert protect_share(3, 10) is None
    assert protect_share(5, 10) == 0.5
    assert protect_share(10, 10) == 1.0  # the rest is 0, which is shown anyway
    assert protect_share(2, 2) is None
    assert protect_share(0, 0) is None


def test_protected_table_cannot_be_built_around_protect() -> None:
    with pytest.raises(TypeError):
        ProtectedTable(row_labels=("a",), col_labels=("b",), cells=((1,),))


def test_linked_tables_hide_the_same_totals() -> None:
    from nytte.core.suppression import TableSpec, protect_linked

    rows = ["A", "B", "C"]
    # Row B has 4 persons in all: a primary total in both tables.
    by_gender = TableSpec([[10, 30], [2, 2], [20, 25]], ["K", "M"])
    by_benefit = TableSpec([[20, 20], [0, 4], [30, 15]], ["x", "y"])
    g, b = protect_linked([by_gender, by_benefit], row_labels=rows)
    for r in range(len(rows) + 1):
        assert (g.cells[r][-1] is None) == (b.cells[r][-1] is None)
    assert g.value("B", "I alt") is None and b.value("B", "I alt") is None
    _assert_safe(g)
    _assert_safe(b)


def _exact_disclosed(values: list[int], hidden: list[bool], lines: list[list[int]]) -> list[int]:
    """Reference: minimise and maximise every hidden cell (slow, obviously right)."""
    from scipy.optimize import linprog

    idx = [i for i, h in enumerate(hidden) if h]
    pos = {c: j for j, c in enumerate(idx)}
    a, b = [], []
    for line in lines:
        coeffs, rhs = [0.0] * len(idx), 0.0
        for cell, sign in [(line[0], 1.0), *[(p, -1.0) for p in line[1:]]]:
            if cell in pos:
                coeffs[pos[cell]] += sign
            else:
                rhs -= sign * values[cell]
        if any(coeffs):
            a.append(coeffs)
            b.append(rhs)
    out = []
    for j, cell in enumerate(idx):
        if not a:
            break
        c = np.zeros(len(idx))
        c[j] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=[(0, None)] * len(idx), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=[(0, None)] * len(idx), method="highs")
        if hi.status == 0 and abs(-hi.fun - lo.fun) < 0.5:
            out.append(cell)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_fast_disclosure_check_matches_the_exact_one(seed: int) -> None:
    from nytte.core.suppression import _lines, disclosed_cells

    rng = random.Random(500 + seed)
    n_r, n_c = rng.randint(1, 4), rng.randint(2, 4)
    counts = [[rng.choice([0, 0, 1, 2, 3, 6, 9, 14]) for _ in range(n_c)] for _ in range(n_r)]
    grid = [[*r, sum(r)] for r in counts]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    flat = [v for row in grid for v in row]
    hidden = [rng.random() < 0.35 for _ in flat]
    lines = _lines(n_r, n_c, True, True)
    assert sorted(disclosed_cells(flat, hidden, lines)) == sorted(
        _exact_disclosed(flat, hidden, lines))

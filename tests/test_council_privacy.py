"""No count below 5 reaches the reviewer: page, chart, tables, exports, cache.

The data (tests/council_data.py) has municipalities with 3 participants, with 2
women, and with 3 of 12 showing up; each route is searched for a visible 1-4.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.db import make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.core.suppression import ProtectedTable
from nytte.council.council_page import council_page
from nytte.council.exports import table_csv, tables_xlsx
from nytte.council.overview import manager_overview
from nytte.council.pack import meeting_pack_pdf
from nytte.council.periods import month_label, year
from nytte.council.review import regional_review
from tests import council_data
from tests.apptest_helpers import app_reading, open_page, open_tab
from tests.test_council_suppression import propagate_attack, rank_attack

REVIEWER = Principal("raad", "Rådsmedlem", Role.RAAD, region_code=council_data.REGION)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('council') / 'small.db'}")
    upgrade(engine)
    council_data.build(engine)
    yield engine
    engine.dispose()


def _ints(obj: Any) -> Iterator[int]:
    """Every int inside a page object (dataclasses, tuples, lists, dicts)."""
    if isinstance(obj, bool):
        return
    if isinstance(obj, int):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _ints(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _ints(v)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _ints(v)


def _no_small(values: Any) -> None:
    small = [v for v in values if 0 < v < 5]
    assert not small, f"counts below 5 reached the reviewer: {small}"


def test_the_data_really_has_small_counts(small_db: Engine) -> None:
    # Guard against a test that cannot fail: the raw figures hold counts 1-4.
    leader = Principal("l", "Leder", Role.LEDER, municipality_code="0259")
    with session_scope(small_db) as s:
        ov = manager_overview(s, leader, year(council_data.YEAR))
    assert ov.counts.enrolled == 3


def test_review_holds_no_small_count_and_resists_attacks(small_db: Engine) -> None:
    with session_scope(small_db) as s:
        page = council_page(s, REVIEWER, year(council_data.YEAR))
    _no_small(_ints(page.review))
    r = page.review
    assert r.by_gender.value("Køge", "I alt") is None  # 3 participants
    assert r.by_gender.value("Roskilde", "Kvinder") is None  # 2 women
    assert r.funnel.value("Solrød", "Mødte op") is None  # 3 of 12
    assert r.funnel.value("Greve", "Mødte op") == 35
    for _, table in r.tables():
        if table.has_row_totals or table.has_col_totals:
            assert propagate_attack(table) == {}
            assert rank_attack(table) == []
    shares = {s.municipality: s for s in r.shares}
    assert shares["Solrød"].show_up_rate is None  # 3/12 would reveal 3
    assert shares["Køge"].attendance_rate is None
    assert shares["Greve"].show_up_rate == pytest.approx(35 / 60)


def test_exports_hold_no_small_count(small_db: Engine) -> None:
    with session_scope(small_db) as s:
        page = council_page(s, REVIEWER, year(council_data.YEAR))
    tables = page.review.tables()
    wb = load_workbook(io.BytesIO(tables_xlsx(tables, ["enrolled"])))
    numbers = [c.value for row in wb["Tabeller"].iter_rows() for c in row
               if isinstance(c.value, int)]
    assert numbers and 35 in numbers
    _no_small(numbers)
    for _, t in tables:
        rows = list(csv.reader(io.StringIO(table_csv(t).decode("utf-8-sig")), delimiter=";"))
        _no_small(int(v) for row in rows[1:] for v in row[1:] if v.isdigit())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(meeting_pack_pdf(page))).pages)
    for name in ("Køge", "Roskilde", "Solrød"):
        for line in (ln for ln in text.splitlines() if ln.startswith(name)):
            cells = re.findall(r"(?<![\d,.])\d+(?![\d,.])", line)
            _no_small(int(c) for c in cells)


def test_exports_refuse_unprotected_tables() -> None:
    with pytest.raises(TypeError):
        table_csv([[3]])  # type: ignore[arg-type]


def test_roles_cannot_cross(small_db: Engine) -> None:
    leader = Principal("l", "Leder", Role.LEDER, municipality_code="0253")
    with session_scope(small_db) as s:
        with pytest.raises(AccessDenied):
            regional_review(s, leader, year(council_data.YEAR))
        with pytest.raises(AccessDenied):
            manager_overview(s, REVIEWER, year(council_data.YEAR))
        other = Principal("r", "R", Role.RAAD, region_code=None)
        with pytest.raises(AccessDenied):
            regional_review(s, other, year(council_data.YEAR))


@pytest.fixture
def small_app(small_db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with app_reading(small_db.url.render_as_string(hide_password=False), monkeypatch) as url:
        yield url


def test_page_and_its_cache_show_no_small_count(small_app: str) -> None:
    at = open_page(Role.RAAD, "raad")
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="raad_period").select_index(0).run()
    assert not at.exception
    chosen = at.selectbox(key="raad_period").value
    assert chosen is not None and chosen.label == str(council_data.YEAR)
    cells = []
    # Only the open tab is drawn: read every tab, and every group tab of the first.
    views: list[tuple[str, str, str | None, str | None]] = [
        ("raad_tab", "Kommunerne i regionen", "raad_groups", group)
        for group in ("Køn", "Ydelsesgruppe", "Alder")]
    views += [("raad_tab", tab, None, None)
              for tab in ("Landstal", "Tjekliste", "Mødemateriale og eksport")]
    for tab_key, tab, group_key, group in views:
        open_tab(at, tab_key, tab)
        if group_key is not None and group is not None:
            open_tab(at, group_key, group)
        assert not at.exception, [e.value for e in at.exception]
        for df in at.dataframe:
            frame = df.value
            for col in frame.columns[1:]:
                cells += [str(v) for v in frame[col].tolist()]
    assert "35" in cells  # the page shows the region's real figures ...
    _no_small(int(c) for c in cells if c.isdigit())  # ... but never a small one
    # The cached object behind the page holds protected figures only.
    from pages._ui import cache

    cached = cache.council(at.session_state["nytte_principal"], year(council_data.YEAR).start,
                           year(council_data.YEAR).end)
    _no_small(_ints(cached.review))
    assert all(isinstance(t, ProtectedTable) for _, t in cached.review.tables())


def test_checklist_evidence_reveals_no_small_count_of_persons(small_db: Engine) -> None:
    with session_scope(small_db) as s:
        page = council_page(s, REVIEWER, year(council_data.YEAR))
    checklists = dict(page.checklists)
    for name in ("Køge", "Roskilde", "Solrød"):
        effect = next(i for i in checklists[name] if i.key == "effect")
        counts = [int(n) for n in re.findall(r"(?<![\d,.])\d+(?![\d,.%])", effect.evidence)]
        _no_small(counts)
    koege = next(i for i in checklists["Køge"] if i.key == "effect")
    assert "under 5" in koege.evidence


def test_newest_month_is_marked_provisional(small_db: Engine) -> None:
    with session_scope(small_db) as s:
        r = regional_review(s, REVIEWER, year(council_data.YEAR))
        older = regional_review(s, REVIEWER, year(council_data.YEAR - 1))
    assert r.provisional_month is not None
    label = [lab for lab in r.monthly.row_labels if lab.endswith("(foreløbig)")]
    assert label == [f"{month_label(r.provisional_month)} (foreløbig)"]
    assert older.provisional_month is None


def test_postgresql_gives_the_same_protected_review(small_db: Engine) -> None:
    from tests.conftest import create_pg_database, drop_pg_database

    url, name = create_pg_database()
    pg = make_engine(url)
    try:
        upgrade(pg)
        council_data.build(pg)
        with session_scope(pg) as s:
            on_pg = council_page(s, REVIEWER, year(council_data.YEAR))
        with session_scope(small_db) as s:
            on_sqlite = council_page(s, REVIEWER, year(council_data.YEAR))
        assert on_pg.review.tables() == on_sqlite.review.tables()
        assert on_pg.review.shares == on_sqlite.review.shares
        assert on_pg.review.provisional_month == on_sqlite.review.provisional_month
    finally:
        pg.dispose()
        drop_pg_database(name)

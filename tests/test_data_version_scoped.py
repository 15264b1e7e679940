"""Data versions per municipality: a write in one municipality leaves the others'
cached figures warm, and figures are shared by everybody with the same scope.

Every morning each unit in the country saves its roll; if every save emptied every
cache, no figure would stay cached at national scale."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.core.data_version import Area, changed, versions
from nytte.core.db import session_scope
from nytte.council.overview import manager_overview
from pages._ui import cache
from tests.apptest_helpers import app_reading, open_page
from tests.trust_helpers import writable_copy

GREVE, SOLROD = "0253", "0269"


def _commit(engine: Engine, *areas: Area, codes: set[str] | None) -> None:
    with session_scope(engine) as s:
        changed(s, *areas, municipality_codes=codes)


def test_a_write_bumps_its_municipality_and_the_total(empty_engine: Engine) -> None:
    with session_scope(empty_engine) as s:
        total0, greve0, solrod0 = (versions(s, [Area.ATTENDANCE]),
                                   versions(s, [Area.ATTENDANCE], GREVE),
                                   versions(s, [Area.ATTENDANCE], SOLROD))
    _commit(empty_engine, Area.ATTENDANCE, codes={GREVE})
    with session_scope(empty_engine) as s:
        assert versions(s, [Area.ATTENDANCE])[0] == total0[0] + 1  # the council sees it
        assert versions(s, [Area.ATTENDANCE], GREVE) != greve0  # Greve's readers too
        assert versions(s, [Area.ATTENDANCE], SOLROD) == solrod0  # Solrød's stay warm
        assert versions(s, [Area.REFERRALS], GREVE) == (0, 0)  # another area: untouched
    # A write naming no municipality (retention, a demo load) counts for every one.
    _commit(empty_engine, Area.ATTENDANCE, codes=None)
    with session_scope(empty_engine) as s:
        assert versions(s, [Area.ATTENDANCE], SOLROD) != solrod0


def test_a_rolled_back_write_bumps_nothing(empty_engine: Engine) -> None:
    with session_scope(empty_engine) as s:
        before = versions(s, [Area.ATTENDANCE], GREVE)
    with pytest.raises(RuntimeError), session_scope(empty_engine) as s:
        changed(s, Area.ATTENDANCE, municipality_codes={GREVE})
        raise RuntimeError("the save failed")
    with session_scope(empty_engine) as s:
        assert versions(s, [Area.ATTENDANCE], GREVE) == before


@pytest.mark.postgres
def test_two_first_writers_of_a_municipality_both_count(empty_engine: Engine) -> None:
    """A municipality's counter has no row before its first write: two transactions
    creating it at once must both commit and both count (no unique-key failure)."""
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL")
    first_in = threading.Event()
    errors: list[BaseException] = []

    def writer(wait: bool) -> None:
        try:
            with Session(empty_engine) as s, s.begin():
                changed(s, Area.ATTENDANCE, municipality_codes={"0999"})
                s.flush()
                if wait:
                    first_in.set()
                    threading.Event().wait(0.5)  # hold the new row's lock a while
        except BaseException as exc:
            errors.append(exc)

    a = threading.Thread(target=writer, args=(True,))
    a.start()
    first_in.wait(10)
    b = threading.Thread(target=writer, args=(False,))
    b.start()
    a.join(20)
    b.join(20)
    assert not errors, errors
    with session_scope(empty_engine) as s:
        assert versions(s, [Area.ATTENDANCE], "0999")[0] == 2


@pytest.fixture
def app_db_copy(demo_sqlite: Engine, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path) as engine, \
            app_reading(str(engine.url), monkeypatch):
        yield engine


def test_the_managers_cache_ignores_other_municipalities_writes(
        app_db_copy: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str | None] = []

    def counting(session: Session, principal: Principal, *args: object, **kw: object) -> object:
        computed.append(principal.municipality_code)
        return manager_overview(session, principal, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "manager_overview", counting)
    manager = open_page(Role.LEDER, "ledelse")
    assert not manager.exception, [e.value for e in manager.exception]
    assert computed == [GREVE]
    manager.run()
    assert computed == [GREVE]  # warm

    _commit(app_db_copy, Area.ATTENDANCE, codes={SOLROD})  # a roll saved in Solrød
    manager.run()
    assert computed == [GREVE]  # still warm: nothing of Greve's changed

    _commit(app_db_copy, Area.ATTENDANCE, codes={GREVE})  # a roll saved in Greve
    manager.run()
    assert computed == [GREVE, GREVE]  # recomputed, and current


def test_colleagues_with_the_same_scope_share_figures(
        app_db_copy: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    @cache.cached(Area.ATTENDANCE)
    def figure(principal: Principal, day: date) -> tuple[str, ...]:
        calls.append(principal.user_id)
        return (principal.role.value, *sorted(map(str, principal.unit_ids)), day.isoformat())

    day = date(2026, 11, 23)
    anna = Principal("anna", "Anna", Role.KOORDINATOR, GREVE, frozenset({1, 2}))
    bo = Principal("bo", "Bo", Role.KOORDINATOR, GREVE, frozenset({2, 1}))
    carl = Principal("carl", "Carl", Role.KOORDINATOR, GREVE, frozenset({1}))
    dorte = Principal("dorte", "Dorte", Role.LEDER, GREVE, frozenset({1, 2}))
    assert figure(anna, day) == figure(bo, day)
    assert calls == ["anna"]  # Bo got Anna's entry: same role and units
    figure(carl, day)  # fewer units: never Anna's figures
    figure(dorte, day)  # another role: never the coordinators'
    assert calls == ["anna", "carl", "dorte"]
    assert cache.scope_key(anna) == cache.scope_key(bo) != cache.scope_key(carl)

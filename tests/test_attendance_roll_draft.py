"""Roll drafts: the roll a user is typing, kept on the server so a restart loses
nothing. Save, load, discard; only the owner reads it; invalid values are left out;
saving the roll deletes it in the same transaction; retention deletes old drafts and
those mentioning an anonymised participant. On SQLite and PostgreSQL; committed
through the app's guarded unit of work (a draft needs no audit event)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from nytte.admin.retention import anonymise_expired, delete_stale_drafts
from nytte.attendance.roll import RollEntry, RollError
from nytte.attendance.roll_draft import (
    clean_entries,
    discard_draft,
    load_draft,
    save_draft,
    save_roll_and_discard_draft,
)
from nytte.core import clock
from nytte.core.audit import record
from nytte.core.audit_guard import guard_engine, require_audit
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.db import session_scope
from nytte.models import (
    ABSENT,
    PRESENT,
    Attendance,
    AuditEvent,
    Participant,
    Referral,
    RollDraft,
    Team,
    Unit,
)
from tests.apptest_helpers import open_page

DAY = date(2026, 11, 23)  # a Monday


@dataclass(frozen=True)
class World:
    unit: int
    team: int
    other_unit: int
    referrals: list[int]  # three in ``unit`` (team ``team``)
    foreign: int  # a referral in ``other_unit``


def _build(engine: Engine) -> World:
    with session_scope(engine) as s:
        unit = Unit(municipality_code="0253", name="Kladdeenheden", places=10, staff_count=2)
        other = Unit(municipality_code="0253", name="Naboenheden", places=10, staff_count=2)
        s.add_all([unit, other])
        s.flush()
        team = Team(unit_id=unit.id, name="Morgenholdet", places=10)
        s.add(team)
        s.flush()
        ids = []
        for i, (u, t) in enumerate([(unit.id, team.id)] * 3 + [(other.id, None)]):
            p = Participant(municipality_code="0253", case_ref=f"SAG-KLADDE-{i}",
                            benefit_group="kontanthjaelp", gender="K", birth_year=1990)
            s.add(p)
            s.flush()
            r = Referral(participant_id=p.id, unit_id=u, team_id=t,
                         referred_on=DAY - timedelta(days=20),
                         expected_start=DAY - timedelta(days=10), mon_hours=6.0,
                         tue_hours=6.0, wed_hours=6.0, thu_hours=6.0, fri_hours=6.0)
            s.add(r)
            s.flush()
            ids.append(r.id)
        return World(unit.id, team.id, other.id, ids[:3], ids[3])


@pytest.fixture
def world(empty_engine: Engine) -> Iterator[tuple[Engine, World]]:
    built = _build(empty_engine)  # loaded as the owner would, before the guard
    yield guard_engine(empty_engine), built


def _leader(user: str, units: int) -> Principal:
    return Principal(user, f"Holdleder {user}", Role.KOORDINATOR, "0253", frozenset({units}))


def _session(engine: Engine) -> Session:
    """The page's unit of work: every commit is checked for an audit event."""
    return require_audit(Session(engine))


def test_save_load_and_discard_a_draft(world: tuple[Engine, World]) -> None:
    engine, w = world
    me = _leader("k1", w.unit)
    a, b, c = w.referrals
    typed = {
        a: {"status": ABSENT, "hours": 0.0, "reason_code": "sick_reported", "note": "Ringede 7.40"},
        b: {"status": PRESENT, "hours": 4.5},
        c: {"note": "Kom 10 min for sent", "reason_code": None},
    }
    with _session(engine) as s, s.begin():  # committed without an audit event: scratch
        saved = save_draft(s, me, w.unit, w.team, DAY, typed)
    assert saved is not None and saved.entries == typed
    with _session(engine) as s:
        draft = load_draft(s, me, w.unit, w.team, DAY)
        assert draft is not None and draft.entries == typed
        # Stamped by the one clock, as naive UTC like every stored time.
        assert abs(draft.updated_at - clock.utcnow_naive()) < timedelta(minutes=1)
        # Another roll of the same unit (the whole unit, another day) has no draft.
        assert load_draft(s, me, w.unit, None, DAY) is None
        assert load_draft(s, me, w.unit, w.team, DAY - timedelta(days=1)) is None
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
    # Saving again replaces the values; one row per user, unit, team and day.
    with _session(engine) as s, s.begin():
        save_draft(s, me, w.unit, w.team, DAY, {b: {"status": PRESENT}})
        save_draft(s, me, w.unit, None, DAY, {a: {"status": PRESENT}})
    with _session(engine) as s:
        assert load_draft(s, me, w.unit, w.team, DAY).entries == {  # type: ignore[union-attr]
            b: {"status": PRESENT}}
        assert load_draft(s, me, w.unit, None, DAY).entries == {  # type: ignore[union-attr]
            a: {"status": PRESENT}}
        assert s.scalar(select(func.count()).select_from(RollDraft)) == 2
    with _session(engine) as s, s.begin():
        assert discard_draft(s, me, w.unit, w.team, DAY) is True
        assert discard_draft(s, me, w.unit, w.team, DAY) is False
    with _session(engine) as s:
        assert load_draft(s, me, w.unit, w.team, DAY) is None
        assert load_draft(s, me, w.unit, None, DAY) is not None
    # Nothing valid left to keep: the draft goes.
    with _session(engine) as s, s.begin():
        assert save_draft(s, me, w.unit, None, DAY, {}) is None
        assert s.scalar(select(func.count()).select_from(RollDraft)) == 0


def test_a_draft_is_its_owners_alone(world: tuple[Engine, World]) -> None:
    engine, w = world
    me, colleague = _leader("k1", w.unit), _leader("k2", w.unit)
    elsewhere = _leader("k3", w.other_unit)
    a = w.referrals[0]
    with _session(engine) as s, s.begin():
        save_draft(s, me, w.unit, w.team, DAY, {a: {"note": "Kun til mig"}})
    with _session(engine) as s:
        assert load_draft(s, colleague, w.unit, w.team, DAY) is None
        with pytest.raises(AccessDenied):
            load_draft(s, elsewhere, w.unit, w.team, DAY)
        with pytest.raises(AccessDenied):
            save_draft(s, elsewhere, w.unit, w.team, DAY, {a: {"note": "x"}})
        with pytest.raises(AccessDenied):
            discard_draft(s, elsewhere, w.unit, w.team, DAY)
        council = Principal("r", "Råd", Role.RAAD, region_code="1085")
        with pytest.raises(AccessDenied):
            load_draft(s, council, w.unit, w.team, DAY)
        # A team of another unit is refused, not mixed up.
        manager = Principal("l1", "Leder", Role.LEDER, "0253")
        with pytest.raises(RollError, match="Holdet"):
            load_draft(s, manager, w.other_unit, w.team, DAY)
    # The colleague's own draft and their discard leave mine alone.
    with _session(engine) as s, s.begin():
        save_draft(s, colleague, w.unit, w.team, DAY, {a: {"note": "Min egen"}})
        assert discard_draft(s, colleague, w.unit, w.team, DAY) is True
    with _session(engine) as s:
        mine = load_draft(s, me, w.unit, w.team, DAY)
        assert mine is not None and mine.entries == {a: {"note": "Kun til mig"}}


def test_invalid_values_are_left_out_never_an_error(world: tuple[Engine, World]) -> None:
    engine, w = world
    me = _leader("k1", w.unit)
    a, b, c = w.referrals
    typed = {
        str(a): {"status": "maybe", "hours": 25.0, "reason_code": "holiday_in_spain",
                 "note": "CPR 010190-1234"},
        b: {"status": ABSENT, "hours": -1, "reason_code": "unexcused", "note": "x" * 501,
            "registered_by": "someone-else"},
        c: {"hours": float("nan"), "note": "skjult\u202etekst", "status": PRESENT},
        w.foreign: {"status": PRESENT},  # a referral of another unit
        "not-a-number": {"status": PRESENT},
        999_999: {"status": PRESENT},
        "12": "not a mapping",
    }
    with _session(engine) as s, s.begin():
        saved = save_draft(s, me, w.unit, w.team, DAY, typed)
    assert saved is not None
    assert saved.entries == {b: {"status": ABSENT, "reason_code": "unexcused"},
                             c: {"status": PRESENT}}
    with _session(engine) as s:
        stored = s.scalars(select(RollDraft.entries)).one()
        assert "010190" not in str(stored) and "holiday" not in str(stored)
    # What is stored is checked again on loading (a row changed behind the service).
    with _session(engine) as s, s.begin():
        s.execute(update(RollDraft).values(entries={
            str(a): {"status": "present", "note": "0101901234"},
            str(w.foreign): {"status": "present"}, "x": 1}))
    with _session(engine) as s:
        draft = load_draft(s, me, w.unit, w.team, DAY)
        assert draft is not None and draft.entries == {a: {"status": PRESENT}}


def test_clean_entries_checks_every_field() -> None:
    reasons = {"sick_reported"}
    raw = {1: {"status": None, "hours": True, "reason_code": "", "note": 5},
           2: {"hours": 24, "note": "  Ok  "}, 3: {"hours": 0}, 4: {"status": PRESENT}}
    assert clean_entries(raw, {1, 2, 3}, reasons) == {
        1: {"status": None, "reason_code": None},
        2: {"hours": 24.0, "note": "  Ok  "},
        3: {"hours": 0.0},
    }


def _entries(w: World) -> list[RollEntry]:
    a, b, c = w.referrals
    return [RollEntry(a, ABSENT, None, "sick_reported", "Ringede"), RollEntry(b, PRESENT),
            RollEntry(c, PRESENT, 3.0)]


def test_saving_the_roll_deletes_the_draft_in_the_same_transaction(
        world: tuple[Engine, World]) -> None:
    engine, w = world
    me = _leader("k1", w.unit)
    a = w.referrals[0]
    with _session(engine) as s, s.begin():
        save_draft(s, me, w.unit, w.team, DAY, {a: {"status": ABSENT, "note": "Ringede"}})
    # A roll that cannot be saved (a future day) keeps the draft.
    with pytest.raises(RollError, match="fremtiden"), _session(engine) as s, s.begin():
        save_roll_and_discard_draft(s, me, w.unit, w.team, DAY, _entries(w),
                                    today=DAY - timedelta(days=1))
    with _session(engine) as s:
        assert load_draft(s, me, w.unit, w.team, DAY) is not None
    # A save that fails at commit rolls the deletion back with it.
    with pytest.raises(RuntimeError, match="commit refused"), _session(engine) as s, \
            s.begin():
        save_roll_and_discard_draft(s, me, w.unit, w.team, DAY, _entries(w), today=DAY)
        raise RuntimeError("commit refused")
    with _session(engine) as s:
        assert load_draft(s, me, w.unit, w.team, DAY) is not None
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
    with _session(engine) as s, s.begin():
        result = save_roll_and_discard_draft(s, me, w.unit, w.team, DAY, _entries(w), today=DAY)
    assert result.created == 3
    with _session(engine) as s:
        assert s.scalar(select(func.count()).select_from(RollDraft)) == 0
        assert s.scalar(select(func.count()).select_from(Attendance)) == 3
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "attendance.registered")) == 1


def test_retention_deletes_old_drafts_and_those_of_the_anonymised(
        world: tuple[Engine, World]) -> None:
    engine, w = world
    me = _leader("k1", w.unit)
    a, b, c = w.referrals
    with _session(engine) as s, s.begin():
        save_draft(s, me, w.unit, w.team, DAY, {a: {"note": "gammel"}})
        save_draft(s, me, w.unit, None, DAY - timedelta(days=1), {b: {"note": "ny"}})
        save_draft(s, me, w.unit, w.team, DAY - timedelta(days=2), {c: {"note": "om C"}})
        # The first was last changed 8 days ago (Danish 23:59 is UTC that day).
        s.execute(update(RollDraft).where(RollDraft.team_key == w.team, RollDraft.day == DAY)
                  .values(updated_at=datetime(2026, 11, 14, 22, 59)))
        s.execute(update(RollDraft).where(RollDraft.team_key == 0)
                  .values(updated_at=datetime(2026, 11, 15, 23, 1)))
    with _session(engine) as s, s.begin():
        assert delete_stale_drafts(s, days=7, today=DAY, dry_run=True) == 1
        assert delete_stale_drafts(s, days=7, today=DAY) == 1
    with _session(engine) as s:
        assert {d.day for d in s.scalars(select(RollDraft))} == {
            DAY - timedelta(days=1), DAY - timedelta(days=2)}
    # C's course ended long ago: anonymising C deletes the draft that mentions C.
    with _session(engine) as s, s.begin():
        s.execute(update(Referral).where(Referral.id == c)
                  .values(ended_on=date(2024, 1, 31), expected_start=date(2023, 11, 1)))
        record(s, me, "referral.updated", "referral", c, new={"ended_on": "2024-01-31"})
    with _session(engine) as s, s.begin():
        assert anonymise_expired(s, months=12, today=DAY).anonymised == 1
    with _session(engine) as s:
        assert [d.entries for d in s.scalars(select(RollDraft))] == [{str(b): {"note": "ny"}}]


# --- the page: a new session (what a restart leaves) brings the draft back ------------


@pytest.fixture
def small_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """The app on a small database: the demo municipality with one unit of three."""
    import streamlit as st

    from nytte.core.db import dispose_engines, make_engine
    from nytte.core.migrate import upgrade
    from nytte.demo.database import add_team_of

    url = f"sqlite:///{tmp_path / 'page.db'}"
    engine = make_engine(url)
    upgrade(engine)
    unit_id = add_team_of(engine, 3, DAY, name="Kladdeholdet")
    engine.dispose()
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    st.cache_resource.clear()
    yield url, unit_id
    st.cache_resource.clear()
    dispose_engines()


def _drafts(url: str) -> list[tuple[str, dict[str, Any]]]:
    from nytte.core.db import make_engine

    engine = make_engine(url)
    with Session(engine) as s:
        rows = [(o, e) for o, e in s.execute(select(RollDraft.owner, RollDraft.entries))]
    engine.dispose()
    return rows


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info if "ikke-gemte" in i.value]


def test_the_page_brings_the_draft_back_in_a_new_session(small_app: tuple[str, int]) -> None:
    url, unit_id = small_app
    ctx = f"{unit_id}:None:{DAY.isoformat()}"
    at = open_page(Role.KOORDINATOR, "fremmoede")
    at.button(key=f"fremmoede:allbtn:{ctx}").click().run()
    assert not at.exception and _infos(at) == []
    [(owner, entries)] = _drafts(url)
    assert owner == "demo-koordinator" and len(entries) == 3
    assert {e["status"] for e in entries.values()} == {PRESENT}

    # A new session (the server restarted): the roll comes back with the values.
    again = open_page(Role.KOORDINATOR, "fremmoede")
    assert not again.exception
    [line] = _infos(again)
    assert line.startswith("Din ikke-gemte registrering fra kl. ") and "»Gem fremmøde«" in line
    restored = again.session_state[f"fremmoede:set:{ctx}"]
    assert [v["Status"] for v in restored.values()] == ["Mødt"] * 3
    # Another user of the same unit does not get it.
    manager = open_page(Role.LEDER, "fremmoede")
    assert not manager.exception and _infos(manager) == []

    # «Kassér kladde»: the screen is cleared and the draft deleted.
    again.button(key=f"fremmoede:discard:{ctx}").click().run()
    assert not again.exception and _infos(again) == []
    assert _drafts(url) == []
    counts = [m.value for m in again.markdown if "Forventede" in m.value]
    assert counts and "**Mangler** 3" in counts[0], counts
    assert _infos(open_page(Role.KOORDINATOR, "fremmoede")) == []


def test_the_roll_goes_on_when_the_draft_cannot_be_written(
        small_app: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    url, unit_id = small_app
    ctx = f"{unit_id}:None:{DAY.isoformat()}"

    def down(*_: object, **__: object) -> None:
        raise OperationalError("INSERT INTO roll_draft", {}, Exception("server closed"))

    monkeypatch.setattr("pages.roll.save_draft", down)
    at = open_page(Role.KOORDINATOR, "fremmoede")
    at.button(key=f"fremmoede:allbtn:{ctx}").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert len(at.session_state[f"fremmoede:set:{ctx}"]) == 3  # still on the screen
    assert _drafts(url) == []
    at.button(key=f"fremmoede:save:{ctx}").click().run()
    assert any("Gemt: 3 nye" in s.value for s in at.success), [e.value for e in at.error]


def test_screen_values_and_draft_entries_convert_both_ways() -> None:
    from nytte.attendance.course_length import OK, CourseStatus
    from nytte.attendance.roll import RollLine, RollSheet
    from pages.roll import draft_entries, overrides_from_draft

    course = CourseStatus(1, OK, "", "")
    lines = [RollLine(rid, rid, f"SAG-{rid}", "", None, "", 6.0, None, None, None, None, "",
                      None, course) for rid in (11, 12, 13)]
    sheet = RollSheet(1, "Enhed", None, DAY, None, lines,
                      {"sick_reported": "Syg (meldt før mødetid)"})
    screen: dict[int, dict[str, Any]] = {
        0: {"Status": "Fravær", "Timer": 0.0, "Fraværsårsag": "Syg (meldt før mødetid)"},
        1: {"Status": "Mødt", "Timer": 6.0, "Fraværsårsag": None, "Note": "Ok"},
        2: {"Note": "Kun en note"},
    }
    entries = draft_entries(sheet, screen)
    assert entries == {
        11: {"status": ABSENT, "hours": 0.0, "reason_code": "sick_reported"},
        12: {"status": PRESENT, "hours": 6.0, "reason_code": None, "note": "Ok"},
        13: {"note": "Kun en note"},
    }
    assert overrides_from_draft(sheet, entries) == screen
    # The roll changed before the reload: the values follow the referral, not the line.
    moved = RollSheet(1, "Enhed", None, DAY, None, [lines[2], lines[0]], sheet.reasons)
    assert overrides_from_draft(moved, entries) == {0: screen[2], 1: screen[0]}

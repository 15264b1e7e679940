"""The audit trail: append-only in the database, searchable by an administrator,
and a participant's own history exportable (right of access), itself audited."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from nytte.admin.audit_log import AuditFilter, export_participant_history, search_audit
from nytte.core import clock
from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.models import AuditEvent, Participant, Referral
from nytte.referrals.service import update_referral
from tests.trust_helpers import render_as, shown_text, writable_copy

ADMIN = Principal("admin-1", "Admin Greve", Role.ADMIN, "0253")
LEDER = Principal("leder-1", "Leder Greve", Role.LEDER, "0253")


@pytest.fixture
def pg_copy(demo_pg: Engine, tmp_path: Path) -> Iterator[Engine]:
    with writable_copy(demo_pg, tmp_path) as engine:
        yield engine


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else'",
        "UPDATE audit_event SET new = NULL WHERE action = 'update'",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE id = (SELECT min(id) FROM audit_event)",
        "TRUNCATE audit_event",
        "TRUNCATE audit_event CASCADE",
    ],
)
def test_audit_table_refuses_rewrites(empty_engine: Engine, statement: str) -> None:
    if empty_engine.dialect.name != "postgresql" and statement.startswith("TRUNCATE"):
        pytest.skip("SQLite has no TRUNCATE")
    # PostgreSQL: UPDATE, DELETE and TRUNCATE; SQLite: UPDATE and DELETE (triggers).
    with Session(empty_engine) as s, s.begin():
        record(s, ADMIN, "update", "referral", 1, old={"a": 1}, new={"a": 2})
        record(s, ADMIN, "export_personal_data", "participant", 1)
    refused = r"append-only|referenced in a foreign key"  # TRUNCATE: audit_note refers to it
    with pytest.raises(DBAPIError, match=refused), empty_engine.begin() as conn:
        conn.execute(text(statement))
    with Session(empty_engine) as s:
        rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.actor, e.action, e.new) for e in rows] == [
        ("admin-1", "update", {"a": 2}), ("admin-1", "export_personal_data", None)]


def _correct_a_referral(engine: Engine) -> tuple[int, str]:
    """A real write through a service, so the trail has an event about a participant."""
    with Session(engine) as s, s.begin():
        ref = s.scalars(select(Referral).where(Referral.ended_on.is_(None)).limit(1)).one()
        case_ref = ref.participant.case_ref
        values = {"expected_start": ref.expected_start, "ended_on": None, "exit_outcome": None,
                  "caseworker_ref": "Jobcenter Greve, team 2", "mon_hours": 11.75,
                  "tue_hours": ref.tue_hours, "wed_hours": ref.wed_hours,
                  "thu_hours": ref.thu_hours, "fri_hours": ref.fri_hours}
        update_referral(s, LEDER, ref.id, ref.version, values)
        return ref.participant_id, case_ref


def test_search_by_who_what_entity_and_period(demo_sqlite: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_sqlite, tmp_path) as engine:
        pid, case_ref = _correct_a_referral(engine)
        with Session(engine) as s, s.begin():
            record(s, Principal("k-9", "K", Role.KOORDINATOR, "0253"), "roll", "attendance", 5)
            record(s, Principal("x", "X", Role.ADMIN, "0101"), "update", "referral", 7)
        with Session(engine) as s:
            everything = search_audit(s, ADMIN, AuditFilter())
            mine = {e.actor for e in everything} - {"demo-screening"}
            assert mine == {"leder-1", "k-9"}  # not 0101's event
            by_actor = search_audit(s, ADMIN, AuditFilter(actor="LEDER"))
            assert [e.action for e in by_actor] == ["update"]
            assert by_actor[0].new == {"caseworker_ref": "Jobcenter Greve, team 2",
                                       "mon_hours": 11.75}
            assert by_actor[0].old is not None and set(by_actor[0].old) == set(by_actor[0].new)
            assert [e.actor for e in search_audit(s, ADMIN, AuditFilter(action="roll"))] == ["k-9"]
            assert search_audit(s, ADMIN, AuditFilter(entity="referral", entity_id="999999")) == []
            assert [e.participant_id for e in search_audit(
                s, ADMIN, AuditFilter(case_ref=case_ref))] == [pid]
            today = clock.today()
            todays = search_audit(s, ADMIN, AuditFilter(date_from=today, date_to=today))
            assert len([e for e in todays if e.actor != "demo-screening"]) == 2
            older = search_audit(s, ADMIN, AuditFilter(date_to=today - timedelta(days=1)))
            assert all(e.actor == "demo-screening" for e in older)
            # LIKE wildcards typed by the user are data, not patterns.
            assert search_audit(s, ADMIN, AuditFilter(actor="%")) == []


@pytest.mark.parametrize("hour", [0, 23])
def test_todays_events_are_found_at_any_hour_of_the_danish_day(
        empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, hour: int) -> None:
    # Half past midnight in Denmark is still yesterday in UTC, the stored form.
    monkeypatch.setattr(clock, "_wall_clock",
                        lambda: datetime(2026, 11, 23, hour, 30, tzinfo=clock.DANISH_TIME))
    with Session(empty_engine) as s, s.begin():
        record(s, ADMIN, "roll", "attendance", 5)
    today = clock.today()
    with Session(empty_engine) as s:
        todays = search_audit(s, ADMIN, AuditFilter(date_from=today, date_to=today))
        assert [e.action for e in todays] == ["roll"]
        before = today - timedelta(days=1)
        assert search_audit(s, ADMIN, AuditFilter(date_from=before, date_to=before)) == []
        after = today + timedelta(days=1)
        assert search_audit(s, ADMIN, AuditFilter(date_from=after, date_to=after)) == []


def test_audit_search_export_is_neutralised_and_audited(demo_sqlite: Engine,
                                                        tmp_path: Path) -> None:
    from nytte.admin.audit_log import export_audit_search

    with writable_copy(demo_sqlite, tmp_path) as engine:
        with Session(engine) as s, s.begin():
            record(s, Principal("=HYPERLINK(\"x\")", "X", Role.KOORDINATOR, "0253"),
                   "roll", "attendance", 5)
        with Session(engine) as s, s.begin():
            data = export_audit_search(s, ADMIN, AuditFilter(action="roll"))
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert [r["Bruger"] for r in rows] == ["'=HYPERLINK(\"x\")"]
        with Session(engine) as s:
            event = s.scalars(select(AuditEvent).where(AuditEvent.action == "export_audit")).one()
            assert event.actor == "admin-1"
            assert event.new == {"rows": 1, "filter": {"action": "roll"}}


def _read_zip(data: bytes) -> dict[str, list[dict[str, str]]]:
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".csv"):
                content = zf.read(name).decode("utf-8-sig")
                out[name] = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    return out


def test_participant_history_export_is_complete_and_audited(demo_engine: Engine,
                                                            tmp_path: Path) -> None:
    with writable_copy(demo_engine, tmp_path) as engine:
        pid, case_ref = _correct_a_referral(engine)
        with Session(engine) as s, s.begin():
            export = export_participant_history(s, ADMIN, case_ref)
        files = _read_zip(export.data)
        assert set(files) == {"deltager.csv", "henvisninger.csv", "fremmoede.csv",
                              "haendelser.csv"}
        assert files["deltager.csv"][0]["Sagsreference"] == case_ref
        with Session(engine) as s:
            n_att = len(s.scalars(select(Participant).where(Participant.id == pid)).one()
                        .referrals)
            assert len(files["henvisninger.csv"]) == n_att == export.counts["referrals"]
            assert len(files["fremmoede.csv"]) == export.counts["attendance"] > 0
            events_csv = files["haendelser.csv"]
            assert len(events_csv) == 1
            assert events_csv[0]["Hændelse"].startswith("Rettede henvisning nr. ")
            assert case_ref not in export.filename
            events = list(s.scalars(select(AuditEvent).where(
                AuditEvent.action == "export_personal_data")))
            assert len(events) == 1
            assert (events[0].actor, events[0].participant_id) == ("admin-1", pid)
        with Session(engine) as s, pytest.raises(LookupError, match="Ingen deltager"):
            export_participant_history(s, ADMIN, "SAG-FINDES-IKKE")


def _button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def test_admin_page_searches_and_exports(app_db: str, demo_sqlite: Engine, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    with writable_copy(demo_sqlite, tmp_path) as engine:
        _, case_ref = _correct_a_referral(engine)
        monkeypatch.setenv("NYTTE_DATABASE_URL", engine.url.render_as_string(False))
        st.cache_resource.clear()
        at = render_as("pages.admin", ADMIN)
        assert not at.exception
        at.text_input(key="audit_actor").input("leder-1")
        _button(at, "Søg").click().run()
        assert "1 hændelse(r)" in shown_text(at)
        [sentence] = at.dataframe[0].value["Hændelse"].tolist()
        assert sentence.startswith("Rettede henvisning nr. "), sentence
        at.text_input(key="access_case_ref").input(case_ref)
        _button(at, "Lav udtræk").click().run()
        assert not at.exception
        assert any("Udtræk klar" in s.value for s in at.success)
        at.text_input(key="audit_actor").input("admin-1")
        _button(at, "Søg").click().run()
        assert at.dataframe[0].value["Hændelse"].str.startswith(
            "Lavede indsigtsudtræk for deltager nr. ").tolist() == [True]
        _button(at, "Eksportér resultatet (CSV)").click().run()
        assert not at.exception
        assert any(getattr(b, "label", None) == "Hent CSV" for b in at.get("download_button"))
        st.cache_resource.clear()

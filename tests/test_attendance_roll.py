"""The morning roll: expected participants, saving, corrections, and every bad input
the issue lists (holiday/closed day, second registration, hours above the schedule,
future date, participant not enrolled that day), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nytte.attendance.roll import (
    RollEntry,
    RollError,
    all_present,
    read_roll,
    save_roll,
    sign_in_sheet_pdf,
)
from nytte.core.audit import FREE_TEXT_MARKER, shown
from nytte.core.auth import AccessDenied
from nytte.core.db import session_factory
from nytte.models import (
    ABSENT,
    PRESENT,
    Attendance,
    AuditEvent,
    AuditNote,
    ClosingDay,
    Referral,
    Team,
)
from tests.attendance_fixtures import CITY, DAY, SERVICE, coordinator, session, writable_demo

__all__ = ["session", "writable_demo"]


def _count(session: Session, day: date, unit: int = CITY) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.unit_id == unit, Attendance.day == day)
        )
        or 0
    )


def _expected_from_raw(session: Session, unit: int, day: date) -> set[int]:
    """Referrals that must be on the roll, straight from the referral rows."""
    out = set()
    for r in session.scalars(select(Referral).where(Referral.unit_id == unit)):
        hours = [r.mon_hours, r.tue_hours, r.wed_hours, r.thu_hours, r.fri_hours][day.weekday()]
        if r.expected_start <= day and (r.ended_on is None or r.ended_on >= day) and hours > 0:
            out.add(r.id)
    return out


def test_roll_lists_the_expected_participants_from_their_weekly_pattern(session: Session) -> None:
    for day in (DAY, DAY + timedelta(days=4)):  # Monday and Friday differ (4 days + search day)
        sheet = read_roll(session, coordinator(), CITY, day)
        assert {ln.referral_id for ln in sheet.lines} == _expected_from_raw(session, CITY, day)
    assert len(read_roll(session, coordinator(), CITY, DAY).lines) >= 25
    team = session.scalars(select(Team).where(Team.unit_id == CITY)).first()
    assert team is not None
    sheet = read_roll(session, coordinator(), CITY, DAY, team.id)
    assert sheet.lines and all(ln.team_id == team.id for ln in sheet.lines)


def test_all_present_then_exceptions_saves_every_row_in_one_go(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    entries[0] = RollEntry(entries[0].referral_id, ABSENT, None, "unexcused")
    entries[1] = RollEntry(entries[1].referral_id, ABSENT, None, "sick_reported", "ringede 7.40")
    entries[2] = RollEntry(entries[2].referral_id, PRESENT, 3.0, "appointment")
    result = save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    assert (result.created, result.corrected) == (len(entries), 0)
    rows = {
        a.referral_id: a for a in session.scalars(select(Attendance).where(Attendance.day == DAY))
    }
    assert len(rows) == len(entries)
    assert rows[entries[0].referral_id].status == ABSENT
    assert rows[entries[0].referral_id].hours == 0
    assert rows[entries[1].referral_id].note == "ringede 7.40"
    assert rows[entries[2].referral_id].hours == 3.0
    assert rows[entries[3].referral_id].hours == rows[entries[3].referral_id].expected_hours
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.registered")
    ).all()[-1]
    assert event.new is not None and event.new["rows"] == len(entries)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 12, 25), "helligdag"),
        (date(2026, 12, 24), "lukkedag"),
        (date(2026, 11, 28), "weekend"),
    ],
)
def test_roll_on_a_holiday_closed_day_or_weekend_is_refused(
    session: Session, day: date, words: str
) -> None:
    assert session.scalar(select(ClosingDay).where(ClosingDay.day == date(2026, 12, 24)))
    sheet = read_roll(session, coordinator(), CITY, DAY)
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, day, all_present(sheet), today=date(2027, 1, 5))
    assert words in str(err.value).lower()
    assert _count(session, day) == 0
    assert read_roll(session, coordinator(), CITY, day).closed


def test_roll_for_a_future_date_is_refused(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    with pytest.raises(RollError, match="fremtiden"):
        save_roll(session, coordinator(), CITY, DAY, all_present(sheet), today=DAY - timedelta(1))
    assert _count(session, DAY) == 0


def test_hours_above_the_schedule_name_the_row_and_nothing_is_written(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    entries[4] = RollEntry(entries[4].referral_id, PRESENT, sheet.lines[4].expected_hours + 1)
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    assert [(e.row, e.field) for e in err.value.errors] == [(5, "Timer")]
    assert "flere end skemaets" in str(err.value)
    assert _count(session, DAY) == 0  # the 31 valid rows were not written either


def test_a_participant_not_enrolled_that_day_is_refused(session: Session) -> None:
    waiting = session.scalars(
        select(Referral).where(Referral.unit_id == CITY, Referral.expected_start > DAY)
    ).first()
    other_unit = session.scalars(select(Referral).where(Referral.unit_id == SERVICE)).first()
    assert waiting is not None and other_unit is not None
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = [
        *all_present(sheet)[:3],
        RollEntry(waiting.id, PRESENT),
        RollEntry(other_unit.id, PRESENT),
    ]
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    assert [(e.row, e.field) for e in err.value.errors] == [(4, "Deltager"), (5, "Deltager")]
    assert "ikke indskrevet" in err.value.errors[0].message
    assert _count(session, DAY) == 0


def test_the_same_person_twice_in_one_roll_is_refused(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    entries.append(RollEntry(entries[0].referral_id, ABSENT, None, "unexcused"))
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    assert err.value.errors[0].row == len(entries)
    assert "to gange" in err.value.errors[0].message


def test_absence_needs_a_reason_from_the_code_list(session: Session) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    entries[0] = RollEntry(entries[0].referral_id, ABSENT)
    entries[1] = RollEntry(entries[1].referral_id, ABSENT, None, "hangover")
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (1, "Fraværsårsag"),
        (2, "Fraværsårsag"),
    ]


@pytest.mark.parametrize(
    "note", ["cpr 010190-1234", "010190.1234", "010190/1234", "010190_1234",
             "010190\u20131234", "010190\u00ad1234", "010190 - 1234"],
)
def test_a_cpr_number_in_a_note_is_refused(session: Session, note: str) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    entries = all_present(sheet)
    entries[0] = RollEntry(entries[0].referral_id, PRESENT, None, None, note)
    with pytest.raises(RollError, match="CPR"):
        save_roll(session, coordinator(), CITY, DAY, entries, today=DAY)


def test_a_second_registration_corrects_with_a_reason_and_an_audit_event(
    session: Session,
) -> None:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    save_roll(session, coordinator(), CITY, DAY, all_present(sheet), today=DAY)
    target = sheet.lines[0].referral_id
    second = [RollEntry(target, ABSENT, None, "sick_late")]  # registered again, not seen
    with pytest.raises(RollError, match="begrundelse"):
        save_roll(session, coordinator(), CITY, DAY, second, today=DAY)
    result = save_roll(
        session, coordinator(), CITY, DAY, second, today=DAY, correction_reason="Ringede kl. 9"
    )
    assert (result.created, result.corrected) == (0, 1)
    rows = session.scalars(
        select(Attendance).where(Attendance.referral_id == target, Attendance.day == DAY)
    ).all()
    assert len(rows) == 1 and rows[0].status == ABSENT and rows[0].version == 2
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "attendance.corrected", AuditEvent.entity_id == str(rows[0].id)
        )
    ).one()
    # The reason is free text: kept in the event's note (retention blanks it), shown back.
    assert event.reason == FREE_TEXT_MARKER and shown(event)[0] == "Ringede kl. 9"
    assert event.old is not None and event.old["status"] == PRESENT
    assert event.new is not None and event.new["status"] == ABSENT
    assert _count(session, DAY) == len(sheet.lines)  # corrected, never duplicated


def test_correcting_a_past_day_asks_for_a_reason_and_leaves_an_audit_event(
    session: Session,
) -> None:
    past = date(2026, 11, 18)
    sheet = read_roll(session, coordinator(), CITY, past)
    line = next(ln for ln in sheet.lines if ln.status == PRESENT)
    fix = [RollEntry(line.referral_id, ABSENT, None, "unexcused", "", line.version)]
    with pytest.raises(RollError) as err:
        save_roll(session, coordinator(), CITY, past, fix, today=DAY)
    assert err.value.errors[0].field == "Begrundelse"
    save_roll(session, coordinator(), CITY, past, fix, today=DAY, correction_reason="Fejl i listen")
    n_events = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .join(AuditNote, AuditNote.event_id == AuditEvent.id)
        .where(AuditEvent.action == "attendance.corrected", AuditNote.text == "Fejl i listen")
    )
    assert n_events == 1


def test_a_stale_version_is_refused_optimistic_locking(session: Session) -> None:
    past = date(2026, 11, 18)
    sheet = read_roll(session, coordinator(), CITY, past)
    line = sheet.lines[0]
    assert line.version is not None
    # Someone else corrects the row after we read the roll.
    new_status = ABSENT if line.status == PRESENT else PRESENT
    other = RollEntry(
        line.referral_id,
        new_status,
        None,
        "unexcused" if new_status == ABSENT else None,
        "",
        line.version,
    )
    save_roll(session, coordinator(), CITY, past, [other], today=DAY, correction_reason="a")
    # Our correction, based on the old version, must not overwrite theirs.
    ours = RollEntry(
        line.referral_id,
        line.status or PRESENT,
        None,
        "sick_reported" if line.status == ABSENT else None,
        "x",
        line.version,
    )
    with pytest.raises(RollError, match="en anden har ændret"):
        save_roll(session, coordinator(), CITY, past, [ours], today=DAY, correction_reason="b")


def test_a_coordinator_cannot_keep_another_units_roll(session: Session) -> None:
    with pytest.raises(AccessDenied):
        read_roll(session, coordinator((SERVICE,)), CITY, DAY)
    sheet = read_roll(session, coordinator(), CITY, DAY)
    with pytest.raises(AccessDenied):
        save_roll(session, coordinator((SERVICE,)), CITY, DAY, all_present(sheet), today=DAY)


def test_sign_in_sheet_has_one_page_per_team_with_danish_letters(session: Session) -> None:
    from pypdf import PdfReader

    pdf = sign_in_sheet_pdf(session, coordinator(), CITY, DAY)
    assert pdf.startswith(b"%PDF")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    teams = session.scalars(select(Team.name).where(Team.unit_id == CITY).order_by(Team.id)).all()
    assert len(pages) == len(teams)
    for name, page in zip(teams, pages, strict=True):
        assert name in page and "Underskrift" in page and "Mødeliste" in page
    text = "\n".join(pages)
    assert "Grønne områder" in text and "Fravær / årsag" in text  # æ, ø, å survive
    sheet = read_roll(session, coordinator(), CITY, DAY)
    assert all(ln.case_ref in text for ln in sheet.lines)


def test_two_leaders_saving_the_same_row_at_once_never_overwrite_silently(
    writable_demo: Engine,
) -> None:
    """The version column in the UPDATE's WHERE clause: the slower save is refused."""
    day = DAY + timedelta(days=1)
    make = session_factory(writable_demo)
    with make() as s:
        sheet = read_roll(s, coordinator(), CITY, day)
        save_roll(s, coordinator(), CITY, day, all_present(sheet), today=day)
        s.commit()
    target = sheet.lines[0].referral_id
    a, b = make(), make()
    try:
        # Both read the registered row (version 1) ...
        row_a = a.scalars(
            select(Attendance).where(Attendance.referral_id == target, Attendance.day == day)
        ).one()
        assert row_a.version == 1
        fix_b = [RollEntry(target, ABSENT, None, "sick_late", "", 1)]
        save_roll(b, coordinator(), CITY, day, fix_b, today=day, correction_reason="B")
        b.commit()  # ... B saves first ...
        fix_a = [RollEntry(target, ABSENT, None, "unexcused", "", 1)]
        with pytest.raises(RollError, match="En anden har gemt"):  # ... A's save is refused.
            save_roll(a, coordinator(), CITY, day, fix_a, today=day, correction_reason="A")
        a.rollback()
    finally:
        a.close()
        b.close()
    with make() as s:
        row = s.scalars(
            select(Attendance).where(Attendance.referral_id == target, Attendance.day == day)
        ).one()
        assert (row.reason_code, row.version) == ("sick_late", 2)


def test_the_roll_flags_course_length_under_the_rules_of_the_start_date(
    session: Session,
) -> None:
    from nytte.attendance.course_length import OK, WARN

    before = read_roll(session, coordinator(), CITY, date(2025, 5, 6))
    weeks = {ln.course.week: ln.course.level for ln in before.lines}
    assert any(level == WARN for level in weeks.values())  # week 11-13 under pre_2025
    assert all((level == WARN) == (11 <= w <= 13) for w, level in weeks.items())
    after = read_roll(session, coordinator(), CITY, DAY)
    assert any(ln.course.week > 13 for ln in after.lines)  # long courses after the reform ...
    assert all(ln.course.level == OK for ln in after.lines)  # ... carry no cap

"""Importing a paper roll: Latin-1, semicolons, Danish dates and decimal commas;
row-level errors and all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.attendance.roll import RollError, read_roll
from nytte.attendance.roll_import import import_paper_roll
from nytte.io.cells import parse_date
from nytte.models import ABSENT, Attendance
from tests.attendance_fixtures import CITY, DAY, coordinator, session, writable_demo

__all__ = ["session", "writable_demo"]


def _csv(lines: list[str], encoding: str = "latin-1") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _refs(session: Session, n: int) -> list[tuple[str, float]]:
    sheet = read_roll(session, coordinator(), CITY, DAY)
    return [(ln.case_ref, ln.expected_hours) for ln in sheet.lines[:n]]


def _rows(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Attendance).where(Attendance.day >= DAY))
        or 0
    )


def test_a_latin1_semicolon_file_with_danish_dates_is_imported(session: Session) -> None:
    refs = _refs(session, 4)
    data = _csv(
        [
            "Dato;Sagsnummer;Status;Timer;Årsag;Note",
            f"23-11-2026;{refs[0][0]};mødt;6,25;;",
            f"23-11-2026;{refs[1][0]};fravær;;Syg (meldt før mødetid);Ringede før kl. 8",
            f"23-11-2026;{refs[2][0]};Mødt;3,5;Læge/myndighed;gik til læge",
            f"23.11.2026;{refs[3][0]};F;0;unexcused;",
        ]
    )
    assert "Årsag".encode("latin-1") in data  # really Latin-1, not UTF-8
    result = import_paper_roll(session, coordinator(), CITY, data, today=DAY)
    assert result.created == 4
    rows = {a.note: a for a in session.scalars(select(Attendance).where(Attendance.day == DAY))}
    assert rows["Ringede før kl. 8"].status == ABSENT
    assert rows["Ringede før kl. 8"].reason_code == "sick_reported"
    assert rows["gik til læge"].hours == 3.5


def test_a_utf8_file_with_bom_is_read_too(session: Session) -> None:
    refs = _refs(session, 1)
    data = _csv(["dato;sagsnummer;status", f"23-11-2026;{refs[0][0]};mødt"], "utf-8-sig")
    assert import_paper_roll(session, coordinator(), CITY, data, today=DAY).created == 1


def test_bad_rows_are_each_named_and_nothing_is_imported(session: Session) -> None:
    refs = _refs(session, 6)
    data = _csv(
        [
            "dato;sagsnummer;status;timer;årsag;note",
            f"23-11-2026;{refs[0][0]};mødt;6,25;;",  # line 2: fine
            "23-11-2026;SAG-0253-9999999;mødt;6,25;;",  # 3: unknown reference
            f"11/23/2026;{refs[1][0]};mødt;;;",  # 4: US month/day order: no 23rd month
            f"31-11-2026;{refs[2][0]};mødt;;;",  # 5: no such date
            f"23-11-2026;{refs[3][0]};måske;;;",  # 6: unknown status
            f"23-11-2026;{refs[4][0]};mødt;{refs[4][1] + 2:.2f}".replace(".", ",") + ";;",  # 7
            f"23-11-2026;{refs[5][0]};fravær;;tømmermænd;",  # 8: unknown reason
            f"25-12-2026;{refs[0][0]};mødt;;;",  # 9: Christmas Day
            f"23-11-2026;{refs[0][0]};mødt;;;",  # 10: same person and day as line 2
            f"23-11-2026;{refs[1][0]};mødt;seks;;",  # 11: hours not a number
        ]
    )
    with pytest.raises(RollError) as err:
        import_paper_roll(session, coordinator(), CITY, data, today=date(2026, 12, 30))
    got = {(e.row, e.field) for e in err.value.errors}
    assert got == {
        (3, "Sagsnummer"),
        (4, "Dato"),
        (5, "Dato"),
        (6, "Status"),
        (7, "Timer"),
        (8, "Fraværsårsag"),
        (9, "Dato"),
        (10, "Deltager"),
        (11, "Timer"),
    }
    messages = err.value.messages()
    assert any("Række 3, Sagsnummer" in m and "SAG-0253-9999999" in m for m in messages)
    assert any("Række 9" in m and "helligdag" in m for m in messages)
    assert _rows(session) == 0  # line 2 was valid but all or nothing


def test_an_empty_or_headerless_file_says_so(session: Session) -> None:
    with pytest.raises(RollError, match="tom"):
        import_paper_roll(session, coordinator(), CITY, b"", today=DAY)
    with pytest.raises(RollError, match="mangler"):
        import_paper_roll(session, coordinator(), CITY, _csv(["a;b;c", "1;2;3"]), today=DAY)


def test_danish_dates() -> None:
    """The paper roll reads dates with the importers' one parser."""
    assert parse_date("02-03-2026") == date(2026, 3, 2)
    assert parse_date("2.3.2026") == date(2026, 3, 2)
    assert parse_date("2026-03-02") == date(2026, 3, 2)  # ISO, as spreadsheets also export
    with pytest.raises(ValueError, match="ikke findes"):
        parse_date("30-02-2026")

"""Server-side validation of forms and exports: whatever the browser allowed, a bad
value is refused with a Danish message naming the field, and nothing is written;
exported cells are never formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.io.cells import is_formula, parse_date, parse_decimal
from nytte.io.exports import neutralise, to_csv_bytes

# The demo data screens its tasks, leaving events by this actor.
from nytte.models import AuditEvent, Referral
from nytte.referrals.service import InvalidInput, get_referral, update_referral
from tests.trust_helpers import db_checksum, writable_copy

LEDER = Principal("l", "Leder", Role.LEDER, "0253")

NOT_DEMO = AuditEvent.actor != "demo-screening"


def _values(view: Any, **changes: Any) -> dict[str, Any]:
    base = {"expected_start": view.expected_start, "ended_on": None, "exit_outcome": None,
            "caseworker_ref": view.caseworker_ref,
            **dict(zip(("mon_hours", "tue_hours", "wed_hours", "thu_hours", "fri_hours"),
                       view.hours, strict=True))}
    return {**base, **changes}


BAD_EDITS = [
    ({"caseworker_ref": "Borger 010190-1234"}, "Sagsbehandler", "CPR"),
    ({"caseworker_ref": "x" * 81}, "Sagsbehandler", "for lang"),
    ({"caseworker_ref": "Jobcenter\x07"}, "Sagsbehandler", "styretegn"),
    ({"mon_hours": -1.0}, "Timer man", "negativ"),
    ({"fri_hours": 1e9}, "Timer fre", "for stor"),
    ({"tue_hours": "mange"}, "Timer tir", "tal"),
    ({"expected_start": "31-02-2026"}, "Forventet start", "gyldig dato"),
    ({"ended_on": date(2000, 1, 1), "exit_outcome": "job"}, "", "før forventet start"),
    ({"ended_on": date(2026, 11, 20)}, "", "udfyldes sammen"),
    ({"ended_on": date(2026, 11, 20), "exit_outcome": "'; DROP TABLE referral;--"},
     "Afgangsårsag", "findes ikke"),
]


@pytest.fixture(scope="module")
def db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("forms")) as engine:
        yield engine


@pytest.mark.parametrize(("change", "field", "words"), BAD_EDITS,
                         ids=[f"{i}" for i in range(len(BAD_EDITS))])
def test_bad_referral_edit_is_refused(db: Engine, change: dict[str, Any], field: str,
                                      words: str) -> None:
    before = db_checksum(db)
    with Session(db) as s:
        rid = s.scalar(select(Referral.id).where(Referral.ended_on.is_(None)).limit(1))
        assert rid is not None
        view = get_referral(s, LEDER, rid)
        with pytest.raises(InvalidInput) as info:
            update_referral(s, LEDER, rid, view.version, _values(view, **change))
        s.rollback()
    message = str(info.value)
    assert words in message and message.startswith(field), message
    assert db_checksum(db) == before


def test_good_referral_edit_is_saved_and_audited(demo_sqlite: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_sqlite, tmp_path) as engine:
        with Session(engine) as s, s.begin():
            rid = s.scalar(select(Referral.id).where(Referral.ended_on.is_(None)).limit(1))
            assert rid is not None
            view = get_referral(s, LEDER, rid)
            end = view.expected_start + timedelta(days=30)
            saved = update_referral(s, LEDER, rid, view.version,
                                    _values(view, ended_on=end, exit_outcome="job"))
        assert (saved.ended_on, saved.exit_outcome, saved.version) == (end, "job",
                                                                       view.version + 1)
        with Session(engine) as s:
            event = s.scalars(select(AuditEvent).where(NOT_DEMO)).one()
            assert event.old == {"ended_on": None, "exit_outcome": None}
            assert event.new == {"ended_on": end.isoformat(), "exit_outcome": "job"}
            # Saving the same values again writes nothing and leaves no event.
            update_referral(s, LEDER, rid, saved.version,
                            _values(saved, ended_on=end, exit_outcome="job"))
            s.commit()
            assert s.scalar(select(func.count()).select_from(AuditEvent).where(NOT_DEMO)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-5", "'-5"),  # text that merely looks numeric is still quoted
        ("Hans Hansen", "Hans Hansen"),
        (-5, "-5"),
        (6.25, "6,25"),
        (date(2026, 3, 2), "02-03-2026"),
        (None, ""),
    ],
)
def test_export_cells_never_run_as_formulas(value: object, expected: str) -> None:
    assert neutralise(value) == expected


def test_csv_export_is_danish_excel_friendly() -> None:
    data = to_csv_bytes([{"Navn": "=1+1", "Timer": 6.5}], ["Navn", "Timer"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Navn", "Timer"], ["'=1+1", "6,5"]]


def test_cell_parsers() -> None:
    assert parse_decimal("1.234,5") == 1234.5 and parse_decimal("6,25") == 6.25
    assert parse_date("02-03-2026") == date(2026, 3, 2) == parse_date("2026-03-02")
    assert is_formula("=1") and is_formula("+x") and not is_formula("-3,5")
    with pytest.raises(ValueError, match="ikke findes"):
        parse_date("29-02-2027")


def test_free_text_types_refuse_cpr_and_control_characters() -> None:
    from pydantic import BaseModel, ValidationError

    from nytte.core.validation import FreeText

    class Note(BaseModel):
        note: FreeText = ""

    assert Note(note="  Kom kl. 9 ").note == "Kom kl. 9"
    assert Note(note="Tlf. 12 34 56 78").note  # eight digits: not a CPR number
    for bad in ("Borger 0101901234", "Borger 010190 1234", "abc\u202edcba", "x" * 501):
        with pytest.raises(ValidationError):
            Note(note=bad)

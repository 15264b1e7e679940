"""Participants' names: imported from the case system (optional, validated columns),
shown where people work with people (the roll, the sign-in sheet, absence notices,
the risk list), never to the council, never in audit events, and removed by
retention. The demo gives plausible names, the same for the same seed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nytte.admin.retention import anonymise_expired
from nytte.attendance.notices import absence_notices, to_csv
from nytte.attendance.roll import RollEntry, all_present, read_roll, save_roll, sign_in_sheet_pdf
from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.council.council_page import council_page
from nytte.council.exports import table_csv, tables_xlsx
from nytte.council.pack import meeting_pack_pdf
from nytte.council.periods import year
from nytte.demo import params as P
from nytte.demo.generate import generate
from nytte.io.errors import ImportRejected
from nytte.models import ABSENT, AuditEvent, Participant, display_name
from nytte.referrals.imports import import_referrals
from tests.test_trust_imports import BASE_ROWS, COORD, HEADER, TODAY, csv_bytes
from tests.trust_helpers import writable_copy

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 20)
CITY = 2


@pytest.fixture
def engine(demo_sqlite: Engine, tmp_path: Path) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path) as copy:
        yield copy


def _with_names(names: list[tuple[str, str]]) -> bytes:
    return csv_bytes(
        [[*r, n, p] for r, (n, p) in zip(BASE_ROWS, names, strict=True)],
        [*HEADER, "navn", "kaldenavn"],
    )


def _audit_text(s: Session) -> str:
    return "\n".join(
        json.dumps([e.old, e.new, e.reason, e.entity_id], ensure_ascii=False, default=str)
        for e in s.scalars(select(AuditEvent))
    )


def test_names_are_imported_but_never_audited(engine: Engine) -> None:
    names = [("Søren Ærø-Ålund", "Søs"), ("Mohammad O'Brien", ""), ("Anne-Marie Nguyễn", "")]
    with session_scope(engine) as s:
        import_referrals(s, COORD, _with_names(names), "henvisninger.csv", today=TODAY)
    with session_scope(engine) as s:
        got = {
            p.case_ref: (p.name, p.preferred_name)
            for p in s.scalars(select(Participant).where(Participant.case_ref.like("NY-%")))
        }
        audit = _audit_text(s)
        created = [e for e in s.scalars(select(AuditEvent)) if e.action == "import_create"]
    assert got == {
        "NY-0001": ("Søren Ærø-Ålund", "Søs"),
        "NY-0002": ("Mohammad O'Brien", None),
        "NY-0003": ("Anne-Marie Nguyễn", None),
    }
    for name, preferred in names:
        assert name not in audit and (not preferred or preferred not in audit)
    # The audit says which personal fields came, not what they hold.
    assert any((e.new or {}).get("personal_fields") == ["name", "preferred_name"] for e in created)


def test_the_name_columns_are_optional(engine: Engine) -> None:
    with session_scope(engine) as s:
        result = import_referrals(s, COORD, csv_bytes(BASE_ROWS), "h.csv", today=TODAY)
    assert result.rows == 3


@pytest.mark.parametrize(
    ("name", "preferred", "field", "words"),
    [
        ("Peter 2", "", "navn", "ikke et navn"),
        ("010190-1234", "", "navn", "CPR"),
        ("Anne <script>", "", "navn", "ikke et navn"),
        ("A" * 121, "", "navn", "højst 120"),
        ("Anne Holm", "X" * 61, "kaldenavn", "højst 60"),
        ("Anne Holm", "=HYPERLINK(1)", "kaldenavn", ""),
    ],
)
def test_bad_names_are_refused_by_row_and_column(
    engine: Engine, name: str, preferred: str, field: str, words: str
) -> None:
    names = [("Bo Berg", ""), (name, preferred), ("Ida Dahl", "")]
    with session_scope(engine) as s, pytest.raises(ImportRejected) as err:
        import_referrals(s, COORD, _with_names(names), "h.csv", today=TODAY)
    problems = err.value.problems
    assert any(p.row == 3 and p.field == field and words in p.message for p in problems), [
        (p.row, p.field, p.message) for p in problems
    ]
    with session_scope(engine) as s:
        assert s.scalar(select(Participant).where(Participant.case_ref == "NY-0001")) is None


def _coordinator() -> Principal:
    from nytte.core.auth import demo_principal

    return demo_principal(Role.KOORDINATOR, "0253", [1, 2], "1085")


def test_the_roll_sheet_and_notices_carry_the_names(engine: Engine) -> None:
    with session_scope(engine) as s:
        sheet = read_roll(s, _coordinator(), CITY, DAY)
        names = {
            p.id: display_name(p.name, p.preferred_name)
            for p in s.scalars(select(Participant).where(Participant.municipality_code == "0253"))
        }
        assert sheet.lines and all(ln.name == names[ln.participant_id] for ln in sheet.lines)
        assert all(ln.name for ln in sheet.lines)  # the demo names everyone
        # The roll is called by name within a team.
        for team in {ln.team_name for ln in sheet.lines}:
            in_team = [ln.name.casefold() for ln in sheet.lines if ln.team_name == team]
            assert in_team == sorted(in_team)
        pdf = sign_in_sheet_pdf(s, _coordinator(), CITY, DAY)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    plain = [ln.name for ln in sheet.lines if "(" not in ln.name]
    assert plain and all(n in text for n in plain)
    assert "Navn" in text and "Sagsnummer" in text

    day = date(2026, 11, 23)
    with session_scope(engine) as s:
        sheet = read_roll(s, _coordinator(), CITY, day)
        entries = all_present(sheet)
        first = sheet.lines[0]
        entries[0] = RollEntry(first.referral_id, ABSENT, None, "unexcused")
        save_roll(s, _coordinator(), CITY, day, entries, today=day)
    with session_scope(engine) as s:
        df = absence_notices(s, _coordinator(), unit_id=CITY, start=day, end=day)
        assert list(df["Navn"]) == [first.name]
        rows = list(csv.reader(io.StringIO(to_csv(df).decode("utf-8-sig")), delimiter=";"))
        assert rows[0][1] == "Navn" and rows[1][1] == first.name
        assert first.name not in _audit_text(s)


def test_the_council_never_sees_a_name(demo_sqlite: Engine) -> None:
    # The code that feeds the council does not read the name columns ...
    sources = [
        *(ROOT / "nytte" / "council").glob("*.py"),
        ROOT / "nytte" / "kpis" / "council.py",
        ROOT / "pages" / "council.py",
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for word in ("Participant.name", "preferred_name", "display_name"):
            assert word not in text, (path.name, word)
    # ... and nothing the council is given (page, tables, pack) holds one.
    reviewer = Principal("raad", "Rådsmedlem", Role.RAAD, region_code="1085")
    with session_scope(demo_sqlite) as s:
        names = {n for (n,) in s.execute(select(Participant.name)) if n}
        page = council_page(s, reviewer, year(2026))
    assert len(names) > 100
    tables = page.review.tables()
    blobs = [repr(page)]
    blobs += [table_csv(t).decode("utf-8-sig") for _, t in tables]
    blobs.append(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(meeting_pack_pdf(page))).pages)
    )
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(tables_xlsx(tables, ["enrolled"])))
    blobs.append(" ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row))
    text = "\n".join(blobs)
    assert not [n for n in names if n in text]


def test_retention_removes_names(engine: Engine) -> None:
    with session_scope(engine) as s:
        result = anonymise_expired(s, months=12, today=P.DEMO_END)
    assert result.anonymised > 100
    with session_scope(engine) as s:
        gone = s.execute(
            select(Participant.name, Participant.preferred_name).where(
                Participant.anonymised_at.is_not(None)
            )
        ).all()
        kept = s.scalar(
            select(Participant.name).where(
                Participant.anonymised_at.is_(None), Participant.name.is_not(None)
            )
        )
    assert len(gone) == result.anonymised and all(n is None and p is None for n, p in gone)
    assert kept is not None  # those still within the period keep theirs


def test_demo_names_are_plausible_and_follow_the_seed() -> None:
    a = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    b = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    c = generate("demo", 2, [P.DEMO_MUNICIPALITY])
    assert list(a.participants["name"]) == list(b.participants["name"])
    assert list(a.participants["name"]) != list(
        c.participants["name"][: len(a.participants["name"])]
    )
    names = a.participants["name"]
    assert all(isinstance(n, str) and len(n.split()) == 2 for n in names)
    assert len(set(names)) > len(names) * 0.5  # varied, not one name repeated
    preferred = [p for p in a.participants["preferred_name"] if p]
    assert 0 < len(preferred) < len(names) * 0.3
    # Names come from their own generator: every other column is as without them.
    assert int(np.sum(a.participants["gender"] == "K")) == int(
        np.sum(b.participants["gender"] == "K")
    )

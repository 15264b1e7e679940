"""The bad-import catalogue for every file import besides referrals (whose catalogue
is tests/test_trust_imports.py): the paper roll, follow-up, batch screening,
precedents and the Jobindsats CSV. Each case is the valid base file with one thing
broken; each must be refused with a Danish message naming the row and the field (or
the file), and nothing may be written. The positive controls import the base file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nytte.attendance.roll import RollError, read_roll
from nytte.attendance.roll_import import import_paper_roll
from nytte.core.auth import Principal, Role
from nytte.core.reference_figures import municipality_names
from nytte.council.follow_up import FollowUpImportError, import_follow_ups
from nytte.jobindsats.errors import JobindsatsImportError
from nytte.jobindsats.parse import AreaResolver, observations_from_csv
from nytte.models import Attendance, Participant, Referral
from nytte.screening.batchfile import BatchFileError, read_proposals
from nytte.screening.precedent import PrecedentFileError, export_document, read_export
from tests.attendance_fixtures import CITY, DAY, coordinator
from tests.jobindsats_fakes import FIXTURES
from tests.screening_examples import base, electrician
from tests.test_screening_precedent import DECISIONS
from tests.trust_helpers import db_checksum, writable_copy

MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Any], bytes]  # base data -> the broken file
    row: int | None  # the row the message must name (None: the file)
    field: str | None  # a fragment of the field the message must name
    words: str  # a fragment of the message


def _named(text: str, case: Case) -> None:
    low = text.lower()
    assert case.words.lower() in low, text
    if case.row is not None:
        assert f"række {case.row}" in low, text
    else:
        assert "filen" in low or "fil" in low, text
    if case.field is not None:
        assert case.field.lower() in low, text


# --- the paper roll --------------------------------------------------------------------

ROLL_HEADER = "Dato;Sagsnummer;Status;Timer;Årsag;Note"


def _roll(refs: list[str], rows: list[str] | None = None, header: str = ROLL_HEADER) -> bytes:
    lines = rows if rows is not None else [f"23-11-2026;{r};mødt;;;" for r in refs]
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def _roll_row(refs: list[str], n: int, line: str) -> bytes:
    rows = [f"23-11-2026;{r};mødt;;;" for r in refs]
    rows[n - 2] = line.format(ref=refs[n - 2])
    return _roll(refs, rows)


ROLL_CASES = [
    Case("nul-byte", lambda r: _roll_row(r, 3, "23-11-2026;{ref};mødt;;;syg\x00"),
         3, None, "binære data"),
    Case("bell-in-note", lambda r: _roll_row(r, 2, "23-11-2026;{ref};mødt;;;ring\x07"),
         2, "note", "styretegn"),
    Case("escape-in-note", lambda r: _roll_row(r, 4, "23-11-2026;{ref};mødt;;;\x1b[31mrød"),
         4, "note", "styretegn"),
    Case("unbalanced-quote", lambda r: _roll_row(r, 2, '23-11-2026;{ref};mødt;;;"kom sent'),
         2, None, "anførselstegn"),
    Case("quote-swallows-next-row", lambda r: _roll_row(r, 3, '23-11-2026;{ref};mødt;;;"a')
         .replace(b"\r\n23-11-2026;" + r[2].encode() + b";m\xc3\xb8dt;;;\r\n",
                  b"\r\n23-11-2026;" + r[2].encode() + b';m\xc3\xb8dt;;;b"\r\n'),
         3, None, "anførselstegn"),
    Case("nan-hours", lambda r: _roll_row(r, 2, "23-11-2026;{ref};mødt;nan;;"),
         2, "timer", "tal"),
    Case("inf-hours", lambda r: _roll_row(r, 3, "23-11-2026;{ref};mødt;inf;;"),
         3, "timer", "tal"),
    Case("thousands-hours", lambda r: _roll_row(r, 2, "23-11-2026;{ref};mødt;1.000;;"),
         2, "timer", "timer"),
    Case("long-field", lambda r: _roll_row(r, 3, "23-11-2026;{ref};mødt;;;" + "x" * 200_000),
         3, None, "for langt"),
    Case("too-large", lambda r: _roll(r) + b"x" * (3 * MB), None, None, "MB"),
    Case("duplicate-column", lambda r: _roll(r, [f"23-11-2026;{x};mødt;;;;" for x in r],
                                             ROLL_HEADER + ";Status"), 1, "status", "to"),
    Case("unknown-column", lambda r: _roll(r, [f"23-11-2026;{x};mødt;;;;1" for x in r],
                                           ROLL_HEADER + ";CPR"), 1, "cpr", "kendes ikke"),
    Case("cpr-dot-in-note", lambda r: _roll_row(r, 2, "23-11-2026;{ref};mødt;;;010190.1234"),
         2, "note", "CPR"),
    Case("cpr-soft-hyphen", lambda r: _roll_row(r, 4, "23-11-2026;{ref};mødt;;;010190\u00ad1234"),
         4, "note", "CPR"),
    Case("formula-in-note",
         lambda r: _roll_row(r, 3, '23-11-2026;{ref};mødt;;;=HYPERLINK("http://x")'),
         3, "note", "formel"),
    Case("utf16", lambda r: _roll(r).decode().encode("utf-16"), 1, None, "UTF-16"),
]


@pytest.fixture(scope="module")
def roll_db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("roll")) as engine:
        yield engine


@pytest.fixture(scope="module")
def roll_db_checksum(roll_db: Engine) -> str:
    """The copy as it was made: every roll refusal below must leave it exactly so."""
    return db_checksum(roll_db)


def _roll_refs(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [ln.case_ref for ln in read_roll(s, coordinator(), CITY, DAY).lines[:4]]


@pytest.mark.parametrize("case", ROLL_CASES, ids=[c.id for c in ROLL_CASES])
def test_roll_import_refuses(roll_db: Engine, roll_db_checksum: str, case: Case) -> None:
    data = case.make(_roll_refs(roll_db))
    with pytest.raises(RollError) as info, Session(roll_db) as s, s.begin():
        import_paper_roll(s, coordinator(), CITY, data, today=DAY)
    texts = [f"Række {e.row}, felt '{e.field}': {e.message}" for e in info.value.errors]
    assert any(_ok(t, case) for t in texts), texts
    assert db_checksum(roll_db) == roll_db_checksum


def _ok(text: str, case: Case) -> bool:
    try:
        _named(text, case)
    except AssertionError:
        return False
    return True


def test_roll_base_file_and_a_lower_case_reference_import(roll_db: Engine,
                                                           tmp_path: Path) -> None:
    with writable_copy(roll_db, tmp_path) as engine:
        refs = _roll_refs(engine)
        data = _roll([refs[0].lower(), *refs[1:]])  # «sag-…» is the same citizen
        with Session(engine) as s, s.begin():
            result = import_paper_roll(s, coordinator(), CITY, data, today=DAY)
        assert result.created == 4
        with Session(engine) as s:
            assert len(s.scalars(select(Attendance).where(Attendance.day == DAY)).all()) == 4


# --- follow-up ---------------------------------------------------------------------------

FU_HEADER = "sagsreference;slutdato;efter 3 mdr;efter 6 mdr"
LEADER = Principal("leder", "Leder", Role.LEDER, municipality_code="0253")


def _fu(ends: list[tuple[str, date]], lines: list[str] | None = None,
        header: str = FU_HEADER) -> bytes:
    rows = lines if lines is not None else [f"{r};{e:%d-%m-%Y};job;" for r, e in ends]
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def _fu_row(ends: list[tuple[str, date]], n: int, line: str) -> bytes:
    rows = [f"{r};{e:%d-%m-%Y};job;" for r, e in ends]
    ref, end = ends[n - 2]
    rows[n - 2] = line.format(ref=ref, end=f"{end:%d-%m-%Y}")
    return _fu(ends, rows)


FU_CASES = [
    Case("nul-byte", lambda e: _fu_row(e, 2, "{ref};{end};job;\x00"), 2, None, "binære"),
    Case("escape", lambda e: _fu_row(e, 3, "{ref};{end};job\x1b;"), 3, "efter 3 mdr",
         "styretegn"),
    Case("unbalanced-quote", lambda e: _fu_row(e, 2, '{ref};{end};"job;'), 2, None,
         "anførselstegn"),
    Case("long-field", lambda e: _fu_row(e, 3, "{ref};{end};job;" + "x" * 200_000), 3, None,
         "for langt"),
    Case("too-large", lambda e: _fu(e) + b"x" * (6 * MB), None, None, "MB"),
    Case("duplicate-column", lambda e: _fu(e, [f"{r};{d:%d-%m-%Y};job;;job" for r, d in e],
                                           FU_HEADER + ";efter 3 mdr"), 1, "efter 3 mdr", "to"),
    Case("unknown-column", lambda e: _fu(e, [f"{r};{d:%d-%m-%Y};job;;Jens" for r, d in e],
                                         FU_HEADER + ";navn"), 1, "navn", "kendes ikke"),
    Case("cpr-as-reference", lambda e: _fu_row(e, 2, "010190/1234;{end};job;"),
         2, "sagsreference", "CPR"),
    Case("formula", lambda e: _fu_row(e, 3, "{ref};{end};=1+1;"), 3, "efter 3 mdr", "formel"),
    Case("bad-date", lambda e: _fu_row(e, 2, "{ref};31-02-2025;job;"), 2, "slutdato",
         "ikke findes"),
]


@pytest.fixture(scope="module")
def fu_db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("fu")) as engine:
        yield engine


@pytest.fixture(scope="module")
def fu_db_checksum(fu_db: Engine) -> str:
    """The copy as it was made: every follow-up refusal below must leave it exactly so."""
    return db_checksum(fu_db)


def _ends(engine: Engine) -> list[tuple[str, date]]:
    with Session(engine) as s:
        rows = s.execute(
            select(Participant.case_ref, Referral.ended_on)
            .join(Referral, Referral.participant_id == Participant.id)
            .where(Participant.municipality_code == "0253", Referral.ended_on.is_not(None),
                   Referral.ended_on < date(2026, 6, 1))
            .order_by(Participant.id).limit(3)).all()
    return [(str(r), e) for r, e in rows if e is not None]


@pytest.mark.parametrize("case", FU_CASES, ids=[c.id for c in FU_CASES])
def test_follow_up_import_refuses(fu_db: Engine, fu_db_checksum: str, case: Case) -> None:
    data = case.make(_ends(fu_db))
    with pytest.raises(FollowUpImportError) as info, Session(fu_db) as s, s.begin():
        import_follow_ups(s, LEADER, data, today=date(2026, 11, 23))
    assert any(_ok(line, case) for line in str(info.value).splitlines()), str(info.value)
    assert db_checksum(fu_db) == fu_db_checksum


def test_follow_up_base_file_with_a_lower_case_reference_imports(fu_db: Engine,
                                                                 tmp_path: Path) -> None:
    with writable_copy(fu_db, tmp_path) as engine:
        ends = _ends(engine)
        data = _fu([(ends[0][0].lower(), ends[0][1]), *ends[1:]])
        with Session(engine) as s, s.begin():
            result = import_follow_ups(s, LEADER, data, today=date(2026, 11, 23))
        assert result.saved == 3


# --- batch screening ---------------------------------------------------------------------


def _tasks_csv(rows: list[dict[str, Any]]) -> str:
    from tests.test_screening_batchfile import to_csv

    return to_csv(rows, ";")


TASKS = [base(), electrician()]


def _task_cell(n: int, field: str, value: str) -> bytes:
    rows = [dict(r) for r in TASKS]
    rows[n - 1][field] = value
    return _tasks_csv(rows).encode("utf-8")


def _deep(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


BATCH_CASES = [
    Case("deep-json", lambda _: _deep(100_000), None, None, "indlejret"),
    Case("json-too-large", lambda _: json.dumps([base()] * 40_000).encode(), None, None, "MB"),
    Case("json-not-utf8", lambda _: json.dumps([base()]).encode("utf-16"), None, None, "UTF"),
    Case("json-escape-char", lambda _: json.dumps([base(description="Pas på\u001b[31m")]).encode(),
         1, "description", "styretegn"),
    Case("json-cpr", lambda _: json.dumps([base(), base(description="Jens 010190_1234")]).encode(),
         2, "description", "CPR"),
    Case("nul-byte", lambda _: _task_cell(1, "description", "a\x00b"), None, None, "binære"),
    Case("bell", lambda _: _task_cell(2, "title", "Maling\x07"), 2, "title", "styretegn"),
    Case("unbalanced-quote", lambda _: _tasks_csv(TASKS).replace(
        "Naturpleje", '"Naturpleje', 1).encode(), 1, None, "anførselstegn"),
    Case("long-field", lambda _: _task_cell(1, "description", "x" * 200_000), 1, None,
         "for langt"),
    Case("duplicate-column", lambda _: _tasks_csv(TASKS).replace("title;description",
                                                                  "title;title", 1).encode(),
         None, "title", "to gange"),
    Case("unknown-column", lambda _: _tasks_csv(TASKS).replace("season", "saeson", 1).encode(),
         None, "saeson", "kendes ikke"),
    Case("cpr-en-dash", lambda _: _task_cell(2, "description", "Hjælp Jens 010190–1234"),
         2, "description", "CPR"),
    Case("formula", lambda _: _task_cell(1, "title", "=HYPERLINK(\"http://x\")"), 1, "title",
         "formel"),
]


@pytest.mark.parametrize("case", BATCH_CASES, ids=[c.id for c in BATCH_CASES])
def test_batch_screening_refuses(case: Case) -> None:
    data = case.make(None)
    name = "opgaver.json" if case.id.startswith(("json", "deep")) else "opgaver.csv"
    with pytest.raises(BatchFileError) as info:
        read_proposals(data, name)
    texts = [f"{p} [{p.field}]" for p in info.value.problems]
    assert any(_ok(t, case) for t in texts), texts


def test_batch_base_files_read() -> None:
    assert len(read_proposals(_tasks_csv(TASKS).encode(), "opgaver.csv")) == 2
    assert len(read_proposals(json.dumps(TASKS).encode(), "opgaver.json")) == 2
    # A labelled P-number is not a CPR number.
    assert read_proposals(_task_cell(1, "description", "P-nr. 1003388497"), "o.csv")


# --- precedents ----------------------------------------------------------------------------

PRECEDENT_CASES = [
    Case("deep-json", lambda _: _deep(100_000), None, None, "indlejret"),
    Case("too-large", lambda doc: doc + b" " * (51 * MB), None, None, "MB"),
    Case("not-utf8", lambda doc: doc.decode().encode("utf-16"), None, None, "UTF-8"),
    Case("not-json", lambda doc: doc[:-5], None, None, "JSON"),
    Case("nul-escape", lambda doc: doc.replace(b'"a"', b'"a\\u0000"', 1), None, None,
         "styretegn"),
]


@pytest.mark.parametrize("case", PRECEDENT_CASES, ids=[c.id for c in PRECEDENT_CASES])
def test_precedent_file_refuses(case: Case) -> None:
    doc = export_document(DECISIONS, "0101").encode("utf-8")
    with pytest.raises(PrecedentFileError) as info:
        read_export(case.make(doc))
    assert case.words.lower() in str(info.value).lower(), str(info.value)


# --- Jobindsats CSV ----------------------------------------------------------------------

JI = (FIXTURES / "export_y60c02.csv").read_bytes()
JI_ROW = b"Hele landet;2025M01;Nytteindsats i alt;1.412;1.530"


def _ji_row(replacement: str) -> bytes:
    assert JI_ROW in JI
    return JI.replace(JI_ROW, replacement.encode(), 1)


JI_LINE = JI.decode("utf-8-sig").splitlines().index(JI_ROW.decode()) + 1
JI_CASES = [
    Case("nul", lambda _: _ji_row("Hele landet;2025M01;Nytteindsats i alt;1.412\x00;1.530"),
         JI_LINE, None, "binære"),
    Case("escape", lambda _: _ji_row("Hele landet\x1b;2025M01;Nytteindsats i alt;1.412;1.530"),
         JI_LINE, "kolonne 1", "styretegn"),
    Case("unbalanced-quote", lambda _: _ji_row('"Hele landet;2025M01;Nytteindsats i alt;1;1'),
         JI_LINE, None, "anførselstegn"),
    Case("long-field", lambda _: _ji_row("Hele landet;2025M01;" + "x" * 200_000 + ";1;1"),
         JI_LINE, None, "for langt"),
    Case("too-large", lambda _: JI + b"x" * (21 * MB), None, None, "MB"),
    Case("nan", lambda _: _ji_row("Hele landet;2025M01;Nytteindsats i alt;nan;1.530"),
         JI_LINE, "antal aktiverede", ""),
]


@pytest.mark.parametrize("case", JI_CASES, ids=[c.id for c in JI_CASES])
def test_jobindsats_csv_refuses(case: Case) -> None:
    with pytest.raises(JobindsatsImportError) as info:
        observations_from_csv(case.make(None), AreaResolver(municipality_names()))
    _named(str(info.value), case)


def test_catalogue_counts() -> None:
    """The counts the report quotes (referrals: tests/test_trust_imports.py)."""
    counts = {"roll": len(ROLL_CASES), "follow_up": len(FU_CASES),
              "batch_screening": len(BATCH_CASES), "precedents": len(PRECEDENT_CASES),
              "jobindsats_csv": len(JI_CASES)}
    assert all(n >= 5 for n in counts.values()), counts

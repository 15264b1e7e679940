"""The bad-input catalogue: every case is refused with a Danish message naming the
row and the field (or the file, when no row applies), and the database is unchanged.

Each bad file is the valid base file with one thing broken, so a refusal cannot come
from some other fault; the positive controls show the base file is imported."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.io.errors import ImportRejected
from nytte.io.reader import MB
from nytte.io.workbook import workbook_bytes
from nytte.models import AuditEvent, Participant, Referral
from nytte.referrals.imports import import_referrals
from tests.trust_helpers import db_checksum, writable_copy

TODAY = date(2026, 11, 20)  # the demo data's last day
COORD = Principal("k2", "Koordinator Citykorpset", Role.KOORDINATOR, "0253", frozenset({2}))
HEADER = ["sagsnr", "ydelsesgruppe", "visitationsgruppe", "køn", "fødselsår", "enhed", "hold",
          "henvist", "forventet start", "timer pr uge", "ugedage", "sagsbehandler"]
BASE_ROWS = [
    ["NY-0001", "kontanthjaelp", "jobparat", "K", "1990", "Citykorpset", "Grønne områder",
     "02-11-2026", "09-11-2026", "25,5", "man,tir,ons,tor", "Jobcenter Greve"],
    ["NY-0002", "kontanthjaelp", "aktivitetsparat", "M", "1978", "Citykorpset", "",
     "03-11-2026", "10-11-2026", "12", "", "Søren Ærø"],
    ["NY-0003", "dagpenge", "", "m", "", "citykorpset", "Cykler og by",
     "2026-11-04", "16.11.2026", "37", "man tir ons tor fre", ""],
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, sep: str = ";",
              encoding: str = "utf-8") -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_cell(row: int, col: str, value: str) -> bytes:
    """The base file with one cell changed (row as a spreadsheet numbers it)."""
    rows = [list(r) for r in BASE_ROWS]
    rows[row - 2][HEADER.index(col)] = value
    return csv_bytes(rows)


def xlsx_bytes(rows: Sequence[Sequence[object]], header: list[str] = HEADER) -> bytes:
    return workbook_bytes(header, rows)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b"\0" * (unpacked_mb * MB)})


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[], bytes]
    row: int | None  # expected row in the message (None: the file as a whole)
    field: str | None  # expected field named in the message
    words: str  # a fragment of the Danish message
    filename: str = "henvisninger.csv"


ACTIVE_REF = "__active__"  # replaced by a case_ref that has an open referral in the demo

CATALOGUE = [
    # -- encoding, delimiter, structure
    Case("utf16", lambda: csv_bytes(BASE_ROWS, encoding="utf-16"),
         1, None, "UTF-16"),
    Case("binary-nul", lambda: csv_bytes(BASE_ROWS)[:40] + b"\x00\x01\x02" + b"x" * 50,
         1, None, "binære data"),
    Case("xlsx-named-csv", lambda: xlsx_bytes(BASE_ROWS), None, None, "ikke CSV"),
    Case("comma-delimiter-decimal-comma",
         lambda: csv_bytes([[*r[:9], r[9], *r[10:]] for r in BASE_ROWS], sep=","),
         2, "kolonne 13", "anførselstegn"),
    Case("missing-column", lambda: csv_bytes([r[:7] + r[8:] for r in BASE_ROWS],
                                             HEADER[:7] + HEADER[8:]),
         1, "henvist", "mangler"),
    Case("extra-unknown-column", lambda: csv_bytes([[*r, "x"] for r in BASE_ROWS],
                                                   [*HEADER, "bemærkning"]),
         1, "bemærkning", "ukendt kolonne"),
    Case("cpr-column", lambda: csv_bytes([[*r, "010190-1234"] for r in BASE_ROWS],
                                         [*HEADER, "CPR"]),
         1, "CPR", "personoplysninger"),
    Case("duplicate-header", lambda: csv_bytes([[*r, "K"] for r in BASE_ROWS], [*HEADER, "køn"]),
         1, "køn", "to gange"),
    Case("short-row", lambda: csv_bytes([BASE_ROWS[0], BASE_ROWS[1][:6], BASE_ROWS[2]]),
         3, "hold", "kun 6 felter"),
    Case("broken-quotes", lambda: csv_bytes([BASE_ROWS[0], ['"NY-9', *BASE_ROWS[1][1:]]]),
         3, None, "anførselstegn"),
    Case("header-only", lambda: csv_bytes([]), None, None, "ingen rækker"),
    Case("empty-file", lambda: b"\r\n  \r\n", None, None, "tom"),
    # -- codes and references
    Case("unknown-benefit-code", lambda: with_cell(2, "ydelsesgruppe", "borgerløn"),
         2, "ydelsesgruppe", "findes ikke i kodelisten"),
    Case("expired-benefit-code", lambda: with_cell(3, "ydelsesgruppe", "uddannelseshjaelp"),
         3, "ydelsesgruppe", "gjaldt ikke"),
    Case("unknown-visitation-code", lambda: with_cell(2, "visitationsgruppe", "klar"),
         2, "visitationsgruppe", "findes ikke"),
    Case("unknown-unit", lambda: with_cell(4, "enhed", "Vestvolden"), 4, "enhed", "findes ikke"),
    Case("other-coordinators-unit", lambda: with_cell(2, "enhed", "Service++"),
         2, "enhed", "du må indlæse til"),
    Case("unknown-team", lambda: with_cell(2, "hold", "Strand og parkering"),
         2, "hold", "findes ikke på enheden"),
    Case("unknown-weekday", lambda: with_cell(2, "ugedage", "man,lør"), 2, "ugedage", "lør"),
    Case("bad-gender", lambda: with_cell(3, "køn", "X"), 3, "køn", "køn"),
    Case("missing-value", lambda: with_cell(3, "køn", ""), 3, "køn", "udfyldes"),
    # -- duplicates
    Case("duplicate-in-file", lambda: with_cell(4, "sagsnr", "ny-0001"),
         4, "sagsnr", "række 2"),
    Case("already-active-in-db", lambda: with_cell(2, "sagsnr", ACTIVE_REF),
         2, "sagsnr", "aktiv henvisning"),
    # -- personal data and injection
    Case("cpr-as-case-ref", lambda: with_cell(2, "sagsnr", "010190-1234"),
         2, "sagsnr", "CPR"),
    Case("cpr-in-free-text", lambda: with_cell(3, "sagsbehandler", "ring 0101901234"),
         3, "sagsbehandler", "CPR"),
    Case("sql-in-case-ref", lambda: with_cell(2, "sagsnr", '"x\'); DROP TABLE participant;--"'),
         2, "sagsnr", "sagsreference"),
    Case("formula-hyperlink", lambda: with_cell(
        2, "sagsbehandler", '"=HYPERLINK(""http://evil.example"",""Klik"")"'),
         2, "sagsbehandler", "formel"),
    Case("formula-plus-dde", lambda: with_cell(3, "hold", "+cmd|' /C calc'!A0"),
         3, "hold", "formel"),
    Case("formula-at", lambda: with_cell(4, "sagsbehandler", "@SUM(1+1)*cmd"),
         4, "sagsbehandler", "formel"),
    Case("formula-minus", lambda: with_cell(2, "sagsbehandler", "-2+3+cmd|' /C calc'!A0"),
         2, "sagsbehandler", "formel"),
    Case("formula-in-number", lambda: with_cell(2, "timer pr uge", "=10+15"),
         2, "timer pr uge", "formel"),
    Case("control-characters", lambda: with_cell(2, "sagsbehandler", "Jobcenter\x1b[31m"),
         2, "sagsbehandler", "styretegn"),
    Case("bidi-override", lambda: with_cell(3, "sagsbehandler", "abc\u202edcba"),
         3, "sagsbehandler", "styretegn"),
    Case("overlong-text", lambda: with_cell(2, "sagsbehandler", "x" * 600),
         2, "sagsbehandler", "600 tegn"),
    # -- dates
    Case("impossible-date", lambda: with_cell(2, "henvist", "31-02-2026"),
         2, "henvist", "ikke findes"),
    Case("two-digit-year", lambda: with_cell(3, "henvist", "03-11-26"), 3, "henvist", "dd-mm-åååå"),
    Case("us-date", lambda: with_cell(2, "forventet start", "11/25/2026"),
         2, "forventet start", "ikke findes"),
    Case("future-referral", lambda: with_cell(2, "henvist", "01-01-2027"),
         2, "henvist", "fremtiden"),
    Case("start-before-referral", lambda: with_cell(3, "forventet start", "01-11-2026"),
         3, "forventet start", "før henvisningsdatoen"),
    Case("referral-before-2014", lambda: with_cell(2, "henvist", "01-06-2013"),
         2, "henvist", "2014"),
    # -- numbers
    Case("negative-hours", lambda: with_cell(2, "timer pr uge", "-5"),
         2, "timer pr uge", "større end 0"),
    Case("huge-hours", lambda: with_cell(3, "timer pr uge", "99999999999"),
         3, "timer pr uge", "mere end 37"),
    Case("exponent-hours", lambda: with_cell(2, "timer pr uge", "1e308"),
         2, "timer pr uge", "ikke et tal"),
    Case("text-hours", lambda: with_cell(4, "timer pr uge", "mange"),
         4, "timer pr uge", "ikke et tal"),
    Case("huge-birth-year", lambda: with_cell(2, "fødselsår", "99999"), 2, "fødselsår", "99999"),
    Case("negative-birth-year", lambda: with_cell(3, "fødselsår", "-1978"),
         3, "fødselsår", "fødselsår"),
    Case("fractional-birth-year", lambda: with_cell(2, "fødselsår", "1990,5"),
         2, "fødselsår", "helt tal"),
    # -- files that must not be parsed
    Case("fifty-megabytes", lambda: csv_bytes(BASE_ROWS) + b"x" * (50 * MB), None, None, "50,0 MB"),
    Case("zip-bomb-ratio", lambda: zip_bomb(20), None, None, "zip-bombe",
         filename="henvisninger.xlsx"),
    Case("zip-bomb-size", lambda: zip_bomb(60), None, None, "zip-bombe",
         filename="henvisninger.xlsx"),
    Case("zip-not-workbook", lambda: zip_bytes({"hello.txt": b"hi"}), None, None,
         "ikke et Excel-regneark", filename="henvisninger.xlsx"),
    Case("text-named-xlsx", lambda: csv_bytes(BASE_ROWS), None, None, "ikke et Excel-regneark",
         filename="henvisninger.xlsx"),
    Case("corrupt-workbook", lambda: zip_bytes({"[Content_Types].xml": b"<nope",
                                                "xl/workbook.xml": b"<<<"}),
         None, None, "kan ikke åbnes", filename="henvisninger.xlsx"),
    Case("old-xls", lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 100, None, None, ".xls",
         filename="henvisninger.xls"),
    Case("exe-upload", lambda: b"MZ\x90\x00", None, None, "filtypen", filename="evil.exe"),
    # -- Excel rows
    Case("xlsx-formula-cell", lambda: xlsx_bytes(
        [BASE_ROWS[0], [*BASE_ROWS[1][:11], '=HYPERLINK("http://evil","Klik")'], BASE_ROWS[2]]),
         3, "sagsbehandler", "formel", filename="henvisninger.xlsx"),
    Case("xlsx-number-as-date", lambda: xlsx_bytes(
        [[*BASE_ROWS[0][:7], 46000, *BASE_ROWS[0][8:]]]),
         2, "henvist", "ikke en dato", filename="henvisninger.xlsx"),
    Case("xlsx-negative-hours", lambda: xlsx_bytes(
        [BASE_ROWS[0], [*BASE_ROWS[1][:9], -12.5, *BASE_ROWS[1][10:]]]),
         3, "timer pr uge", "større end 0", filename="henvisninger.xlsx"),
    Case("xlsx-values-outside-header", lambda: xlsx_bytes([[*BASE_ROWS[0], "", "ekstra"]]),
         2, "kolonne 13", "uden for kolonnerne", filename="henvisninger.xlsx"),
]


def test_catalogue_is_large_and_unique() -> None:
    assert len(CATALOGUE) >= 30
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)


@pytest.fixture
def demo_copy(demo_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A demo database of this test's own on each backend (a copy: a fresh fill takes
    seconds, on PostgreSQL ten)."""
    with writable_copy(demo_engine, tmp_path) as engine:
        yield engine


@pytest.fixture(scope="module")
def sqlite_copy(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("imports")) as engine:
        yield engine


def _active_case_ref(engine: Engine) -> str:
    with Session(engine) as s:
        return str(s.scalar(
            select(Participant.case_ref).join(Referral)
            .where(Referral.ended_on.is_(None), Referral.unit_id == 2).limit(1)
        ))


def _data(case: Case, engine: Engine) -> bytes:
    data = case.make()
    return data.replace(ACTIVE_REF.encode(), _active_case_ref(engine).encode())


def _refused(engine: Engine, case: Case) -> ImportRejected:
    data = _data(case, engine)
    with pytest.raises(ImportRejected) as info, Session(engine) as s, s.begin():
        import_referrals(s, COORD, data, case.filename, today=TODAY)
    return info.value


@pytest.fixture(scope="module")
def sqlite_copy_checksum(sqlite_copy: Engine) -> str:
    """The copy as it was made: every refusal below must leave it exactly so."""
    return db_checksum(sqlite_copy)


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_bad_import_is_refused_naming_row_and_field(sqlite_copy: Engine,
                                                    sqlite_copy_checksum: str,
                                                    case: Case) -> None:
    exc = _refused(sqlite_copy, case)
    texts = [p.text for p in exc.problems]
    match = [p for p in exc.problems if case.words.lower() in p.text.lower()]
    assert match, texts
    problem = match[0]
    assert problem.row == case.row, texts
    assert problem.field == case.field, texts
    if case.row is not None:
        assert f"Række {case.row}" in problem.text
    else:
        assert problem.text.startswith("Filen")
    if case.field is not None:
        assert f"felt '{case.field}'" in problem.text
    assert "intet er gemt" in str(exc)
    assert db_checksum(sqlite_copy) == sqlite_copy_checksum


def test_whole_catalogue_changes_nothing_on_postgresql(demo_pg: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_pg, tmp_path) as engine:
        before = db_checksum(engine)
        for case in CATALOGUE:
            exc = _refused(engine, case)
            assert any(case.words.lower() in p.text.lower() for p in exc.problems), case.id
        assert db_checksum(engine) == before


# --- positive controls: the base file and its variants are imported -------------------


@pytest.mark.parametrize(
    ("variant", "make", "filename"),
    [
        ("utf8-semicolon", lambda: csv_bytes(BASE_ROWS), "h.csv"),
        ("utf8-bom", lambda: b"\xef\xbb\xbf" + csv_bytes(BASE_ROWS), "h.csv"),
        ("windows-1252", lambda: csv_bytes(BASE_ROWS, encoding="cp1252"), "h.csv"),
        ("latin-1", lambda: csv_bytes(BASE_ROWS, encoding="latin-1"), "h.csv"),
        ("comma-quoted-decimal", lambda: csv_bytes(
            [[f'"{c}"' if "," in c else c for c in r] for r in BASE_ROWS], sep=","), "h.csv"),
        ("tab", lambda: csv_bytes(BASE_ROWS, sep="\t"), "h.txt"),
        ("xlsx", lambda: xlsx_bytes(BASE_ROWS), "h.xlsx"),
        ("xlsx-typed", lambda: xlsx_bytes([[*r[:4], int(r[4]) if r[4] else None, *r[5:7],
                                            date(2026, 11, 2), date(2026, 11, 9), 25.5,
                                            *r[10:]] for r in BASE_ROWS]), "h.xlsx"),
    ],
)
def test_valid_file_is_imported_with_audit(demo_copy: Engine, variant: str,
                                           make: Callable[[], bytes], filename: str) -> None:
    if variant not in ("utf8-semicolon", "xlsx") and demo_copy.dialect.name != "sqlite":
        pytest.skip("encodings and layouts are backend-independent; checked on SQLite")
    with Session(demo_copy) as s, s.begin():
        result = import_referrals(s, COORD, make(), filename, today=TODAY)
    assert (result.rows, result.new_participants) == (3, 3)
    with Session(demo_copy) as s:
        people = {p.case_ref: p for p in s.scalars(
            select(Participant).where(Participant.case_ref.like("NY-%")))}
        assert set(people) == {"NY-0001", "NY-0002", "NY-0003"}
        assert people["NY-0002"].birth_year == 1978 and people["NY-0003"].gender == "M"
        ref = s.scalars(select(Referral).where(Referral.participant_id == people["NY-0001"].id)
                        ).one()
        assert (ref.mon_hours, ref.fri_hours) == (6.38, 0.0)
        assert ref.referred_on == date(2026, 11, 2)
        events = s.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action.in_(["import", "import_create"])))
        assert events == 4
        # The audit trail names participants by internal id, never by case reference.
        payloads = [str(e.new) for e in s.scalars(select(AuditEvent))]
        assert not any("NY-000" in p for p in payloads)


def test_sql_looking_text_is_stored_as_data(demo_copy: Engine) -> None:
    evil = "Robert'); DROP TABLE participant;--"
    rows = [list(r) for r in BASE_ROWS]
    rows[0][HEADER.index("sagsbehandler")] = '"' + evil + '"'  # quoted: it holds a ;
    with Session(demo_copy) as s, s.begin():
        import_referrals(s, COORD, csv_bytes(rows), "h.csv", today=TODAY)
    with Session(demo_copy) as s:
        assert (s.scalar(select(func.count()).select_from(Participant)) or 0) > 3
        assert evil in set(s.scalars(select(Referral.caseworker_ref)))

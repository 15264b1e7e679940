"""From uploaded bytes to rows: size limits, encodings, delimiters, Excel guards.

Nothing here trusts the file: its size is checked before anything is parsed, a
workbook's zip directory is checked (member count, unpacked size, compression
ratio) before openpyxl opens it, and text that is really binary or UTF-16 is
refused with a sentence the user can act on."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import PurePath

from nytte.core.formats import fmt_decimal
from nytte.core.privacy import find_cpr_like
from nytte.io.cells import CellValue, as_text, has_control_characters, is_formula
from nytte.io.errors import ImportProblem, ImportRejected

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * MB  # an import of a few thousand rows is far smaller
    max_rows: int = 10_000
    max_columns: int = 40
    max_cell_chars: int = 500
    max_unzipped_bytes: int = 50 * MB  # all members of a workbook together, unpacked
    max_zip_ratio: float = 100.0  # unpacked/packed per member; real sheets stay well below
    max_zip_members: int = 500


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    """The rows of a file: header names (normalised) and (row number, values)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, CellValue]]]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    original_columns: list[str] = field(default_factory=list)


def normalise_header(name: CellValue) -> str:
    text = (as_text(name) or "").lstrip("\ufeff").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _size_text(n: int) -> str:
    return f"{fmt_decimal(n / MB, 1)} MB"


def read_table(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a CSV or .xlsx file; raise ImportRejected for anything unreadable.

    This is the one reader for every file import (referrals, paper roll, follow-up,
    batch screening, Jobindsats CSV); JSON files go through `read_json`."""
    if len(data) > limits.max_bytes:
        raise ImportRejected.one(
            None,
            None,
            f"filen er {_size_text(len(data))}; der kan højst indlæses "
            f"{_size_text(limits.max_bytes)} ad gangen. Del filen op.",
        )
    if not data.strip():
        raise ImportRejected.one(None, None, "filen er tom.")
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, limits)
    if suffix == ".xls":
        raise ImportRejected.one(
            None, None, "det gamle Excel-format (.xls) kan ikke indlæses; gem som .xlsx eller CSV."
        )
    if suffix in (".csv", ".txt", ""):
        if data[:4] == b"PK\x03\x04":
            raise ImportRejected.one(
                None, None, "filen er et regneark eller en zip-fil, ikke CSV; gem som CSV."
            )
        return _read_csv(data, limits)
    raise ImportRejected.one(
        None, None, f"filtypen '{suffix}' kan ikke indlæses; brug CSV eller Excel (.xlsx)."
    )


# --- CSV ----------------------------------------------------------------------------


def _line_of(data: bytes, index: int) -> int:
    return data[:index].count(b"\n") + 1


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252/Latin-1.

    Danish Excel saves "CSV" as Windows-1252; "CSV UTF-8" adds a BOM. UTF-16 and
    binary files are refused, naming the first line with a NUL byte."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRejected.one(
            1, None, "filen er gemt som UTF-16 (Unicode-tekst); gem den som 'CSV UTF-8'."
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportRejected.one(
            _line_of(data, nul),
            None,
            "filen indeholder binære data (NUL-tegn) og er ikke en CSV-tekstfil.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportRejected.one(
                _line_of(data, exc.start),
                None,
                "filen siger, den er UTF-8, men indeholder ugyldige tegn; gem den igen som "
                "'CSV UTF-8'.",
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Semicolon (Danish Excel), comma or tab: the one the header line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def csv_records(
    data: bytes, limits: Limits = DEFAULT_LIMITS, delimiter: str | None = None,
    *, check_cells: bool = True,
) -> tuple[list[tuple[int, list[str]]], str, str]:
    """Every non-blank record of a CSV file with the line it starts on, plus the
    encoding and delimiter: size limit, decoding, strict quoting, an unclosed quote
    refused naming its row, too many rows refused, control characters refused (unless
    ``check_cells`` is off because the caller checks cells by column name)."""
    if len(data) > limits.max_bytes:
        raise ImportRejected.one(
            None, None, f"filen er {_size_text(len(data))}; der kan højst indlæses "
            f"{_size_text(limits.max_bytes)} ad gangen. Del filen op.")
    text, encoding = decode_text(data)
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    problems: list[ImportProblem] = []
    previous_end = 0
    try:
        for raw in reader:
            line = previous_end + 1  # the line the record starts on
            spans = reader.line_num - previous_end
            previous_end = reader.line_num
            if spans > 1 and any("\n" in cell or "\r" in cell for cell in raw):
                # A quote that is not closed swallows the next rows: refuse, naming where
                # it opened, instead of silently losing those rows.
                raise ImportRejected.one(
                    line, None, "et anførselstegn (\") åbner et felt, der ikke lukkes på "
                    "samme række; ret anførselstegnene i rækken."
                )
            if not any(cell.strip() for cell in raw):
                continue
            if len(records) > limits.max_rows:
                raise ImportRejected.one(
                    None, None, f"filen har mere end {limits.max_rows} rækker; del den op."
                )
            for i, cell in enumerate(raw if check_cells else [], start=1):
                if has_control_characters(cell):
                    problems.append(ImportProblem(line, f"kolonne {i}",
                                                  "cellen indeholder usynlige styretegn."))
            records.append((line, raw))
    except csv.Error as exc:
        raise ImportRejected.one(
            previous_end + 1, None,
            "rækken kan ikke læses som CSV (et felt er for langt, eller anførselstegnene "
            "passer ikke); tjek anførselstegnene."
        ) from exc
    if problems:
        raise ImportRejected(problems)
    return records, encoding, delimiter


def _read_csv(data: bytes, limits: Limits) -> Table:
    records, encoding, delimiter = csv_records(data, limits, check_cells=False)
    if not records:
        raise ImportRejected.one(None, None, "filen har ingen overskriftsrække.")
    header_row, header = records[0]
    _check_header([normalise_header(h) for h in header], header_row, limits, _shown(header))
    rows: list[tuple[int, dict[str, CellValue]]] = []
    problems: list[ImportProblem] = []
    for line, raw in records[1:]:
        if len(raw) != len(header):
            problems.append(_width_problem(line, len(raw), header, delimiter))
            continue
        rows.append((line, dict(zip(_names(header), raw, strict=True))))
    if problems:
        raise ImportRejected(problems)
    names = _names(header)
    return Table(names, rows, "csv", encoding, delimiter, header_row, _shown(header))


def _names(header: list[str]) -> list[str]:
    return [normalise_header(h) for h in header]


def _shown(header: list[str]) -> list[str]:
    return [h.lstrip("\ufeff").strip() for h in header]


def _width_problem(line: int, width: int, header: list[str], delimiter: str) -> ImportProblem:
    if width > len(header):
        hint = ""
        if delimiter == ",":
            hint = " Tal med decimalkomma skal stå i anførselstegn, eller brug semikolon."
        return ImportProblem(
            line,
            f"kolonne {len(header) + 1}",
            f"rækken har {width} felter, men overskriften har {len(header)}.{hint}",
        )
    return ImportProblem(
        line,
        normalise_header(header[width]) or f"kolonne {width + 1}",
        f"rækken har kun {width} felter, men overskriften har {len(header)}.",
    )


def _check_header(names: list[str], row: int, limits: Limits,
                  shown: list[str] | None = None) -> None:
    if len(names) > limits.max_columns:
        raise ImportRejected.one(row, None, f"filen har {len(names)} kolonner; højst "
                                 f"{limits.max_columns} kan indlæses.")
    seen: set[str] = set()
    problems = []
    for i, name in enumerate(names, start=1):
        if not name:
            problems.append(ImportProblem(row, f"kolonne {i}", "kolonnen har ingen overskrift."))
        elif name in seen:
            problems.append(ImportProblem(row, (shown or names)[i - 1] or name,
                                          "kolonnen findes to gange."))
        seen.add(name)
    if problems:
        raise ImportRejected(problems)


# --- Excel --------------------------------------------------------------------------

_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


def check_workbook_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs and non-workbooks before openpyxl reads a byte of XML.

    zipfile never unpacks more than a member's declared size, so checking the
    declared sizes bounds what openpyxl can make us unpack."""
    bio = io.BytesIO(data)
    if not zipfile.is_zipfile(bio):
        raise ImportRejected.one(None, None, "filen er ikke et Excel-regneark (.xlsx).")
    try:
        with zipfile.ZipFile(bio) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRejected.one(None, None, "filen er et beskadiget regneark.") from exc
    if len(infos) > limits.max_zip_members:
        raise ImportRejected.one(
            None, None, f"regnearket har {len(infos)} dele; det ligner ikke et almindeligt ark."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise ImportRejected.one(
            None,
            None,
            f"regnearket fylder {_size_text(total)} udpakket (højst "
            f"{_size_text(limits.max_unzipped_bytes)}); det ligner en zip-bombe.",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_zip_ratio:
            raise ImportRejected.one(
                None,
                None,
                f"delen {info.filename} er pakket {ratio:.0f} gange sammen; det ligner en "
                "zip-bombe og åbnes ikke.",
            )
    names = {i.filename for i in infos}
    if not all(m in names for m in _REQUIRED_MEMBERS):
        raise ImportRejected.one(None, None, "filen er en zip-fil, men ikke et Excel-regneark.")


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    check_workbook_zip(data, limits)
    import openpyxl  # imported here: only Excel imports pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRejected.one(
            None, None, "regnearket kan ikke åbnes; gem det igen fra Excel som .xlsx."
        ) from exc
    try:
        if not wb.worksheets:
            raise ImportRejected.one(None, None, "regnearket har ingen ark.")
        ws = wb.worksheets[0]
        header: list[str] | None = None
        header_row = 1
        rows: list[tuple[int, dict[str, CellValue]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = list(values)
            if not any(as_text(v) for v in cells):
                continue
            if header is None:
                while cells and as_text(cells[-1]) is None:
                    cells.pop()
                header = [as_text(v) or "" for v in cells]
                header_row = number
                _check_header(_names(header), header_row, limits, _shown(header))
                continue
            if len(rows) >= limits.max_rows:
                raise ImportRejected.one(
                    None, None, f"regnearket har mere end {limits.max_rows} rækker; del det op."
                )
            extra = [v for v in cells[len(header):] if as_text(v) is not None]
            if extra:
                raise ImportRejected.one(
                    number,
                    f"kolonne {len(header) + 1}",
                    "rækken har værdier uden for kolonnerne i overskriften.",
                )
            cells += [None] * (len(header) - len(cells))
            rows.append((number, dict(zip(_names(header), cells[: len(header)], strict=True))))
    finally:
        wb.close()
    if header is None:
        raise ImportRejected.one(None, None, "regnearket har ingen overskriftsrække.")
    return Table(_names(header), rows, "xlsx", None, None, header_row, _shown(header))


# --- generic cell hygiene -------------------------------------------------------------


def cell_problems(
    table: Table, limits: Limits = DEFAULT_LIMITS, *, cpr_exempt: Iterable[str] = ()
) -> list[ImportProblem]:
    """Formulas, control characters, over-long text and CPR-shaped numbers, in any
    cell of any row (``cpr_exempt``: columns that hold other ten-digit numbers, such as
    P-numbers, and check them themselves)."""
    exempt = set(cpr_exempt)
    problems = []
    for row, values in table.rows:
        for name, value in values.items():
            if not isinstance(value, str):
                continue
            if name not in exempt and find_cpr_like(value):
                problems.append(ImportProblem(
                    row, name, "cellen ligner et CPR-nummer, som ikke må indlæses."))
                continue
            if is_formula(value):
                problems.append(
                    ImportProblem(row, name, "cellen indeholder en formel; formler indlæses "
                                  "ikke. Skriv værdien i stedet.")
                )
            elif has_control_characters(value):
                problems.append(
                    ImportProblem(row, name, "cellen indeholder usynlige styretegn.")
                )
            elif len(value) > limits.max_cell_chars:
                problems.append(
                    ImportProblem(row, name, f"teksten er {len(value)} tegn; højst "
                                  f"{limits.max_cell_chars}.")
                )
    return problems


# --- columns and the whole table ------------------------------------------------------


def canonical_columns(
    table: Table, aliases: Mapping[str, str], required: Iterable[str]
) -> Table:
    """Rename the columns by ``aliases`` (normalised header -> field); refuse unknown
    columns, a field given twice and missing required fields, naming each."""
    problems: list[ImportProblem] = []
    fields: list[str] = []
    known = sorted(set(aliases.values()))
    for shown, name in zip(table.original_columns or table.columns, table.columns,
                           strict=True):
        field_name = aliases.get(name)
        if field_name is None:
            problems.append(ImportProblem(
                table.header_row, shown or name,
                f"kolonnen kendes ikke; brug {', '.join(known)}."))
        elif field_name in fields:
            problems.append(ImportProblem(
                table.header_row, shown or name, f"feltet {field_name} står i to kolonner."))
        fields.append(field_name or name)
    missing = [f for f in required if f not in fields]
    if missing:
        problems.append(ImportProblem(
            table.header_row, None, f"kolonnen/kolonnerne {', '.join(missing)} mangler."))
    if problems:
        raise ImportRejected(problems)
    rows = [(n, {fields[i]: v for i, v in enumerate(values.values())})
            for n, values in table.rows]
    return Table(fields, rows, table.kind, table.encoding, table.delimiter, table.header_row,
                 table.original_columns)


def read_checked(
    data: bytes,
    filename: str,
    aliases: Mapping[str, str],
    required: Iterable[str],
    limits: Limits = DEFAULT_LIMITS,
    *,
    cpr_exempt: Iterable[str] = (),
) -> Table:
    """read_table, canonical_columns and cell_problems in one: the rows of a file
    whose every column is known and every text cell is clean, or ImportRejected."""
    table = canonical_columns(read_table(data, filename, limits), aliases, required)
    problems = cell_problems(table, limits, cpr_exempt=cpr_exempt)
    if problems:
        raise ImportRejected(problems)
    if not table.rows:
        raise ImportRejected.one(None, None, "filen har ingen rækker under overskriften.")
    return table


# --- JSON -----------------------------------------------------------------------------

MAX_JSON_DEPTH = 20


def read_json(data: bytes | str, limits: Limits = DEFAULT_LIMITS, *,
              check_text: bool = True) -> object:
    """Parse a JSON upload with the same size limit; refuse deep nesting before the
    parser recurses (a RecursionError is not a message), and (unless ``check_text`` is
    off because the caller checks each field by name) control characters in text."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > limits.max_bytes:
        raise ImportRejected.one(
            None, None, f"filen er {_size_text(len(raw))}; der kan højst indlæses "
            f"{_size_text(limits.max_bytes)} ad gangen. Del filen op.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected.one(None, None, "JSON-filen er ikke gemt som UTF-8.") from exc
    if _deepest_nesting(text) > MAX_JSON_DEPTH:
        raise ImportRejected.one(
            None, None, f"JSON-filen er indlejret mere end {MAX_JSON_DEPTH} niveauer "
            "dybt; det ligner ikke en eksport.")
    if "\x00" in text:
        raise ImportRejected.one(None, None, "filen indeholder binære data (NUL-tegn).")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise ImportRejected.one(line, None, "filen er ikke gyldig JSON.") from exc
    # "\u0000" and friends, written as JSON escapes
    if check_text and _may_hold_control_text(text) and _has_control_text(doc):
        raise ImportRejected.one(None, None, "filen indeholder tekst med usynlige styretegn "
                                 "(fx NUL).")
    return doc


# A JSON string, escapes included; an unterminated one runs to the end of the text.
_JSON_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_BRACKETS_RE = re.compile(r"[\[\]{}]")
# Escapes that can stand for a character has_control_characters refuses (\b, \f and the
# \u forms of its ranges). Over-inclusive on purpose (an escaped backslash before "b"
# matches too): a match only means the parsed document is walked.
_CONTROL_ESCAPE_RE = re.compile(
    r"\\(?:[bf]|u(?:00[01][0-9a-fA-F]|007[fF]|200[b-fB-F]|202[a-eA-E]|206[6-9]))")


def _deepest_nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside strings (the parser's recursion depth)."""
    brackets = _BRACKETS_RE.findall(_JSON_STRING_RE.sub("", text))
    return max(accumulate((1 if b in "[{" else -1 for b in brackets), initial=0))


def _may_hold_control_text(text: str) -> bool:
    """False when no string in the JSON ``text`` can hold a control character: none is
    in the text itself and no escape could produce one (the common case, checked at C
    speed instead of walking every parsed value)."""
    return has_control_characters(text) or bool(_CONTROL_ESCAPE_RE.search(text))


def _has_control_text(value: object) -> bool:
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(_has_control_text(k) or _has_control_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control_text(v) for v in value)
    return False

"""Read a municipality's task list (CSV or JSON) into proposals, all or nothing.

CSV: comma or semicolon separated (Danish Excel writes semicolons), UTF-8 with or
without BOM, or Latin-1/Windows-1252; headers are the proposal's field keys.
JSON: a list of objects with those keys. Any problem anywhere means no proposal
is returned: every problem is reported with its row and field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from nytte.screening.proposal import FIELDS, ProposalError, TaskProposal, parse_proposal

MAX_ROWS = 100_000


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1 = the first task (the CSV header is not a task)
    field: str
    message: str
    line: int | None = None  # line in a CSV file, for the editor

    def __str__(self) -> str:
        where = f"Række {self.row}" if self.row else "Filen"
        if self.line is not None:
            where += f" (linje {self.line})"
        if self.row and self.field:
            where += f", felt {self.field}"
        return f"{where}: {self.message}"


class BatchFileError(ValueError):
    """The file cannot be screened; ``problems`` says where and why, in Danish."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; Danish Windows files fall back to cp1252/Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _file_error(message: str) -> BatchFileError:
    return BatchFileError([RowProblem(0, "", message)])


def _rows_from_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    lines = text.splitlines()
    header_line = next((ln for ln in lines if ln.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if header is None:
            header = [h.strip().lstrip("\ufeff") for h in record]
            seen: set[str] = set()
            for name in header:
                if not name:
                    problems.append(
                        RowProblem(0, "", "Overskriftslinjen har en tom kolonne.", line))
                elif name in seen:
                    problems.append(RowProblem(0, name, f"Kolonnen '{name}' står to gange i "
                                                        "overskriftslinjen.", line))
                elif name not in FIELDS:
                    problems.append(RowProblem(0, name, f"Ukendt kolonne '{name}'; tilladte "
                                                        f"kolonner: {', '.join(FIELDS)}.", line))
                seen.add(name)
            if problems:
                raise BatchFileError(problems)
            continue
        row_no = len(rows) + 1
        if len(record) != len(header):
            problems.append(RowProblem(row_no, "", f"Rækken har {len(record)} felter, men "
                                                   f"overskriften har {len(header)}.", line))
            rows.append((line, {}))
            continue
        rows.append((line, dict(zip(header, record, strict=True))))
        if len(rows) > MAX_ROWS:
            raise _file_error(f"Filen har mere end {MAX_ROWS} rækker.")
    if header is None:
        raise _file_error("Filen er tom.")
    if problems:
        raise BatchFileError(problems)
    return rows


def _rows_from_json(text: str) -> list[tuple[int | None, dict[str, Any]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _file_error(f"Filen er ikke gyldig JSON (linje {exc.lineno}: {exc.msg}).") from exc
    if not isinstance(doc, list):
        raise _file_error("JSON-filen skal indeholde en liste af opgaver.")
    if len(doc) > MAX_ROWS:
        raise _file_error(f"Filen har mere end {MAX_ROWS} opgaver.")
    problems = [RowProblem(n, "", "Opgaven skal være et objekt med felter.")
                for n, item in enumerate(doc, start=1) if not isinstance(item, dict)]
    if problems:
        raise BatchFileError(problems)
    return [(None, item) for item in doc]


def read_proposals(data: bytes, filename: str = "") -> list[TaskProposal]:
    """Every proposal in the file, in input order; BatchFileError if any row is wrong."""
    text = decode(data)
    if not text.strip():
        raise _file_error("Filen er tom.")
    is_json = filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{"))
    rows: list[tuple[int | None, dict[str, Any]]]
    rows = list(_rows_from_json(text)) if is_json else list(_rows_from_csv(text))
    if not rows:
        raise _file_error("Filen indeholder ingen opgaver.")
    proposals: list[TaskProposal] = []
    problems: list[RowProblem] = []
    for n, (line, raw) in enumerate(rows, start=1):
        try:
            proposals.append(parse_proposal(raw))
        except ProposalError as exc:
            problems.extend(RowProblem(n, p.field, p.message, line) for p in exc.problems)
    if problems:
        raise BatchFileError(problems)
    return proposals

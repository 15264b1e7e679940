"""Read a municipality's task list (CSV or JSON) into proposals, all or nothing.

CSV: comma or semicolon separated (Danish Excel writes semicolons), UTF-8 with or
without BOM, or Latin-1/Windows-1252; headers are the proposal's field keys.
JSON: a list of objects with those keys. Any problem anywhere means no proposal
is returned: every problem is reported with its row and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nytte.io.errors import ImportRejected
from nytte.io.reader import (
    MB,
    Limits,
    Table,
    canonical_columns,
    cell_problems,
    normalise_header,
    read_json,
    read_table,
)
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


# The one hardened reader (nytte.io.reader) with this file's sizes: a task list
# may be long, and a description longer than a spreadsheet cell of a roll.
LIMITS = Limits(max_bytes=20 * MB, max_rows=MAX_ROWS, max_columns=len(FIELDS) + 5,
                max_cell_chars=4000)
# P-numbers are ten digits and checked by the proposal itself; no CPR test on them.
CPR_EXEMPT = ("p_number",)


def _file_error(message: str) -> BatchFileError:
    return BatchFileError([RowProblem(0, "", message)])


def _from_rejected(exc: ImportRejected, lines: dict[int, int] | None = None) -> BatchFileError:
    """The reader's problems (file line numbers) as this module's (task numbers)."""
    problems = []
    for prob in exc.problems:
        line = prob.row
        task = (lines or {}).get(line or 0, (line - 1) if line and line > 1 else 0)
        message = prob.message[:1].upper() + prob.message[1:]
        if prob.field and task == 0:
            message = f"Kolonnen '{prob.field}': {prob.message}"
        problems.append(RowProblem(task, prob.field or "", message, line))
    return BatchFileError(problems)


def _rows_from_csv(data: bytes) -> list[tuple[int | None, dict[str, Any]]]:
    try:
        table = canonical_columns(read_table(data, "opgaver.csv", LIMITS),
                                  {normalise_header(f): f for f in FIELDS}, ())
    except ImportRejected as exc:
        raise _from_rejected(exc) from exc
    lines = {line: n for n, (line, _) in enumerate(table.rows, start=1)}
    problems = cell_problems(table, LIMITS, cpr_exempt=CPR_EXEMPT)
    if problems:
        raise _from_rejected(ImportRejected(problems), lines)
    return [(line, {k: v for k, v in values.items()}) for line, values in table.rows]


def _rows_from_json(data: bytes) -> list[tuple[int | None, dict[str, Any]]]:
    try:
        doc = read_json(data, LIMITS, check_text=False)  # checked per field below
    except ImportRejected as exc:
        raise _from_rejected(exc) from exc
    if not isinstance(doc, list):
        raise _file_error("JSON-filen skal indeholde en liste af opgaver.")
    if len(doc) > MAX_ROWS:
        raise _file_error(f"Filen har mere end {MAX_ROWS} opgaver.")
    problems = [RowProblem(n, "", "Opgaven skal være et objekt med felter.")
                for n, item in enumerate(doc, start=1) if not isinstance(item, dict)]
    if problems:
        raise BatchFileError(problems)
    # The same text checks as a CSV cell (control characters, CPR, formulas, length).
    table = Table(list(FIELDS), [(n, item) for n, item in enumerate(doc, start=1)], "json")
    cell = cell_problems(table, LIMITS, cpr_exempt=CPR_EXEMPT)
    if cell:
        raise BatchFileError([RowProblem(p.row or 0, p.field or "", p.message) for p in cell])
    return [(None, item) for item in doc]


def read_proposals(data: bytes, filename: str = "") -> list[TaskProposal]:
    """Every proposal in the file, in input order; BatchFileError if any row is wrong."""
    if not data.strip():
        raise _file_error("Filen er tom.")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    is_json = filename.lower().endswith(".json") or head in (b"[", b"{")
    rows: list[tuple[int | None, dict[str, Any]]]
    rows = _rows_from_json(data) if is_json else _rows_from_csv(data)
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

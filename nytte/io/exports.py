"""The one CSV writer: files for download that Excel opens safely and in Danish.

Every CSV export of the product goes through `csv_bytes` (rows of cells) or
`to_csv_bytes` (rows as mappings): semicolons, CRLF, UTF-8 with a BOM, and a text
cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
leading apostrophe, so "=HYPERLINK(...)" typed into a task title is shown, never run
(OWASP: CSV injection). Numbers stay numbers, written with a decimal comma.
`safe_cell` is the same check for Excel and PDF cells, which keep their types."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TypeVar

from nytte.io.cells import is_formula

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """A text a spreadsheet would run as a formula gets a leading apostrophe; any other
    value is returned as it is."""
    if isinstance(value, str) and value and (is_formula(value) or value[0] in "=+-@\t\r"):
        return "'" + value
    return value


def neutralise(value: object) -> str:
    """One cell as text that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(safe_cell(str(value)))


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """Semicolon-separated UTF-8 with BOM (what Danish Excel expects), cells neutralised.
    An empty row is written as an empty line."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_csv_bytes(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """Rows as mappings, in the order of ``columns``."""
    return csv_bytes(columns, ([row.get(c) for c in columns] for row in rows))

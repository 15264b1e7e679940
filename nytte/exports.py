"""CSV files for download that Excel opens safely and in Danish.

Every export of the product goes through `to_csv_bytes`: a text cell that a
spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
apostrophe, so "=HYPERLINK(...)" typed into a task title is shown, never run
(OWASP: CSV injection). Numbers stay numbers, written with a decimal comma."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from nytte.imports.cells import is_formula


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
    text = str(value)
    if text and (is_formula(text) or text[0] in "=+-@\t\r"):
        return "'" + text
    return text


def to_csv_bytes(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """Semicolon-separated UTF-8 with BOM (what Danish Excel expects), cells neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")

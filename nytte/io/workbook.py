"""A workbook built from rows, as a spreadsheet user would save one: the header row,
then the rows, every cell as given (a text starting with "=" stays a formula). For
files that are read back in (benchmarks and tests of the import); the product's own
downloads style their sheets and neutralise their cells (nytte/exports.safe_cell)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import openpyxl


def workbook_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet: ``header``, then ``rows``, as an .xlsx file."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

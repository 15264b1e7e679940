"""Exports for the reviewer role: they accept ProtectedTable only.

The type is the gate: an unprotected count has no way into these functions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from nytte import kpis
from nytte.core.suppression import NOTE_DA, ProtectedTable
from nytte.io.exports import csv_bytes


def _check(table: object) -> ProtectedTable:
    if not isinstance(table, ProtectedTable):
        raise TypeError("Eksporten til rådet tager kun diskretionerede tabeller.")
    return table


def _csv_rows(t: ProtectedTable) -> list[list[object]]:
    """The table's header row and rows, '..' for hidden cells."""
    rows: list[list[object]] = [[t.row_title, *t.col_labels]]
    for r, label in enumerate(t.row_labels):
        rows.append([label, *(t.shown(r, c) for c in range(len(t.col_labels)))])
    return rows


def table_csv(table: ProtectedTable) -> bytes:
    """Semicolon CSV with BOM (opens correctly in Danish Excel); '..' for hidden cells."""
    header, *rows = _csv_rows(_check(table))
    return csv_bytes(header, [*rows, [], [NOTE_DA]])


def tables_csv(sheets: Sequence[tuple[str, ProtectedTable]], heading: str = "") -> bytes:
    """Every table in one semicolon CSV, each under its title and a blank line apart."""
    lines: list[list[object]] = [[heading], []] if heading else []
    for title, table in sheets:
        lines += [[title], *_csv_rows(_check(table)), []]
    lines.append([NOTE_DA])
    return csv_bytes(lines[0], lines[1:])


def write_table(ws: Worksheet, table: ProtectedTable, title: str, start_row: int) -> int:
    """Write a titled table at ``start_row``; return the next free row."""
    t = _check(table)
    ws.cell(start_row, 1, title).font = Font(bold=True, size=12)
    r = start_row + 1
    for c, label in enumerate([t.row_title, *t.col_labels], start=1):
        ws.cell(r, c, label).font = Font(bold=True)
    for i, label in enumerate(t.row_labels):
        r += 1
        ws.cell(r, 1, label)
        for c in range(len(t.col_labels)):
            shown = t.shown(i, c)
            cell = ws.cell(r, c + 2, shown)
            cell.alignment = Alignment(horizontal="right")
            if not isinstance(shown, str):
                cell.number_format = "#,##0"
    return r + 2


def definitions_sheet(wb: Workbook, keys: Sequence[str]) -> None:
    ws = wb.create_sheet("Definitioner")
    for c, head in enumerate(("Nøgletal", "Definition", "Formel", "Enhed", "Kilde"), start=1):
        ws.cell(1, c, head).font = Font(bold=True)
    for r, key in enumerate(keys, start=2):
        k = kpis.get(key)
        for c, v in enumerate((k.name, k.definition, k.formula, k.unit.value, k.source),
                              start=1):
            ws.cell(r, c, v).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(len(keys) + 3, 1, NOTE_DA)
    for col, width in zip("ABCDE", (30, 70, 50, 12, 50), strict=True):
        ws.column_dimensions[col].width = width


def tables_xlsx(sheets: Sequence[tuple[str, ProtectedTable]], kpi_keys: Sequence[str]) -> bytes:
    """One workbook: all tables on one sheet, and a sheet of definitions."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tabeller"
    r = 1
    for title, table in sheets:
        r = write_table(ws, table, title, r)
    ws.cell(r, 1, NOTE_DA)
    ws.column_dimensions["A"].width = 28
    definitions_sheet(wb, kpi_keys)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

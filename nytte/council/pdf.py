"""A small PDF writer for Nytte's reports: Danish text, tables and matplotlib charts."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt
from fpdf import FPDF
from matplotlib.figure import Figure

from nytte.io.pdf import add_fonts


class ReportPDF(FPDF):
    """A4 portrait with a footer, in the shipped DejaVu font (nytte/io/pdf.py)."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title = title
        self.set_auto_page_break(auto=True, margin=15)
        self.family = add_fonts(self)
        self.set_title(title)
        self.set_creator("Nytte")
        self.table_log: list[tuple[list[float], list[list[str]], int]] = []

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 8, self._safe(f"{self.report_title} · side {self.page_no()}"), align="C")

    def _safe(self, text: str) -> str:
        return text  # the shipped Unicode font prints every character we write

    def heading(self, text: str, size: int = 14) -> None:
        if self.get_y() > self.h - 45:  # never a heading alone at the foot of a page
            self.add_page()
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self._safe(text))
        self.ln(2)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font(self.family, "", size)
        self.multi_cell(0, 5, self._safe(text))
        self.ln(2)

    def wrapped(self, width: float, line_h: float, text: str) -> list[str]:
        """The lines ``text`` takes in a cell ``width`` wide (current font)."""
        out = self.multi_cell(width, line_h, self._safe(text), dry_run=True, output="LINES")
        lines = [str(x) for x in out] if isinstance(out, list) else []
        return lines or [""]

    def data_table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float] | None = None, size: int = 8) -> None:
        """A bordered table whose header and cells wrap within their columns.

        Nothing is cut and nothing overlaps: each row is as tall as its tallest
        cell. The header is repeated on a new page. Every table's header lines and
        column widths are kept in ``table_log`` (the tests check that no header line
        is wider than its column)."""
        usable = self.w - self.l_margin - self.r_margin
        n = len(header)
        if widths is None:
            first = min(55.0, usable * 0.35) if n > 1 else usable
            widths = [first] + [(usable - first) / max(1, n - 1)] * (n - 1)
        line_h = size * 0.5 + 0.6

        def draw(cells: Sequence[str], bold: bool) -> list[list[str]]:
            self.set_font(self.family, "B" if bold else "", size)
            lines = [self.wrapped(w, line_h, str(v)) for w, v in zip(widths, cells, strict=True)]
            height = max(len(x) for x in lines) * line_h + 1
            # A header needs room for itself and a few rows below it.
            room = height + (3 * (line_h + 1) if bold else 0)
            if self.get_y() + room > self.h - 18:
                self.add_page()
                if not bold:
                    draw(header, True)
            x0, y0 = self.l_margin, self.get_y()
            x = x0
            for i, (w, v) in enumerate(zip(widths, cells, strict=True)):
                self.rect(x, y0, w, height)
                self.set_xy(x, y0 + 0.5)
                self.multi_cell(w, line_h, self._safe(str(v)),
                                align="L" if (i == 0 or bold) else "R")
                x += w
            self.set_xy(x0, y0 + height)
            return lines

        header_lines = draw(header, True)
        self.table_log.append((list(widths), header_lines, size))
        for row in rows:
            draw(row, False)
        self.ln(3)

    def chart(self, figure: Figure, width: float = 180) -> None:
        buf = io.BytesIO()
        figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(figure)
        buf.seek(0)
        if self.get_y() > self.h - 90:
            self.add_page()
        self.image(buf, w=width)
        self.ln(3)

    def to_bytes(self) -> bytes:
        return bytes(self.output())

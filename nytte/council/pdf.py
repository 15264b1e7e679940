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

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 8, self._safe(f"{self.report_title} · side {self.page_no()}"), align="C")

    def _safe(self, text: str) -> str:
        return text  # the shipped Unicode font prints every character we write

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self._safe(text))
        self.ln(2)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font(self.family, "", size)
        self.multi_cell(0, 5, self._safe(text))
        self.ln(2)

    def data_table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float] | None = None, size: int = 8) -> None:
        usable = self.w - self.l_margin - self.r_margin
        n = len(header)
        if widths is None:
            first = min(55.0, usable * 0.35)
            widths = [first] + [(usable - first) / max(1, n - 1)] * (n - 1)
        self.set_font(self.family, "B", size)
        for w, h in zip(widths, header, strict=True):
            self.cell(w, 6, self._safe(h), border=1)
        self.ln()
        self.set_font(self.family, "", size)
        for row in rows:
            if self.get_y() > self.h - 25:
                self.add_page()
            for i, (w, v) in enumerate(zip(widths, row, strict=True)):
                self.cell(w, 5.5, self._safe(v), border=1, align="L" if i == 0 else "R")
            self.ln()
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

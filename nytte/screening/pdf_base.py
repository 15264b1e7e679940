"""A small fpdf2 base for Danish documents, with the shipped fonts (nytte/io/pdf.py)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from nytte.core import clock
from nytte.io.pdf import FONT, add_fonts


class DanishPDF(FPDF):
    """A4 portrait with DejaVu Sans, a title line and page numbers in Danish."""

    def __init__(self, doc_title: str, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = doc_title
        add_fonts(self)
        self.set_title(doc_title)
        self.set_subject(subject)
        self.set_creator("Nytte")
        self.set_creation_date(clock.now())
        self.set_lang("da")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.doc_title} · side {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 16) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def section(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)

    def para(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        # markdown=False: user text is printed as typed, never interpreted.
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        markdown=False, align="L")

    def field(self, label: str, value: str) -> None:
        label_w = 62
        value_w = self.w - self.l_margin - self.r_margin - label_w
        self.set_font(FONT, "B", 9.5)
        label_h = self._height(label_w, label)
        self.set_font(FONT, "", 9.5)
        value_h = self._height(value_w, value or "–")
        if self.get_y() + max(label_h, value_h) > self.page_break_trigger:
            self.add_page()
        x0, y0 = self.get_x(), self.get_y()
        self.set_font(FONT, "B", 9.5)
        self.multi_cell(label_w, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP, align="L")
        self.set_font(FONT, "", 9.5)
        self.set_xy(x0 + label_w, y0)
        self.multi_cell(value_w, 5, value or "–", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        markdown=False, align="L")
        self.set_y(max(self.get_y(), y0 + label_h))

    def _height(self, width: float, text: str) -> float:
        height = self.multi_cell(width, 5, text, dry_run=True, output="HEIGHT", markdown=False,
                                 align="L")
        assert isinstance(height, float | int)
        return float(height)

    def bytes(self) -> bytes:
        self.alias_nb_pages()
        return bytes(self.output())

"""The one font strategy for every PDF: DejaVu Sans, shipped in nytte/assets/fonts.

Danish text needs æ, ø and å, and the council's and the screening's documents also
print dashes and middle dots: a Unicode font does it, and shipping it (with its
licence) means no PDF depends on what the server has installed and none silently
falls back to a Latin-1 core font."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT = "DejaVu"
FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def add_fonts(pdf: FPDF) -> str:
    """Register the shipped regular and bold faces on ``pdf``; return the family name."""
    pdf.add_font(FONT, "", str(REGULAR))
    pdf.add_font(FONT, "B", str(BOLD))
    return FONT

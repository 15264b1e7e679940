"""PDF output in Danish, with the shipped fonts (nytte/io/pdf.py).

The sign-in sheet (mødeliste) is the fallback when the tablet is down: one page per
team with a signature column. The absence-notice PDF goes in the case file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fpdf import FPDF

from nytte.core import clock
from nytte.core.formats import fmt_date, fmt_date_long, fmt_datetime, fmt_decimal
from nytte.io.pdf import FONT, add_fonts


def _pdf(title: str, landscape: bool = False) -> FPDF:
    pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Nytte")
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(12, 12, 12)
    return pdf


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis so it fits a cell of ``width`` mm."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def sign_in_sheet(
    unit_name: str,
    day: date,
    teams: Sequence[tuple[str, Sequence[tuple[str, str, float]]]],
) -> bytes:
    """A sign-in sheet: ``teams`` is [(team name, [(name, case ref, expected hours), ...])]."""
    pdf = _pdf(f"Mødeliste {unit_name} {fmt_date(day)}")
    widths = (9, 56, 33, 14, 13, 30, 31)
    heads = ("Nr.", "Navn", "Sagsnummer", "Timer", "Mødt", "Fravær / årsag", "Underskrift")
    for team_name, people in teams:
        pdf.add_page()
        pdf.set_font(FONT, "B", 15)
        pdf.cell(0, 9, f"Mødeliste — {unit_name}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 11)
        pdf.cell(
            0,
            7,
            f"Hold: {team_name or 'Uden hold'}   Dato: {fmt_date_long(day)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(
            0,
            4,
            "Sæt kryds i »Mødt« og skriv under. Ved fravær skrives årsagen (fx syg meldt før "
            "mødetid, udeblevet, jobsamtale, godkendt fri, læge/myndighed, andet tilbud). "
            "Listen tastes ind i Nytte bagefter (Morgenregistrering → Import af papirliste).",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
        pdf.set_font(FONT, "B", 9)
        for w, h in zip(widths, heads, strict=True):
            pdf.cell(w, 8, h, border=1, align="C")
        pdf.ln()
        pdf.set_font(FONT, "", 10)
        for i, (name, case_ref, hours) in enumerate(people, start=1):
            pdf.cell(widths[0], 10, str(i), border=1, align="R")
            pdf.cell(widths[1], 10, _fit(pdf, name, widths[1]), border=1)
            pdf.set_font(FONT, "", 8)
            pdf.cell(widths[2], 10, _fit(pdf, case_ref, widths[2]), border=1)
            pdf.set_font(FONT, "", 10)
            pdf.cell(widths[3], 10, fmt_decimal(hours, 2), border=1, align="R")
            pdf.cell(widths[4], 10, "☐", border=1, align="C")
            pdf.cell(widths[5], 10, "", border=1)
            pdf.cell(widths[6], 10, "", border=1)
            pdf.ln()
        if not people:
            pdf.cell(0, 10, "Ingen forventede deltagere på holdet denne dag.", border=1)
            pdf.ln()
        pdf.ln(4)
        pdf.set_font(FONT, "", 9)
        pdf.cell(
            0,
            6,
            "Holdleders underskrift: ______________________________",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not teams:
        pdf.add_page()
        pdf.set_font(FONT, "", 12)
        pdf.cell(0, 10, f"Ingen forventede deltagere {fmt_date(day)}.")
    return bytes(pdf.output())


def table_pdf(
    title: str,
    subtitle: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    footer: str,
) -> bytes:
    """A landscape table (used for the absence notices to the caseworker)."""
    pdf = _pdf(title, landscape=True)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def head() -> None:
        pdf.set_font(FONT, "B", 8)
        for w, h in zip(widths, headers, strict=True):
            pdf.cell(w, 7, h, border=1)
        pdf.ln()
        pdf.set_font(FONT, "", 8)

    head()
    for r in rows:
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
            head()
        for w, v in zip(widths, r, strict=True):
            pdf.cell(w, 6, _fit(pdf, str(v), w), border=1)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        0,
        4,
        f"{footer}\nUdskrevet {fmt_datetime(clock.now())}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())

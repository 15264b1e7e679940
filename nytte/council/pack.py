"""The council's meeting pack (mødemateriale): one PDF for the region.

Built only from a CouncilPage, whose counts are all ProtectedTables, so the pack
can hold nothing the reviewer's page could not show.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from nytte.core.formats import fmt_datetime, fmt_decimal, fmt_int, fmt_pct
from nytte.core.suppression import MARK, NO_DATA, NOTE_DA, ProtectedTable
from nytte.council.council_page import CouncilPage
from nytte.council.national import FIGURE_2_1_SOURCE, national_views, offered_text
from nytte.council.pdf import ReportPDF


def _table(pdf: ReportPDF, title: str, t: ProtectedTable) -> None:
    pdf.heading(title, 11)
    pdf.data_table([t.row_title, *t.col_labels],
                   [[lab, *row] for lab, row in zip(t.row_labels, t.display_rows(), strict=True)])


def danish_axis(ax: Axes, decimals: int = 0) -> None:
    """Tick labels with Danish decimal commas and thousands dots."""
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _pos: fmt_decimal(v, decimals) if decimals else fmt_int(round(v))))


def _monthly_chart(t: ProtectedTable) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 3.4))
    shown = [c for c in range(len(t.col_labels))
             if c not in t.no_data_cols and not all(row[c] in (None, 0) for row in t.cells)]
    if len(t.row_labels) == 1:
        # One month: a bar per municipality with its figure (or '..'), not a lone point.
        cols = [c for c in range(len(t.col_labels)) if c not in t.no_data_cols]
        names = [t.col_labels[c] for c in cols]
        values = [t.cells[0][c] for c in cols]
        bars = ax.bar(names, [0 if v is None else v for v in values], color="#4a7bb7")
        for bar, v in zip(bars, values, strict=True):
            ax.annotate(MARK if v is None else fmt_int(v),
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=7)
        ax.set_title(f"Indskrevne i {t.row_labels[0]} (..: udeladt)")
        ax.tick_params(axis="x", rotation=45, labelsize=7)
    else:
        ax.set_prop_cycle(color=[plt.get_cmap("tab20")(i % 20) for i in range(20)])
        for c in shown:
            values = [row[c] for row in t.cells]
            ax.plot(list(t.row_labels), [float("nan") if v is None else v for v in values],
                    marker="o", label=t.col_labels[c])
        ax.set_title("Indskrevne pr. måned (udeladte tal vises som huller)")
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        if ax.lines:
            ax.legend(fontsize=6, ncol=3)
    ax.set_ylim(bottom=0)
    danish_axis(ax)
    fig.tight_layout()
    return fig


def meeting_pack_pdf(page: CouncilPage) -> bytes:
    r = page.review
    pdf = ReportPDF(f"Mødemateriale om nytteindsats – {r.region_name}")
    pdf.add_page()
    pdf.heading(f"Nytteindsats i {r.region_name}: {r.period.label}", 16)
    pdf.paragraph(
        "Materiale til det regionale beskæftigelsesråds årlige drøftelse af kommunernes "
        "brug af nytteindsats. Tallene er samlede tal; antal under 5 personer og tal, "
        "som de kan regnes ud fra, er udeladt (..)."
    )
    if r.provisional_month:
        pdf.paragraph(f"Seneste måned ({r.provisional_month:%m-%Y}) er foreløbig: "
                      "efterregistreringer kan ændre tallene.", 8)
    for title, t in r.tables()[:5]:
        _table(pdf, title, t)
    pdf.heading("Andele", 11)
    pdf.data_table(
        ["Kommune", "Fremmødeprocent", "Mødte op blandt nye", "Job eller uddannelse"],
        [[s.municipality, *(NO_DATA if s.no_data else MARK if v is None else fmt_pct(v)
                           for v in (s.attendance_rate, s.show_up_rate, s.exits_job_education))]
         for s in r.shares],
    )
    pdf.chart(_monthly_chart(r.monthly))
    if r.no_data:
        pdf.paragraph("Ingen data i Nytte for: " + ", ".join(r.no_data) + ".", 8)
    pdf.add_page()
    pdf.heading("Rådets anbefalinger: tjekliste pr. kommune", 13)
    if page.checklists:
        titles = [i.title for i in page.checklists[0][1]]
        usable = pdf.w - pdf.l_margin - pdf.r_margin
        pdf.data_table(["Kommune", *titles],
                       [[name, *(i.status.value for i in items)]
                        for name, items in page.checklists],
                       widths=[35.0] + [(usable - 35.0) / len(titles)] * len(titles), size=7)
    pdf.add_page()
    pdf.heading("Landstal", 13)
    pdf.paragraph(offered_text())
    pdf.paragraph(FIGURE_2_1_SOURCE, 8)
    for v in national_views():
        pdf.heading(v.title, 10)
        pdf.data_table(v.header, v.rows, size=7)
        pdf.paragraph(" ".join([v.source, *v.notes]), 7)
    ji = page.jobindsats
    pdf.heading("Jobindsats: antal aktiverede i nytteindsats", 11)
    if ji.table is None:
        pdf.paragraph("Der er endnu ikke hentet tal fra Jobindsats.")
    else:
        pdf.paragraph(f"Hentet {fmt_datetime(ji.fetched_at)}. Seneste måned "
                      f"({ji.provisional_month}) er foreløbig.", 8)
        t = ji.table
        # Areas down the page, the newest six months across: every area fits.
        cols = list(range(max(0, len(t.row_labels) - 6), len(t.row_labels)))
        rows = t.display_rows()
        pdf.data_table(["Område", *[t.row_labels[r] for r in cols]],
                       [[area, *[rows[r][c] for r in cols]]
                        for c, area in enumerate(t.col_labels)], size=7)
        pdf.paragraph("De seneste seks måneder; alle måneder står i Excel-filen."
                      + (f" Kilde: {ji.source}." if ji.source else ""), 7)
    pdf.paragraph(NOTE_DA, 8)
    return pdf.to_bytes()

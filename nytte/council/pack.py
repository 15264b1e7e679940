"""The council's meeting pack (mødemateriale): one PDF for the region.

Built only from a CouncilPage, whose counts are all ProtectedTables, so the pack
can hold nothing the reviewer's page could not show.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from nytte.council.council_page import CouncilPage
from nytte.council.national import FIGURE_2_1_SOURCE, national_views, offered_text
from nytte.council.pdf import ReportPDF
from nytte.formats import fmt_datetime, fmt_pct
from nytte.suppression import MARK, NOTE_DA, ProtectedTable


def _table(pdf: ReportPDF, title: str, t: ProtectedTable) -> None:
    pdf.heading(title, 11)
    pdf.data_table([t.row_title, *t.col_labels],
                   [[lab, *row] for lab, row in zip(t.row_labels, t.display_rows(), strict=True)])


def _monthly_chart(t: ProtectedTable) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for c, name in enumerate(t.col_labels):
        values = [row[c] for row in t.cells]
        if all(v in (None, 0) for v in values):
            continue  # municipalities without data would only add flat lines at zero
        ax.plot(list(t.row_labels), [float("nan") if v is None else v for v in values],
                marker="o", label=name)
    ax.set_title("Indskrevne pr. måned (udeladte tal vises som huller)")
    ax.tick_params(axis="x", rotation=45, labelsize=7)
    if ax.lines:
        ax.legend(fontsize=6, ncol=3)
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
        [[s.municipality, *(MARK if v is None else fmt_pct(v)
                           for v in (s.attendance_rate, s.show_up_rate, s.exits_job_education))]
         for s in r.shares],
    )
    pdf.chart(_monthly_chart(r.monthly))
    pdf.add_page()
    pdf.heading("Rådets anbefalinger: tjekliste pr. kommune", 13)
    if page.checklists:
        titles = [i.title for i in page.checklists[0][1]]
        pdf.data_table(["Kommune", *[t[:18] for t in titles]],
                       [[name, *(i.status.value for i in items)]
                        for name, items in page.checklists], size=7)
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
        cols = list(range(max(0, len(t.col_labels) - 6), len(t.col_labels)))
        pdf.data_table([t.row_title, *[t.col_labels[c] for c in cols]],
                       [[lab, *[row[c] for c in cols]]
                        for lab, row in zip(t.row_labels, t.display_rows(), strict=True)],
                       size=7)
    pdf.paragraph(NOTE_DA, 8)
    return pdf.to_bytes()

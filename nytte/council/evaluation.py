"""The yearly evaluation (årlig evaluering) of a municipality's nytteindsats.

The council asks municipalities to evaluate once a year: purpose and content,
number of citizens, and trends (strategy 2024; docs/domain.md § 9). The document goes
to politicians and the council, so its counts are suppressed like the council's
page. Generating it leaves an audit event, which the strategy checklist reads.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from nytte import kpis
from nytte.core import clock
from nytte.core.access import requires
from nytte.core.audit import record
from nytte.core.auth import AccessDenied, Principal, Role, require_role
from nytte.core.formats import fmt_decimal, fmt_int, fmt_pct
from nytte.core.reference_figures import BENEFIT_NAMES, VISITATION_NAMES
from nytte.core.suppression import MARK, NOTE_DA, ProtectedTable, is_primary, protect, protect_share
from nytte.council.checklist import EVALUATION_ACTION, ChecklistItem, strategy_checklist
from nytte.council.exports import definitions_sheet, write_table
from nytte.council.metrics import (
    AGE_BANDS,
    Counts,
    Scope,
    composition_raw,
    kpi_values,
    latest_screenings,
    raw_counts,
)
from nytte.council.pack import danish_axis
from nytte.council.pdf import ReportPDF
from nytte.council.periods import Period, month_label, year
from nytte.kpis import Unit as KPIUnit
from nytte.models import Municipality, Screening, Task, Unit
from nytte.models.base import utcnow

EVALUATION_KPIS = (
    "enrolled", "places", "capacity_use", "new_referrals", "show_up_rate",
    "attendance_rate", "unexcused_absences", "exits", "exits_job_education",
    "exits_job_education_3m", "exits_job_education_6m", "tasks_approved", "tasks_rejected",
    "consultations_missing",
)
PURPOSE = (
    "Formålet med nytteindsats er, at borgeren arbejder for sin ydelse og dermed "
    "motiveres til at søge ordinær uddannelse eller job, indgår i et arbejdsfællesskab "
    "og yder en indsats, der giver nytte for samfundet. Evalueringen følger det "
    "regionale beskæftigelsesråds anbefaling om årligt at evaluere formål, indhold og "
    "antal borgere."
)
GENDER_NAMES = {"K": "Kvinder", "M": "Mænd"}
AREA_NAMES = {
    "teknik_miljoe": "Teknik og miljø", "omsorg_pleje": "Omsorg og pleje",
    "sundhed": "Sundhed", "dagtilbud": "Dagtilbud",
    "butik_lager_service": "Butik, lager og service", "landbrug": "Landbrug",
    "it": "IT", "andet": "Andet",
}
VERDICT_COLUMNS = (("approve", "Godkendt"), ("clarify", "Afklares"), ("reject", "Afvist"))


def task_portfolio(session: Session, code: str, until: date,
                   since: date | None = None) -> list[tuple[str, list[int]]]:
    """Tasks by professional area and the verdict of their newest screening, decided
    up to ``until`` (and from ``since``: the evaluated year's decisions only, the same
    tasks as the key figures' approved and rejected)."""
    latest = latest_screenings().subquery()
    # Danish days, compared with timestamps stored as UTC.
    conds = [Task.municipality_code == code,
             Screening.decided_at < clock.stored_start_of_day(until + timedelta(days=1))]
    if since is not None:
        conds.append(Screening.decided_at >= clock.stored_start_of_day(since))
    rows = session.execute(
        select(Task.professional_area, Screening.verdict, func.count())
        .join(Screening, Screening.task_id == Task.id)
        .join(latest, and_(latest.c.task_id == Screening.task_id,
                           latest.c.v == Screening.version))
        .where(*conds)
        .group_by(Task.professional_area, Screening.verdict)
    ).all()
    by_area: dict[str, list[int]] = {}
    for area, verdict, n in rows:
        counts = by_area.setdefault(str(area), [0] * len(VERDICT_COLUMNS))
        for i, (key, _) in enumerate(VERDICT_COLUMNS):
            if verdict == key:
                counts[i] += int(n)
    return sorted(((AREA_NAMES.get(a, a), c) for a, c in by_area.items()),
                  key=lambda x: -sum(x[1]))


def protected_kpis(c: Counts) -> dict[str, float | None]:
    """KPI values fit for publication: small person counts and what reveals them hidden."""
    raw = kpi_values(c)
    out: dict[str, float | None] = {}
    enough = c.enrolled >= 5
    for key, value in raw.items():
        kpi = kpis.get(key)
        if kpi.unit is KPIUnit.PERSONS:
            out[key] = None if value is not None and is_primary(int(value)) else value
        elif key == "show_up_rate":
            out[key] = protect_share(c.showed_up, c.new_referrals)
        elif key == "exits_job_education":
            out[key] = protect_share(c.exits_job_education, c.exits)
        elif key == "exits_job_education_3m":
            out[key] = protect_share(c.follow_up_3m_je, c.follow_up_3m)
        elif key == "exits_job_education_6m":
            out[key] = protect_share(c.follow_up_6m_je, c.follow_up_6m)
        elif kpi.unit in (KPIUnit.SHARE, KPIUnit.RATIO):
            out[key] = value if enough else None
        else:
            out[key] = value
    return out


def no_data_keys(c: Counts) -> frozenset[str]:
    """Figures with nothing to compute from: shown as '–', not as suppressed '..'."""
    keys = set()
    if c.follow_up_3m == 0:
        keys.add("exits_job_education_3m")
    if c.follow_up_6m == 0:
        keys.add("exits_job_education_6m")
    if c.exits == 0:
        keys.add("exits_job_education")
    if c.new_referrals == 0:
        keys.add("show_up_rate")
    return frozenset(keys)


def fmt_kpi(key: str, value: float | None, no_data: frozenset[str] = frozenset()) -> str:
    if key in no_data:
        return "–"
    if value is None:
        return MARK
    unit = kpis.get(key).unit
    if unit is KPIUnit.SHARE:
        return fmt_pct(value)
    if unit is KPIUnit.RATIO:
        return fmt_decimal(value, 1)
    if unit is KPIUnit.HOURS:
        return fmt_decimal(value, 1)
    return fmt_int(value)


@dataclass(frozen=True)
class MonthPoint:
    month: date
    enrolled: int | None
    attendance_rate: float | None


@dataclass(frozen=True)
class EvaluationData:
    municipality_code: str
    municipality: str
    year: int
    generated_at: datetime
    units: list[tuple[str, int, int, int]]  # name, places, staff, teams
    figures: dict[str, float | None]  # this year, protected
    figures_last_year: dict[str, float | None]
    no_data: frozenset[str]  # this year's figures with nothing to compute from
    no_data_last_year: frozenset[str]
    by_gender: ProtectedTable
    by_benefit: ProtectedTable
    by_visitation: ProtectedTable
    by_age: ProtectedTable
    trend: list[MonthPoint]
    checklist: list[ChecklistItem]
    portfolio: list[tuple[str, list[int]]]  # tasks (not persons) by area and verdict


def _composition_table(counts: dict[str, int], names: dict[str, str], title: str,
                       order: list[str] | None = None) -> ProtectedTable:
    keys = order or sorted(counts)
    keys = [k for k in keys if k in counts] + [k for k in sorted(counts) if k not in keys]
    return protect([[counts[k]] for k in keys], row_labels=[names.get(k, k) for k in keys],
                   col_labels=["Antal"], col_totals=True, row_title=title)


@requires(Role.LEDER)
def evaluation_data(session: Session, principal: Principal, year_no: int,
                    *, today: date | None = None) -> EvaluationData:
    require_role(principal, Role.LEDER)
    code = principal.municipality_code
    if code is None:
        raise AccessDenied("Din rolle er ikke knyttet til en kommune.")
    muni = session.get(Municipality, code)
    period = year(year_no)
    today = today or clock.today()
    if period.end > today:  # a year in progress is evaluated up to today
        period = Period(period.start, max(period.start, today))
    scope = Scope((code,))
    counts = raw_counts(session, scope, period)
    last = raw_counts(session, scope, period.last_year())
    comp = composition_raw(session, scope, period)
    units = session.scalars(select(Unit).where(Unit.municipality_code == code)
                            .order_by(Unit.id)).all()
    trend = []
    for m in period.months():
        mp = Period(m, min(period.end, _month_end(m)))
        c = raw_counts(session, scope, mp)
        shown = c.enrolled >= 5
        trend.append(MonthPoint(
            m, None if is_primary(c.enrolled) else c.enrolled,
            c.present_days / c.expected_days if shown and c.expected_days else None))
    return EvaluationData(
        municipality_code=code,
        municipality=muni.name if muni else code,
        year=year_no,
        generated_at=utcnow(),
        units=[(u.name, u.places, u.staff_count, len(u.teams)) for u in units],
        figures=protected_kpis(counts),
        figures_last_year=protected_kpis(last),
        no_data=no_data_keys(counts),
        no_data_last_year=no_data_keys(last),
        by_gender=_composition_table(comp["gender"], GENDER_NAMES, "Køn", ["K", "M"]),
        by_benefit=_composition_table(comp["benefit"], BENEFIT_NAMES, "Ydelsesgruppe",
                                      list(BENEFIT_NAMES)),
        by_visitation=_composition_table(comp["visitation"], {**VISITATION_NAMES,
                                         "uoplyst": "Uoplyst"}, "Visitationsgruppe"),
        by_age=_composition_table(comp["age"], {}, "Alder",
                                  [label for _, _, label in AGE_BANDS]),
        trend=trend,
        checklist=strategy_checklist(
            session, code, period.end, since=period.start,
            evaluated_by=f"Dette dokument er den årlige evaluering for {year_no}."),
        portfolio=task_portfolio(session, code, period.end, since=period.start),
    )


def _month_end(m: date) -> date:
    nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@requires(Role.LEDER, writes=True)
def record_generated(session: Session, principal: Principal, data: EvaluationData) -> None:
    """The checklist's 'yearly evaluation done' point reads this event."""
    record(session, principal, EVALUATION_ACTION, "municipality", data.municipality_code,
           municipality_code=data.municipality_code, new={"year": data.year})


def _trend_chart(data: EvaluationData) -> Figure:
    fig, ax1 = plt.subplots(figsize=(8, 3.2))
    labels = [month_label(p.month) for p in data.trend]
    enrolled = [p.enrolled if p.enrolled is not None else float("nan") for p in data.trend]
    ax1.bar(labels, enrolled, color="#4a7bb7")
    ax1.set_ylabel("Indskrevne")
    ax1.tick_params(axis="x", rotation=45, labelsize=7)
    ax2 = ax1.twinx()
    rates = [p.attendance_rate * 100 if p.attendance_rate is not None else float("nan")
             for p in data.trend]
    ax2.plot(labels, rates, color="#c0504d", marker="o")
    ax2.set_ylabel("Fremmøde (%)")
    ax2.set_ylim(0, 100)
    danish_axis(ax1)
    danish_axis(ax2)
    if len(data.trend) == 1:  # one month: write the figures, not a lone point
        p = data.trend[0]
        ax1.annotate(MARK if p.enrolled is None else fmt_int(p.enrolled), (0, p.enrolled or 0),
                     ha="center", va="bottom", fontsize=8)
        if p.attendance_rate is not None:
            ax2.annotate(fmt_pct(p.attendance_rate), (0, p.attendance_rate * 100),
                         ha="left", va="bottom", fontsize=8, color="#c0504d")
    ax1.set_title(f"Indskrevne og fremmødeprocent pr. måned, {data.year}")
    fig.tight_layout()
    return fig


def _composition_chart(data: EvaluationData) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    for ax, table, title in ((axes[0], data.by_benefit, "Ydelsesgruppe"),
                             (axes[1], data.by_age, "Alder")):
        labels = [lab for lab, row in zip(table.row_labels, table.cells, strict=True)
                  if lab != "I alt" and row[0] is not None]
        values = [row[0] for lab, row in zip(table.row_labels, table.cells, strict=True)
                  if lab != "I alt" and row[0] is not None]
        ax.barh(labels, values, color="#4a7bb7")
        ax.set_title(title)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def evaluation_pdf(data: EvaluationData) -> bytes:
    pdf = ReportPDF(f"Årlig evaluering af nytteindsats {data.year} – {data.municipality}")
    pdf.add_page()
    pdf.heading(f"Årlig evaluering af nytteindsats {data.year}", 16)
    pdf.paragraph(f"{data.municipality} Kommune. Dannet {data.generated_at:%d-%m-%Y} af Nytte.")
    pdf.heading("Formål og indhold", 12)
    pdf.paragraph(PURPOSE)
    pdf.data_table(["Enhed", "Pladser", "Medarbejdere", "Hold"],
                   [[n, fmt_int(p), fmt_int(s), fmt_int(t)] for n, p, s, t in data.units])
    pdf.heading("Nøgletal", 12)
    pdf.data_table(
        ["Nøgletal", str(data.year), str(data.year - 1)],
        [[kpis.get(k).name, fmt_kpi(k, data.figures[k], data.no_data),
          fmt_kpi(k, data.figures_last_year[k], data.no_data_last_year)]
         for k in EVALUATION_KPIS],
        widths=[90, 45, 45],
    )
    pdf.heading("Udvikling", 12)
    pdf.chart(_trend_chart(data))
    pdf.heading("Borgerne i nytteindsats", 12)
    pdf.chart(_composition_chart(data))
    for table in (data.by_gender, data.by_benefit, data.by_visitation, data.by_age):
        pdf.data_table([table.row_title, "Antal"],
                       [[lab, row[0]] for lab, row in zip(table.row_labels,
                                                          table.display_rows(), strict=True)],
                       widths=[90, 45])
    pdf.heading("Opgaver og høring af tillidsrepræsentanter", 12)
    pdf.paragraph(
        f"Godkendte opgaver: {fmt_kpi('tasks_approved', data.figures['tasks_approved'])}. "
        f"Afviste opgaver: {fmt_kpi('tasks_rejected', data.figures['tasks_rejected'])}. "
        "Godkendte opgaver uden dokumenteret høring: "
        f"{fmt_kpi('consultations_missing', data.figures['consultations_missing'])}."
    )
    if data.portfolio:
        pdf.data_table(["Fagligt område", *[label for _, label in VERDICT_COLUMNS]],
                       [[area, *(fmt_int(n) for n in counts)] for area, counts in data.portfolio],
                       widths=[75, 35, 35, 35])
    else:
        pdf.paragraph("Ingen screenede opgaver endnu.")
    pdf.heading("Rådets anbefalinger (tjekliste)", 12)
    pdf.data_table(["Punkt", "Status", ""],
                   [[i.title, i.status.value, ""] for i in data.checklist], widths=[90, 45, 45])
    for i in data.checklist:
        pdf.paragraph(f"{i.title}: {i.evidence}", 8)
    pdf.heading("Definitioner", 12)
    for k in EVALUATION_KPIS:
        kpi = kpis.get(k)
        pdf.paragraph(f"{kpi.name}: {kpi.definition} Formel: {kpi.formula}. Kilde: {kpi.source}.",
                      8)
    pdf.paragraph(NOTE_DA + " –: intet at beregne ud fra (fx ingen registreret opfølgning).", 8)
    return pdf.to_bytes()


def evaluation_xlsx(data: EvaluationData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nøgletal"
    ws.cell(1, 1, f"Årlig evaluering af nytteindsats {data.year} – {data.municipality}").font = \
        Font(bold=True, size=13)
    for c, head in enumerate(("Nøgletal", "Nøgle", str(data.year), str(data.year - 1)), start=1):
        ws.cell(3, c, head).font = Font(bold=True)
    for r, k in enumerate(EVALUATION_KPIS, start=4):
        ws.cell(r, 1, kpis.get(k).name)
        ws.cell(r, 2, k)
        for c, value, empty in ((3, data.figures[k], data.no_data),
                                (4, data.figures_last_year[k], data.no_data_last_year)):
            cell = ws.cell(r, c, "–" if k in empty else MARK if value is None else value)
            if value is not None and kpis.get(k).unit is KPIUnit.SHARE:
                cell.number_format = "0.0%"
    ws.column_dimensions["A"].width = 36
    comp = wb.create_sheet("Sammensætning")
    row = 1
    for title, table in (("Køn", data.by_gender), ("Ydelsesgruppe", data.by_benefit),
                         ("Visitationsgruppe", data.by_visitation), ("Alder", data.by_age)):
        row = write_table(comp, table, title, row)
    comp.cell(row, 1, NOTE_DA)
    trend = wb.create_sheet("Udvikling")
    for c, head in enumerate(("Måned", "Indskrevne", "Fremmødeprocent"), start=1):
        trend.cell(1, c, head).font = Font(bold=True)
    for r, p in enumerate(data.trend, start=2):
        trend.cell(r, 1, month_label(p.month))
        trend.cell(r, 2, MARK if p.enrolled is None else p.enrolled)
        rate = trend.cell(r, 3, MARK if p.attendance_rate is None else p.attendance_rate)
        rate.number_format = "0.0%"
    tasks = wb.create_sheet("Opgaver")
    for c, head in enumerate(("Fagligt område", *[lab for _, lab in VERDICT_COLUMNS]), start=1):
        tasks.cell(1, c, head).font = Font(bold=True)
    for r, (area, counts) in enumerate(data.portfolio, start=2):
        tasks.cell(r, 1, area)
        for c, n in enumerate(counts, start=2):
            tasks.cell(r, c, n)
    check = wb.create_sheet("Tjekliste")
    for c, head in enumerate(("Punkt", "Status", "Grundlag", "Anbefaling"), start=1):
        check.cell(1, c, head).font = Font(bold=True)
    for r, i in enumerate(data.checklist, start=2):
        for c, v in enumerate((i.title, i.status.value, i.evidence, i.recommendation), start=1):
            check.cell(r, c, v)
    definitions_sheet(wb, EVALUATION_KPIS)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class EvaluationFiles:
    data: EvaluationData
    pdf: bytes
    xlsx: bytes


@requires(Role.LEDER, writes=True)
def generate_yearly_evaluation(session: Session, principal: Principal,
                               year_no: int) -> EvaluationFiles:
    """Build the PDF and Excel of a yearly evaluation and record that it was made."""
    data = evaluation_data(session, principal, year_no)
    files = EvaluationFiles(data, evaluation_pdf(data), evaluation_xlsx(data))
    record_generated(session, principal, data)
    return files

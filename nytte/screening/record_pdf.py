"""The written record of a screening decision (PDF, Danish): the "on paper" the
regional council asks for (RAR Sjælland, strategi 2024)."""

from __future__ import annotations

from nytte.formats import fmt_date, fmt_date_long, fmt_datetime
from nytte.screening.documents import ConsultationRecord, DecisionRecord
from nytte.screening.pdf_base import DanishPDF
from nytte.screening.proposal import FIELD_LABELS, TaskProposal
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import (
    ANSWERS,
    BENEFICIARIES,
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    FREQUENCIES,
    INDOOR_OUTDOOR,
    OTHERWISE_DONE_BY,
    PROFESSIONAL_AREAS,
    RECURRING_POLICIES,
    SEASONS,
    STATUSES,
    VERDICTS,
    YES_NO,
)


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else ("Ja" if value else "Nej")


def _num(value: int | None) -> str:
    return "–" if value is None else str(value)


def proposal_lines(p: TaskProposal) -> list[tuple[str, str]]:
    """The proposal's answers as (Danish label, Danish value), in form order."""
    last = "" if p.last_done_by_staff_year is None else f" (senest {p.last_done_by_staff_year})"
    return [
        (FIELD_LABELS["requesting_unit"], p.requesting_unit),
        (FIELD_LABELS["p_number"], p.p_number or "–"),
        (FIELD_LABELS["professional_area"], PROFESSIONAL_AREAS[p.professional_area]),
        (FIELD_LABELS["start_date"], fmt_date(p.start_date)),
        (FIELD_LABELS["previously_done_by_staff"], ANSWERS[p.previously_done_by_staff] + last),
        (FIELD_LABELS["otherwise_done_by"], OTHERWISE_DONE_BY[p.otherwise_done_by]),
        (FIELD_LABELS["in_operating_plan"], ANSWERS[p.in_operating_plan]),
        (FIELD_LABELS["service_level_reduced"], ANSWERS[p.service_level_reduced]),
        (FIELD_LABELS["private_market"], ANSWERS[p.private_market]),
        (FIELD_LABELS["requires_certified_trade"], ANSWERS[p.requires_certified_trade]),
        (FIELD_LABELS["servicelov_83"], ANSWERS[p.servicelov_83]),
        (FIELD_LABELS["frequency"], FREQUENCIES[p.frequency]),
        (FIELD_LABELS["beneficiary"], BENEFICIARIES[p.beneficiary]),
        (FIELD_LABELS["physical_demand"], str(p.physical_demand)),
        (FIELD_LABELS["indoor_outdoor"], INDOOR_OUTDOOR[p.indoor_outdoor]),
        (FIELD_LABELS["season"], SEASONS[p.season]),
        (FIELD_LABELS["ordinary_employees"], _num(p.ordinary_employees)),
        (FIELD_LABELS["participants_requested"], _num(p.participants_requested)),
        (FIELD_LABELS["participants_already_placed"], _num(p.participants_already_placed)),
    ]


def consultation_lines(c: ConsultationRecord, rs: RuleSet) -> list[tuple[str, str]]:
    lines = [
        ("Høringsniveau", CONSULTATION_LEVELS.get(c.level, c.level)),
        ("Repræsentant", c.representative or "–"),
        ("Begrundelse for sprunget niveau", c.skip_reason or "–"),
        ("Dato", fmt_date(c.consulted_on)),
        ("Udfald", CONSULTATION_OUTCOMES.get(c.outcome, c.outcome)),
    ]
    if rs.consultation.mode == "hierarchy_statement":
        lines.append(("Skriftlig tilkendegivelse", _yes_no(c.written_statement)))
        if c.statement_text:
            lines.append(("Tilkendegivelsens tekst", c.statement_text))
        if c.statement_filename:
            lines.append(("Vedhæftet fil", c.statement_filename))
    else:
        lines.append(("TR orienteret", _yes_no(c.informed)))
        lines.append(("Praktisk tilrettelæggelse drøftet", _yes_no(c.practical_setup_discussed)))
        if c.statement_text:
            lines.append(("Referat", c.statement_text))
    if c.recorded_by:
        lines.append(("Registreret af", f"{c.recorded_by}, {fmt_datetime(c.recorded_at)}"))
    return lines


def _ruleset_text(rs: RuleSet) -> str:
    until = f" til {fmt_date(rs.valid_to)}" if rs.valid_to else ""
    return f"{rs.title} (id: {rs.id}; gælder fra {fmt_date(rs.valid_from)}{until})"


def render_record(record: DecisionRecord) -> bytes:
    """The written record as PDF bytes."""
    p = record.proposal
    pdf = DanishPDF("Skriftlig vurdering af nytteindsatsopgave",
                    f"{record.reference}: {p.title}")
    pdf.heading("Skriftlig vurdering af opgave til nytteindsats")
    pdf.para(f"{record.municipality} · {record.reference} · version {record.version}", 9.5)
    if record.supersedes:
        pdf.para(f"Erstatter tidligere vurdering: {record.supersedes}", 9.5)
    pdf.ln(2)
    pdf.para(f"Afgørelse: {VERDICTS.get(record.verdict, record.verdict)}", 14, bold=True)

    pdf.section("Opgaven")
    pdf.para(p.title, 11, bold=True)
    pdf.ln(1)
    pdf.para(p.description)
    pdf.ln(2)
    for label, value in proposal_lines(p):
        pdf.field(label, value)

    pdf.section("Vurdering af værnsreglerne")
    for c in record.criteria:
        pdf.para(f"{c.title}: {STATUSES.get(c.status, c.status)}", 10, bold=True)
        pdf.para(c.reason, 9.5)
        verified = "" if c.verified else " (kilden er ikke verificeret)"
        pdf.para(f"Kilde: {c.source}{verified}", 8.5)
        pdf.ln(1.5)
    if record.ratio is not None:
        r = record.ratio
        pdf.para(f"Rimelighedskrav: {r.ordinary_employees} ordinært ansatte giver plads til "
                 f"{r.allowed}; allerede placeret {r.already_placed}, ønsket {r.requested}"
                 + (" — dispensation skal søges." if r.exceeded else "."), 9.5)

    pdf.section("Høring af tillidsrepræsentant")
    if record.consultation is not None:
        for label, value in consultation_lines(record.consultation, record.ruleset):
            pdf.field(label, value)
    else:
        pdf.field("Høringsniveau", CONSULTATION_LEVELS.get(p.consultation_level, ""))
        pdf.field("Begrundelse for sprunget niveau", p.consultation_skip_reason or "–")
        pdf.field("Dato", fmt_date(p.consultation_date))
        pdf.field("Udfald", CONSULTATION_OUTCOMES.get(p.consultation_outcome, ""))
        pdf.field("Skriftlig tilkendegivelse", YES_NO[p.written_statement])

    pdf.section("Grundlag")
    pdf.field("Regelsæt", _ruleset_text(record.ruleset))
    pol = record.policy
    pdf.field("Kommunens politik", f"{RECURRING_POLICIES[pol.recurring]}; fortrængning regnes "
                                   f"{pol.displacement_lookback_years} år tilbage"
                                   + (f" (politik version {pol.version})" if pol.version else ""))
    if record.similar:
        pdf.field("Lignende tidligere afgørelser", "\n".join(record.similar))
    pdf.field("Besluttet af", record.decided_by)
    pdf.field("Tidspunkt", f"{fmt_date_long(record.decided_at.date())}, "
                           f"kl. {record.decided_at:%H:%M}")
    return pdf.bytes()

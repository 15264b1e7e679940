"""The written record of a screening decision (PDF, Danish): the "on paper" the
regional council asks for (RAR Sjælland, strategi 2024).

Everything is drawn from the stored decision: its answers, its criteria and the
rule set stored with it, never from the current rule-set files."""

from __future__ import annotations

from nytte.core.formats import fmt_date, fmt_date_long, fmt_datetime
from nytte.screening.criteria import (
    ConsultationFacts,
    consultations_of,
    discussed_of,
    informed_of,
)
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
    HOST_EMPLOYERS,
    INDOOR_OUTDOOR,
    OTHERWISE_DONE_BY,
    PROFESSIONAL_AREAS,
    RECURRING_POLICIES,
    SEASONS,
    SKIP_GROUNDS,
    SOURCE_KINDS,
    SOURCE_MARKS,
    STATUSES,
    VERDICTS,
)

LEGEND = ("Kildetyper: [L] lov (kontrolleret mod lovteksten) · [V] vejledning eller praksis "
          "(råds anbefaling, kommunal praksis) · [U] ikke verificeret mod lovteksten.")


def _num(value: int | None) -> str:
    return "–" if value is None else str(value)


def _state(value: bool | None, answered: bool, basis: str) -> str:
    if value is None:
        return "Ikke registreret"
    text = "Ja" if value else "Nej"
    return text if answered else f"{text} ({basis})"


def proposal_lines(p: TaskProposal) -> list[tuple[str, str]]:
    """The proposal's answers as (Danish label, Danish value), in form order."""
    previously = ANSWERS[p.previously_done_by_staff]
    if p.last_done_by_staff_year is not None:
        previously += f"; år angivet: {p.last_done_by_staff_year}"
    host = (HOST_EMPLOYERS[p.host_employer] if p.host_employer is not None
            else "Ikke besvaret")
    return [
        (FIELD_LABELS["requesting_unit"], p.requesting_unit),
        (FIELD_LABELS["host_employer"], host),
        (FIELD_LABELS["p_number"], p.p_number or "–"),
        (FIELD_LABELS["professional_area"], PROFESSIONAL_AREAS[p.professional_area]),
        (FIELD_LABELS["start_date"], fmt_date(p.start_date)),
        (FIELD_LABELS["previously_done_by_staff"], previously),
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


def _skips_text(c: ConsultationFacts) -> str:
    lines = []
    for s in c.skips:
        what = SKIP_GROUNDS[s.ground]
        if s.ground == "absent" and s.absent_from and s.absent_to:
            what += f" ({fmt_date(s.absent_from)} – {fmt_date(s.absent_to)})"
        if s.detail:
            what += f"; {s.detail}"
        lines.append(f"{CONSULTATION_LEVELS.get(s.level, s.level)}: {what}")
    if c.skip_reason:
        lines.append(f"Begrundelse (tekst): {c.skip_reason}")
    return "\n".join(lines) or "–"


def _one_consultation_lines(c: ConsultationFacts, rs: RuleSet) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    if c.group:
        lines.append(("Faggruppe", c.group))
    lines += [
        ("Høringsniveau", CONSULTATION_LEVELS.get(c.level, c.level)),
        ("Repræsentant", (c.representative or "").strip() or "Navnet er ikke registreret"),
    ]
    if rs.consultation.mode == "hierarchy_statement":
        lines.append(("Sprungne niveauer", _skips_text(c)))
    lines += [
        ("Dato", fmt_date(c.consulted_on)),
        ("Udfald", CONSULTATION_OUTCOMES.get(c.outcome, c.outcome)),
    ]
    if rs.consultation.mode == "hierarchy_statement":
        lines.append(("Skriftlig tilkendegivelse", "Ja" if c.written_statement else "Nej"))
    else:
        informed, i_answered = informed_of(c)
        discussed, d_answered = discussed_of(c)
        lines.append(("TR orienteret", _state(informed, i_answered,
                                              "følger af det registrerede udfald")))
        lines.append(("Praktisk tilrettelæggelse drøftet",
                      _state(discussed, d_answered, "udfaldet af drøftelsen er registreret")))
    return lines


def consultation_table(p: TaskProposal, rs: RuleSet) -> list[dict[str, str]]:
    """One row per representative (the record's consultation block as a table)."""
    return [dict(_one_consultation_lines(c, rs)) for c in consultations_of(p)]


def consultation_lines(p: TaskProposal, extra: ConsultationRecord | None,
                       rs: RuleSet) -> list[tuple[str, str]]:
    """The consultation block, from the same facts the criteria were judged on."""
    lines: list[tuple[str, str]] = []
    for n, c in enumerate(consultations_of(p)):
        if n:
            lines.append(("", ""))
        lines += _one_consultation_lines(c, rs)
    if extra is not None:
        if extra.statement_text:
            label = ("Tilkendegivelsens tekst" if rs.consultation.mode == "hierarchy_statement"
                     else "Referat")
            lines.append((label, extra.statement_text))
        if extra.statement_filename:
            lines.append(("Vedhæftet fil", extra.statement_filename))
        if extra.recorded_by:
            lines.append(("Registreret af",
                          f"{extra.recorded_by}, {fmt_datetime(extra.recorded_at)}"))
    return lines


def ruleset_text(rs: RuleSet) -> str:
    until = f" til {fmt_date(rs.valid_to)}" if rs.valid_to else ""
    return (f"{rs.title} (id: {rs.id}; gælder for opgaver med start fra "
            f"{fmt_date(rs.valid_from)}{until}). Retsgrundlag: {rs.legal_basis}.")


def render_record(record: DecisionRecord) -> bytes:
    """The written record as PDF bytes."""
    p = record.proposal
    rs = record.ruleset
    pdf = DanishPDF("Skriftlig vurdering af nytteindsatsopgave",
                    f"{record.reference}: {p.title}")
    pdf.heading("Skriftlig vurdering af opgave til nytteindsats")
    pdf.para(f"{record.municipality} · {record.reference}", 9.5)
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
    pdf.para(LEGEND, 8.5)
    pdf.ln(1.5)
    for c in record.criteria:
        mark = SOURCE_MARKS.get(c.kind, "U")
        pdf.para(f"{c.title}: {STATUSES.get(c.status, c.status)}", 10, bold=True)
        pdf.para(c.reason, 9.5)
        pdf.para(f"[{mark}] Kilde: {c.source}", 8.5)
        pdf.ln(1.5)
    if record.ratio is not None:
        r = record.ratio
        pdf.para(f"Rimelighedskrav: {r.ordinary_employees} ordinært ansatte giver plads til "
                 f"{r.allowed}; allerede placeret {r.already_placed}, ønsket {r.requested}"
                 + (" — dispensation skal søges." if r.exceeded else ".")
                 + ("" if rs.ratio.formula_verified else
                    " Beregningsformlen er ikke verificeret."), 9.5)

    groups = len(p.consultations)
    if groups > 1:
        pdf.section("Høring af tillidsrepræsentanter")
        missing = sum(1 for g in p.consultations
                      if not (g.consultation_representative or "").strip())
        pdf.para(f"Opgaven berører {groups} faggrupper; hver faggruppes repræsentant skal "
                 "høres."
                 + (f" For {missing} af dem er navnet ikke registreret." if missing else ""),
                 9.5)
        pdf.ln(1.5)
    else:
        pdf.section("Høring af tillidsrepræsentant")
    for label, value in consultation_lines(p, record.consultation, rs):
        if not label and not value:
            pdf.ln(2)
            continue
        pdf.field(label, value)

    pdf.section("Grundlag")
    pdf.field("Regelsæt", ruleset_text(rs))
    pdf.field("Regelsættets indhold", "Gemt sammen med afgørelsen; en senere ændring af "
                                      "regelsættet ændrer ikke denne vurdering.")
    pol = record.policy
    pdf.field("Kommunens politik", f"{RECURRING_POLICIES[pol.recurring]}; fortrængning regnes "
                                   f"{pol.displacement_lookback_years} år tilbage fra "
                                   "startdatoen"
                                   + (f" (politik version {pol.version})" if pol.version else ""))
    kinds = sorted({c.kind for c in record.criteria if c.kind}, key=list(SOURCE_KINDS).index)
    if kinds:
        pdf.field("Kildetyper brugt", ", ".join(f"[{SOURCE_MARKS[k]}] {SOURCE_KINDS[k]}"
                                                for k in kinds))
    if record.similar:
        pdf.field("Lignende tidligere afgørelser", "\n".join(record.similar))
    pdf.field("Besluttet af", record.decided_by)
    pdf.field("Tidspunkt", f"{fmt_date_long(record.decided_at.date())}, "
                           f"kl. {record.decided_at:%H:%M}")
    return pdf.bytes()

"""Application for dispensation from the ratio rule (rimelighedskravet), pre-2025.

The fields follow BEK nr. 1178 af 2019, § 12 as summarised in docs/domain.md § 7
(unverified against the order's text): the tasks; the workplaces and how many
are already in praktik or løntilskud there; that the TR was heard and the
outcome; how competition distortion was handled; documentation of the work.
The council also asks that effect is documented, above all for renewals.
"""

from __future__ import annotations

from nytte.core.formats import fmt_date, fmt_date_long
from nytte.screening.documents import DecisionRecord
from nytte.screening.pdf_base import DanishPDF
from nytte.screening.record_pdf import consultation_lines
from nytte.screening.vocabulary import STATUSES

COMPETITION_CRITERIA = ("competition", "otherwise_done", "certified_trade", "beneficiary")


def _num(value: int | None) -> str:
    return "–" if value is None else str(value)


class DispensationNotApplicable(ValueError):
    """The rule set in force has no ratio rule, so no dispensation exists."""


def render_dispensation_application(
    record: DecisionRecord, effect_text: str | None = None
) -> bytes:
    rs = record.ruleset
    if not rs.ratio.enabled:
        raise DispensationNotApplicable(
            f"Regelsættet {rs.id} har intet rimelighedskrav; der skal ikke søges dispensation.")
    if any(c.id == "home_help" and c.status == "fail" for c in record.criteria):
        raise DispensationNotApplicable(
            "Opgaven omfatter en visiteret ydelse efter serviceloven; der kan ikke gives "
            f"dispensation for den ({rs.ratio.dispensation_source}).")
    if any(c.status == "fail" for c in record.criteria):
        raise DispensationNotApplicable("Opgaven er afvist; der søges ikke dispensation for en "
                                        "afvist opgave.")
    p = record.proposal
    pdf = DanishPDF("Ansøgning om dispensation fra rimelighedskravet", p.title)
    pdf.heading("Ansøgning om dispensation fra rimelighedskravet")
    pdf.para(f"Til: {rs.ratio.dispensation_by}", 10, bold=True)
    pdf.para(f"Fra: {record.municipality} (jobcentret)", 10)
    source = rs.ratio.dispensation_source or ""
    pdf.para(f"Efter {source}" + ("" if rs.ratio.dispensation_verified
                                  else " (hjemlen er ikke verificeret)") + ".", 9)
    pdf.para(f"Dato: {fmt_date_long(record.decided_at.date())} · {record.reference}", 9)

    pdf.section("1. Opgaverne")
    pdf.para(p.title, 10.5, bold=True)
    pdf.para(p.description)
    pdf.field("Startdato", fmt_date(p.start_date))

    pdf.section("2. Arbejdsstederne og allerede placerede")
    pdf.field("Arbejdssted", p.requesting_unit)
    pdf.field("P-nummer", p.p_number or "–")
    pdf.field("Ordinært ansatte", _num(p.ordinary_employees))
    pdf.field("Allerede i praktik, løntilskud eller nytteindsats",
              _num(p.participants_already_placed))
    pdf.field("Ansøgt antal i nytteindsats", _num(p.participants_requested))
    if record.ratio is not None:
        pdf.field("Tilladt efter rimelighedskravet", str(record.ratio.allowed))
        pdf.field("Overskridelse", str(max(0, record.ratio.total - record.ratio.allowed)))

    pdf.section("3. Høring af tillidsrepræsentant og resultat")
    for label, value in consultation_lines(p, record.consultation, rs):
        if label or value:
            pdf.field(label, value)

    pdf.section("4. Håndtering af konkurrenceforvridning")
    for c in record.criteria:
        if c.id in COMPETITION_CRITERIA:
            pdf.para(f"{c.title}: {STATUSES[c.status]}", 10, bold=True)
            pdf.para(c.reason, 9.5)
            pdf.ln(1)

    pdf.section("5. Dokumentation af arbejdet og effekt")
    pdf.para("Opgaven er vurderet skriftligt efter værnsreglerne; den skriftlige vurdering "
             f"({record.reference}, version {record.version}) vedlægges.", 9.5)
    pdf.ln(1)
    pdf.para("Dokumentation af effekt (udfyldes af jobcentret, især ved forlængelse):", 9.5,
             bold=True)
    pdf.para(effect_text or "Ikke udfyldt.", 9.5)
    pdf.section("Underskrift")
    pdf.para(f"Udarbejdet af {record.decided_by}.", 9.5)
    return pdf.bytes()

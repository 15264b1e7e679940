"""Recording the TR consultation: validation and what it means for the screening.

Before 1 July 2025 (BAB § 99): a TR for the personnel group at the P-number; if
none, the next in the hierarchy; a level may be passed over when the right person
is absent more than 3 working days; a joint written statement before start.
From 1 July 2025: inform the TR at the P-number and discuss the practical set-up.
"""

from __future__ import annotations

from datetime import date

from nytte.privacy import PersonalDataError, ensure_no_cpr
from nytte.screening.criteria import ConsultationFacts
from nytte.screening.documents import ConsultationRecord
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import CONSULTATION_LEVELS, CONSULTATION_OUTCOMES

MAX_TEXT = 5000


class ConsultationError(ValueError):
    """The consultation record is inconsistent; the message is Danish and names the field."""


def validate_consultation(c: ConsultationRecord, rs: RuleSet, today: date) -> None:
    """Refuse a record that cannot be true or holds personal data."""
    if c.level not in CONSULTATION_LEVELS:
        raise ConsultationError(f"Ukendt høringsniveau '{c.level}'.")
    if c.outcome not in CONSULTATION_OUTCOMES:
        raise ConsultationError(f"Ukendt udfald '{c.outcome}'.")
    for label, text in (("Repræsentant", c.representative),
                        ("Begrundelse for sprunget niveau", c.skip_reason),
                        ("Tilkendegivelsens tekst", c.statement_text)):
        if text is not None and len(text) > MAX_TEXT:
            raise ConsultationError(f"Feltet '{label}' er for langt (højst {MAX_TEXT} tegn).")
        try:
            ensure_no_cpr(text, label)
        except PersonalDataError as exc:
            raise ConsultationError(str(exc)) from exc
    done = c.outcome not in ("pending", "not_consulted")
    if c.level == "none" and done:
        raise ConsultationError("Udfaldet kræver, at der er valgt et høringsniveau.")
    if done and c.consulted_on is None:
        raise ConsultationError("Angiv datoen for høringen.")
    if c.consulted_on is not None and c.consulted_on > today:
        raise ConsultationError("Høringsdatoen kan ikke ligge i fremtiden.")
    if done and c.level != "none" and not (c.representative or "").strip():
        raise ConsultationError("Angiv hvem der er hørt (navn og rolle).")
    if c.written_statement and not done:
        raise ConsultationError("Der kan ikke være en skriftlig tilkendegivelse, før høringen "
                                "er gennemført.")
    if rs.consultation.mode == "hierarchy_statement" and c.level in rs.consultation.hierarchy \
            and rs.consultation.hierarchy.index(c.level) > 0 and done \
            and not (c.skip_reason or "").strip():
        raise ConsultationError(
            "Begrund hvorfor de højere niveauer i hierarkiet er sprunget over (fx ingen TR "
            f"for faggruppen, eller fravær over {rs.consultation.absence_working_days} "
            "arbejdsdage).")


def facts(c: ConsultationRecord) -> ConsultationFacts:
    """The consultation as the screening criteria see it."""
    return ConsultationFacts(
        level=c.level, outcome=c.outcome, consulted_on=c.consulted_on,
        written_statement=c.written_statement or bool(c.statement_filename),
        skip_reason=c.skip_reason, informed=c.informed,
        practical_setup_discussed=c.practical_setup_discussed,
    )

"""Recording the TR consultation: validation and what it means for the screening.

Before 1 July 2025 (BAB § 99): a TR for the personnel group at the P-number; if
none, the next in the hierarchy; a level may be passed over when the right person
is absent more than 3 working days; a joint written statement before start.
From 1 July 2025: inform the TR at the P-number and discuss the practical set-up.
"""

from __future__ import annotations

from datetime import date

from nytte.core.formats import fmt_date
from nytte.core.privacy import PersonalDataError, ensure_no_cpr
from nytte.io.cells import has_control_characters
from nytte.screening.criteria import ConsultationFacts
from nytte.screening.documents import ConsultationRecord
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import CONSULTATION_LEVELS, CONSULTATION_OUTCOMES

MAX_TEXT = 5000


class ConsultationError(ValueError):
    """The consultation record is inconsistent; the message is Danish and names the field."""


def validate_consultation(c: ConsultationRecord, rs: RuleSet, today: date,
                          start: date | None = None) -> None:
    """Refuse a record that cannot be true or holds personal data."""
    if c.level not in CONSULTATION_LEVELS:
        raise ConsultationError(f"Ukendt høringsniveau '{c.level}'.")
    if c.outcome not in CONSULTATION_OUTCOMES:
        raise ConsultationError(f"Ukendt udfald '{c.outcome}'.")
    for label, text in (("Faggruppe", c.group), ("Repræsentant", c.representative),
                        ("Begrundelse for sprunget niveau", c.skip_reason),
                        ("Tilkendegivelsens tekst", c.statement_text)):
        if text is not None and len(text) > MAX_TEXT:
            raise ConsultationError(f"Feltet '{label}' er for langt (højst {MAX_TEXT} tegn).")
        if text is not None and has_control_characters(text):
            raise ConsultationError(f"Feltet '{label}' indeholder usynlige styretegn (fx NUL "
                                    "eller retningsskift); fjern dem.")
        try:
            ensure_no_cpr(text, label)
        except PersonalDataError as exc:
            raise ConsultationError(str(exc)) from exc
    done = c.outcome not in ("pending", "not_consulted")
    if c.level in ("none", "no_representative") and done:
        raise ConsultationError("Udfaldet kræver, at der er valgt et høringsniveau.")
    if done and c.consulted_on is None:
        raise ConsultationError("Angiv datoen for høringen.")
    if c.consulted_on is not None and c.consulted_on > today:
        raise ConsultationError("Høringsdatoen kan ikke ligge i fremtiden.")
    if c.consulted_on is not None and start is not None and c.consulted_on > start:
        raise ConsultationError(f"Høringsdatoen ({fmt_date(c.consulted_on)}) ligger efter "
                                f"opgavens startdato ({fmt_date(start)}); høringen skal ske "
                                "før start.")
    if done and c.level not in ("none", "no_representative") \
            and not (c.representative or "").strip():
        raise ConsultationError("Angiv hvem der er hørt (navn og rolle).")
    for skip in c.skips:
        if skip.ground == "absent" and (skip.absent_from is None or skip.absent_to is None):
            raise ConsultationError(
                f"Angiv fraværets første og sidste dag for "
                f"'{CONSULTATION_LEVELS.get(skip.level, skip.level)}'.")
        if skip.absent_from and skip.absent_to and skip.absent_to < skip.absent_from:
            raise ConsultationError("Fraværets sidste dag ligger før den første.")
    if c.written_statement and not done:
        raise ConsultationError("Der kan ikke være en skriftlig tilkendegivelse, før høringen "
                                "er gennemført.")
    if rs.consultation.mode == "hierarchy_statement" and c.level in rs.consultation.hierarchy \
            and rs.consultation.hierarchy.index(c.level) > 0 and done \
            and not (c.skip_reason or "").strip() and not c.skips:
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
        representative=c.representative, skips=c.skips, group=c.group,
    )

"""What a KPI is: a named figure with a written definition, formula, unit and source."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    """The unit a KPI is shown in; decides formatting and suppression."""

    PERSONS = "personer"  # a count of persons: suppressed below 5 for reviewers
    COUNT = "antal"  # a count of things (tasks, days, courses)
    SHARE = "andel"  # 0..1, shown as a percentage
    HOURS = "timer"
    RATIO = "forhold"  # e.g. participants per staff member


class KPIDefinitionError(ValueError):
    """A KPI is registered without everything a reader needs to understand it."""


@dataclass(frozen=True)
class KPI:
    """A key figure. All text fields are what the user reads, so they are Danish.

    ``formula`` names the counted things precisely (which rows, which statuses);
    ``source`` says where the data comes from, so a politician can ask the right
    person. ``higher_is_better`` drives the arrow colour (None: neutral).
    """

    key: str
    name: str
    definition: str
    formula: str
    unit: Unit
    source: str
    higher_is_better: bool | None = None
    reviewer_visible: bool = False

    def __post_init__(self) -> None:
        missing = [
            label
            for label, value in (
                ("navn", self.name),
                ("definition", self.definition),
                ("formel", self.formula),
                ("kilde", self.source),
            )
            if not value or not value.strip()
        ]
        if not self.key or not self.key.isidentifier():
            raise KPIDefinitionError(f"Nøgletallet '{self.key}' har en ugyldig nøgle.")
        if missing:
            raise KPIDefinitionError(
                f"Nøgletallet '{self.key}' mangler: {', '.join(missing)}."
            )
        if len(self.definition.strip()) < 20:
            raise KPIDefinitionError(
                f"Nøgletallet '{self.key}' har en for kort definition: skriv hvad der tælles."
            )

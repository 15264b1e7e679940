"""The municipality's screening policy: what the law leaves to local practice.

Sorø refuses recurring tasks, Fredensborg accepts them outside any operating plan
(docs/domain.md § 5.4). How far back staff work counts as displacement, and which
professional areas the unit works in, are likewise local choices. The database
keeps versions of this (MunicipalPolicy); the screening only needs the values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nytte.screening.vocabulary import PROFESSIONAL_AREAS, RECURRING_POLICIES, RecurringPolicy

DEFAULT_LOOKBACK_YEARS = 10


class PolicyError(ValueError):
    """A policy value is out of range."""


@dataclass(frozen=True)
class ScreeningPolicy:
    recurring: RecurringPolicy = "strict"
    displacement_lookback_years: int = DEFAULT_LOOKBACK_YEARS
    professional_areas: tuple[str, ...] = field(default=tuple(PROFESSIONAL_AREAS))
    policy_id: int | None = None  # the stored MunicipalPolicy row, when there is one
    version: int | None = None

    def __post_init__(self) -> None:
        if self.recurring not in RECURRING_POLICIES:
            raise PolicyError(
                f"Politik for gentagne opgaver skal være 'strict' eller 'lenient', ikke "
                f"'{self.recurring}'."
            )
        if not 0 <= self.displacement_lookback_years <= 100:
            raise PolicyError("Antal år tilbage for fortrængning skal være mellem 0 og 100.")
        unknown = [a for a in self.professional_areas if a not in PROFESSIONAL_AREAS]
        if unknown:
            raise PolicyError(f"Ukendte fagområder: {', '.join(unknown)}.")
        if not self.professional_areas:
            raise PolicyError("Vælg mindst ét fagområde.")

    def to_json(self) -> dict[str, Any]:
        return {
            "recurring": self.recurring,
            "displacement_lookback_years": self.displacement_lookback_years,
            "professional_areas": list(self.professional_areas),
            "policy_id": self.policy_id,
            "version": self.version,
        }

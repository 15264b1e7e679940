"""Synthetic task proposals and decisions for benchmarks and demo data.

Built from the task examples in the sources (docs/domain.md § 10), varied by place,
so precedent search has realistic Danish text to work on.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from nytte.screening.precedent import PrecedentDecision
from nytte.screening.proposal import PLAIN_ANSWERS

_TASKS: list[tuple[str, str, dict[str, Any]]] = [
    ("Naturpleje", "Rydning af krat og pleje af græsarealer, som forvaltningen stoppede med "
     "at pleje for mange år siden", {"physical_demand": 4, "indoor_outdoor": "outdoor"}),
    ("Affaldsindsamling på stranden", "Ekstraordinær renholdelse: affald samles på stranden "
     "og langs vejkanten", {"physical_demand": 3, "indoor_outdoor": "outdoor"}),
    ("Klargøring af træpaller", "Paller skilles ad, søm fjernes, og træet sorteres til genbrug "
     "og pallemøbler", {"physical_demand": 2, "indoor_outdoor": "indoor", "season": "winter"}),
    ("Indsamling af efterladte cykler", "Efterladte cykler samles ind ved stationen og "
     "køres til genbrugspladsen", {"physical_demand": 3, "indoor_outdoor": "outdoor"}),
    ("Maling af shelter", "Shelteret i skoven slibes, males og små skader repareres",
     {"physical_demand": 3, "indoor_outdoor": "outdoor", "season": "summer"}),
    ("Fjernelse af væltede træer", "Efter stormen fjernes væltede træer og grene fra "
     "fodboldbanen", {"physical_demand": 5, "indoor_outdoor": "outdoor", "season": "autumn"}),
    ("Tømning af skolens kælder", "Kælderen ryddes, og materialer sorteres til genbrug",
     {"physical_demand": 4, "indoor_outdoor": "indoor"}),
    ("Oplæsning på plejecenter", "Avisen læses højt for beboere, der har lyst, i fællesstuen",
     {"physical_demand": 1, "indoor_outdoor": "indoor", "professional_area": "omsorg_pleje"}),
    ("Vask af legetøj", "Legetøj fra institutionen vaskes og sorteres",
     {"physical_demand": 1, "indoor_outdoor": "indoor", "professional_area": "dagtilbud"}),
    ("Ugentlig fejning af p-plads", "Parkeringspladsen fejes hver uge efter ønske fra "
     "vejafdelingen", {"frequency": "recurring", "physical_demand": 2}),
    ("Udskiftning af stikkontakter", "Stikkontakter monteres og tilsluttes af elektriker",
     {"requires_certified_trade": "yes", "private_market": "yes",
      "otherwise_done_by": "contractor", "indoor_outdoor": "indoor"}),
    ("Rengøring i borgeres hjem", "Praktisk hjælp i hjemmet: støvsugning og opvask",
     {"servicelov_83": "yes", "otherwise_done_by": "staff", "in_operating_plan": "yes",
      "professional_area": "omsorg_pleje", "indoor_outdoor": "indoor"}),
    ("Lugning af kirkegårdens gange", "Gangene luges; serviceniveauet blev sat ned ved "
     "sidste budget", {"service_level_reduced": "yes", "previously_done_by_staff": "yes",
                       "last_done_by_staff_year": 2024}),
    ("Bygning af naturlegeplads", "Naturlegeplads bygges af stammer og sten ved børnehaven",
     {"physical_demand": 4, "professional_area": "dagtilbud", "season": "spring"}),
]
_PLACES = ["Vestvolden", "Valbyparken", "Amager Fælled", "Sorø Sø", "Greve Strand",
           "Herning Centrum", "Odense Havn", "Vejle Fjord", "Nykøbing F.", "Fredensborg Slotshave",
           "Hillerød Station", "Roskilde Bibliotek", "Køge Bugt", "Ringsted Skole"]
_UNITS = ["Teknik og Miljø", "Skoleforvaltningen", "Kultur og Fritid", "Ældreplejen",
          "Børn og Unge", "Ejendomsservice"]


def proposal_row(rng: random.Random, start: date | None = None) -> dict[str, Any]:
    """One proposal row with the batch file's keys (values as a CSV/JSON would hold them)."""
    title, text, extra = rng.choice(_TASKS)
    place = rng.choice(_PLACES)
    start = start or date(2026, 3, 2) + timedelta(days=rng.randrange(0, 200))
    row: dict[str, Any] = {
        "title": f"{title} ved {place}",
        "description": f"{text} ved {place}. Opgaven er afgrænset af arbejdslederen, "
                       f"og holdet arbejder {rng.choice(['formiddag', 'hele dagen', 'to dage'])}.",
        "requesting_unit": rng.choice(_UNITS),
        "p_number": str(rng.randrange(1_000_000_000, 1_999_999_999)),
        **PLAIN_ANSWERS,
        "ordinary_employees": rng.randrange(5, 120),
        "participants_requested": rng.randrange(1, 8),
        "participants_already_placed": rng.randrange(0, 4),
        "start_date": start.isoformat(),
        "consultation_level": "tr_p",
        "consultation_skip_reason": None,
        "consultation_outcome": rng.choice(["agree", "agree", "comments", "pending"]),
        "consultation_date": (start - timedelta(days=14)).isoformat(),
        "written_statement": "yes",
    }
    row.update(extra)
    if row["consultation_outcome"] == "pending":
        row["consultation_date"] = None
        row["written_statement"] = "no"
    return row


def decisions(n: int, seed: int = 1, municipality_code: str = "0101") -> list[PrecedentDecision]:
    """``n`` earlier decisions, as a precedent index or export file holds them."""
    rng = random.Random(seed)
    out: list[PrecedentDecision] = []
    for i in range(n):
        row = proposal_row(rng)
        verdict = rng.choice(["approve", "approve", "clarify", "reject"])
        out.append(PrecedentDecision(
            ref=f"{municipality_code}-{i + 1}-v1", municipality_code=municipality_code,
            title=row["title"], description=row["description"], verdict=verdict,
            reasons=[] if verdict == "approve" else ["Se den skriftlige vurdering."],
            ruleset_id="arbejdspligt-2025", decided_at=row["start_date"]))
    return out

"""Proposals built from the seeds' own examples, shared by the screening tests."""

from __future__ import annotations

from typing import Any

from nytte.screening.proposal import PLAIN_ANSWERS

PRE_2025 = "2025-03-03"  # picks rule set bab-2023
FROM_2025 = "2026-03-02"  # picks rule set arbejdspligt-2025
# The TR consultation not yet held (no date, no written statement): the task waits.
PENDING: dict[str, Any] = {"consultation_outcome": "pending", "consultation_date": None,
                           "written_statement": "no"}


def base(**overrides: Any) -> dict[str, Any]:
    """A task that passes every criterion under either rule set (Vestvolden nature care)."""
    row: dict[str, Any] = {
        "title": "Naturpleje på Vestvolden",
        "description": (
            "Rydning af krat og pleje af græsarealer på Vestvolden ved Valbyparken. "
            "Teknik- og Miljøforvaltningen stoppede med at arbejde i de udpegede "
            "områder før 1999; en biolog afgrænser opgaven."
        ),
        "requesting_unit": "Teknik- og Miljøforvaltningen",
        "p_number": "1003388497",
        **PLAIN_ANSWERS,
        # It was staff work once, long ago (before 1999).
        "previously_done_by_staff": "yes",
        "last_done_by_staff_year": 1998,
        "physical_demand": 4,
        "season": "summer",
        "ordinary_employees": 40,
        "participants_requested": 6,
        "participants_already_placed": 2,
        "start_date": FROM_2025,
        "consultation_level": "tr_p",
        "consultation_skip_reason": None,
        "consultation_outcome": "agree",
        "consultation_date": "2026-02-16",
        "written_statement": "yes",
    }
    row.update(overrides)
    return row


def pre2025(**overrides: Any) -> dict[str, Any]:
    return base(**{"start_date": PRE_2025, "consultation_date": "2025-02-17", **overrides})


def cut_in_savings(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Ukrudtsbekæmpelse på kirkegården",
                description="Lugning af gange på kirkegården; serviceniveauet blev sat ned "
                            "ved sidste budget, og to gartnerstillinger blev nedlagt.",
                previously_done_by_staff="yes", last_done_by_staff_year=2024,
                service_level_reduced="yes"), **o})


def weekly_maintenance(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Ugentlig fejning af p-pladsen ved rådhuset",
                description="Fejning og opsamling af affald på parkeringspladsen ved rådhuset "
                            "hver mandag, som vejafdelingen har ønsket igen og igen.",
                previously_done_by_staff="no", last_done_by_staff_year=None,
                frequency="recurring"), **o})


def storm_cleanup(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Fjernelse af væltede træer efter storm",
                description="Efter stormvejret fjernes væltede træer og grene fra "
                            "fodboldbanen, så banen igen kan bruges til at spille fodbold.",
                previously_done_by_staff="no", last_done_by_staff_year=None,
                season="autumn"), **o})


def pallets(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Klargøring af træpaller til genbrug",
                description="Paller skilles ad på værkstedet, søm fjernes og træet sorteres "
                            "til genbrug og pallemøbler. En vinteropgave indendørs.",
                previously_done_by_staff="no", last_done_by_staff_year=None,
                indoor_outdoor="indoor", season="winter", physical_demand=2), **o})


def electrician(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Udskiftning af stikkontakter i klubhuset",
                description="Nye stikkontakter og lampeudtag i klubhuset skal monteres og "
                            "tilsluttes; arbejdet kræver en autoriseret elinstallatør.",
                previously_done_by_staff="no", last_done_by_staff_year=None,
                requires_certified_trade="yes", private_market="yes",
                otherwise_done_by="contractor", indoor_outdoor="indoor"), **o})


def home_help(**o: Any) -> dict[str, Any]:
    return base(**{**dict(title="Rengøring hos ældre borgere",
                description="Praktisk hjælp i borgernes hjem: støvsugning, opvask og indkøb "
                            "for ældre borgere, der er visiteret til hjemmehjælp.",
                previously_done_by_staff="yes", last_done_by_staff_year=2025,
                professional_area="omsorg_pleje", servicelov_83="yes",
                otherwise_done_by="staff", in_operating_plan="yes",
                indoor_outdoor="indoor", season="all"), **o})

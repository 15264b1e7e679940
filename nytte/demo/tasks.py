"""Demo tasks drawn from the sources' own examples (docs/domain.md § 10: report [A]
ch. 4-5, Greve's page [C]), as task proposals with the screening form's fields. Some
pass the protective rules and some do not; the screening engine judges them when the
demo is loaded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from nytte.models import Task, Unit
from nytte.screening.proposal import PLAIN_ANSWERS

_BASE: dict[str, Any] = {
    "requesting_unit": "Teknik og Miljø",
    "host_employer": "municipality",
    "p_number": "1003456789",
    **PLAIN_ANSWERS,
    "ordinary_employees": 60,
    "participants_requested": 6,
    "participants_already_placed": 2,
    "consultation_level": "tr_p",
    "consultation_representative": "Demo-TR, 3F",
    "consultation_skip_reason": "",
    "consultation_outcome": "agree",
    "consultation_date": None,
    "written_statement": "yes",
}


def _task(title: str, description: str, start: date, **answers: Any) -> dict[str, Any]:
    d = {**_BASE, "title": title, "description": description, "start_date": start}
    d.update(answers)
    if d["consultation_date"] is None and d["consultation_outcome"] not in (
        "pending",
        "not_consulted",
    ):
        # Heard three weeks before the start, a week before the decision.
        d["consultation_date"] = start - timedelta(days=21)
    return d


DEMO_TASKS: list[dict[str, Any]] = [
    _task(
        "Naturpleje på volden",
        "Rydning af opvækst og pleje af stier på volden. Kommunen har ikke plejet "
        "arealerne med egne folk siden 1990'erne.",
        date(2024, 4, 2),
        previously_done_by_staff="yes",
        last_done_by_staff_year=1998,
        season="spring",
        physical_demand=4,
    ),
    _task(
        "Ekstra renholdelse af strand og parkering",
        "Opsamling af affald på stranden og p-pladserne ud over den normale "
        "renholdelse i sommersæsonen.",
        date(2024, 6, 3),
        season="summer",
        physical_demand=3,
    ),
    _task(
        "Klipning af hække ved rådhuset",
        "Hækkene klippes hver uge; opgaven blev skåret fra driften ved sidste budgetforlig.",
        date(2024, 5, 6),
        service_level_reduced="yes",
        frequency="recurring",
        in_operating_plan="yes",
        otherwise_done_by="staff",
    ),
    _task(
        "Ugentlig græsslåning i parkerne",
        "Græsslåning hver uge i de store parker hele sæsonen.",
        date(2025, 8, 4),
        frequency="recurring",
        in_operating_plan="no",
        season="summer",
        consultation_outcome="informed",
    ),
    _task(
        "Oprydning efter storm",
        "Væltede træer og grene fjernes fra fodboldbanen efter stormen.",
        date(2025, 10, 27),
        physical_demand=5,
        season="autumn",
        tr_informed="yes",
        practical_setup_discussed="yes",
    ),
    _task(
        "Paller skilles ad til genbrug",
        "Paller skilles ad på værkstedet, sorteres og klargøres til genbrug og "
        "pallemøbler. Indendørs vinteropgave.",
        date(2024, 1, 8),
        indoor_outdoor="indoor",
        season="winter",
        physical_demand=2,
    ),
    _task(
        "Ny el-installation i skurene",
        "Træk nye el-kabler og stikkontakter i redskabsskurene.",
        date(2025, 2, 3),
        requires_certified_trade="yes",
        private_market="yes",
        otherwise_done_by="contractor",
        indoor_outdoor="indoor",
    ),
    _task(
        "Praktisk hjælp i borgernes hjem",
        "Rengøring og indkøb for ældre borgere i eget hjem.",
        date(2024, 9, 2),
        servicelov_83="yes",
        professional_area="omsorg_pleje",
        beneficiary="private_persons",
        indoor_outdoor="indoor",
        physical_demand=2,
    ),
    _task(
        "Tømning af skolekældre til genbrug",
        "Kældrene på tre skoler tømmes for gamle møbler, som sorteres til genbrug.",
        date(2024, 10, 7),
        requesting_unit="Skoleområdet",
        indoor_outdoor="indoor",
        professional_area="andet",
        consultation_outcome="pending",
        consultation_date=None,
        written_statement="no",
    ),
    _task(
        "Vægmaleri i gangtunnel",
        "Et vægmaleri males i gangtunnelen ved stationen efter skitse fra kulturforvaltningen.",
        date(2025, 9, 1),
        professional_area="andet",
        physical_demand=2,
        consultation_outcome="informed",
        tr_informed="yes",
        practical_setup_discussed="no",
    ),
    _task(
        "Klargøring af boliger til flygtninge",
        "Rengøring og opstilling af møbler i kommunens midlertidige boliger.",
        date(2024, 3, 4),
        indoor_outdoor="indoor",
        professional_area="butik_lager_service",
        previously_done_by_staff="unknown",
    ),
    _task(
        "Indsamling af efterladte cykler",
        "Efterladte cykler ved stationerne samles ind, registreres og sættes i stand.",
        date(2025, 11, 3),
        professional_area="teknik_miljoe",
        physical_demand=3,
        tr_informed="yes",
        practical_setup_discussed="yes",
    ),
]


def add_demo_tasks(engine: Engine, municipality_code: str) -> int:
    """Insert the demo tasks for the demo municipality's first unit; return how many.

    Their screenings are made by nytte.screening when it is available."""
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        unit_id = session.scalar(
            select(Unit.id).where(Unit.municipality_code == municipality_code).order_by(Unit.id)
        )
        for t in DEMO_TASKS:
            session.add(
                Task(
                    municipality_code=municipality_code,
                    unit_id=unit_id,
                    title=t["title"],
                    description=t["description"],
                    requesting_unit=t["requesting_unit"],
                    p_number=t["p_number"],
                    professional_area=t["professional_area"],
                    physical_demand=t["physical_demand"],
                    indoor_outdoor=t["indoor_outdoor"],
                    season=t["season"],
                    created_by="demo",
                )
            )
    return len(DEMO_TASKS)

"""Key figures of the regional council's page: national, from Jobindsats and the report."""

from __future__ import annotations

from nytte.kpis.model import KPI, Unit

_JI = "Jobindsats.dk (STAR), tabel y60c02, hentet via API v3 eller importeret CSV"
_REPORT = (
    "Ankestyrelsen: Nytteindsats – Erfaringer fra kommuner og borgere (december 2023), "
    "med tal fra Jobindsats.dk"
)

KPIS: list[KPI] = [
    KPI(
        key="ji_activated",
        name="Antal aktiverede (Jobindsats)",
        definition=(
            "Antal personer, der har været aktiveret i nytteindsats i måneden, som "
            "Jobindsats opgør det. Seneste måned er foreløbig: den rettes af "
            "efterregistreringer."
        ),
        formula="Jobindsats-målingen 'Antal aktiverede', tilbud 'Nytteindsats i alt'",
        unit=Unit.PERSONS,
        source=_JI,
        reviewer_visible=True,
    ),
    KPI(
        key="ji_courses",
        name="Antal aktiveringsforløb (Jobindsats)",
        definition=(
            "Antal forløb i nytteindsats i måneden, som Jobindsats opgør det. En person "
            "kan have flere forløb."
        ),
        formula="Jobindsats-målingen 'Antal aktiveringsforløb', tilbud 'Nytteindsats i alt'",
        unit=Unit.COUNT,
        source=_JI,
        reviewer_visible=True,
    ),
    KPI(
        key="national_offered",
        name="Personer tilbudt nytteindsats (hele landet)",
        definition=(
            "Antal personer, der i året blev tilbudt nytteindsats i hele landet; tallet "
            "belyser tilbudte, ikke hvor mange der mødte op."
        ),
        formula="Jobindsats 'Antal aktiverede og fuldtidsaktiverede', trukket 12. juni 2023",
        unit=Unit.PERSONS,
        source=_REPORT + ", figur 2.1",
        reviewer_visible=True,
    ),
    KPI(
        key="national_share_of_recipients",
        name="Andel af ydelsesmodtagere i nytteindsats",
        definition=(
            "Andel af modtagerne af en ydelse, der var aktiveret i nytteindsats i året, "
            "fordelt på ydelsesgruppe."
        ),
        formula="antal aktiverede i nytteindsats / antal ydelsesmodtagere, pr. ydelsesgruppe",
        unit=Unit.SHARE,
        source=_REPORT + ", tabel 2.1 (data trukket 16. oktober 2023)",
        reviewer_visible=True,
    ),
]

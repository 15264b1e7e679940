"""Key figures of the manager overview and the yearly evaluation."""

from __future__ import annotations

from nytte.kpis.model import KPI, Unit

_ATT = "Nytte: den daglige fremmøderegistrering (én række pr. deltager pr. forventet dag)"
_REF = "Nytte: henvisninger fra jobcentret med start- og slutdato og afgangsårsag"
_UNIT = "Nytte: enhedernes og holdenes stamdata (pladser, medarbejdere)"
_TASK = "Nytte: opgaver og deres screening mod værnsreglerne"
_CONS = "Nytte: høring af tillidsrepræsentanter (TR) pr. opgave"

KPIS: list[KPI] = [
    KPI(
        key="enrolled",
        name="Indskrevne",
        definition=(
            "Antal forskellige deltagere med mindst én forventet fremmødedag i perioden."
        ),
        formula="antal forskellige deltagere i fremmøderækker i perioden",
        unit=Unit.PERSONS,
        source=_ATT,
        reviewer_visible=True,
    ),
    KPI(
        key="places",
        name="Pladser",
        definition="Antal pladser i enhederne (kapacitet), som de står i enhedens stamdata.",
        formula="sum af pladser for de valgte enheder",
        unit=Unit.COUNT,
        source=_UNIT,
    ),
    KPI(
        key="capacity_use",
        name="Belægning",
        definition=(
            "Gennemsnitligt antal deltagere, der efter ugeskemaet forventes pr. åbningsdag, "
            "i forhold til antal pladser (for én dag: forventede den dag / pladser). Over "
            "100 % betyder flere forventet end der er pladser til. Indskrevne tæller også "
            "dem, der ikke skal møde hver dag (deltid), og kan derfor være flere end "
            "pladserne, selv om belægningen er under 100 %."
        ),
        formula="(forventede fremmødedage / antal åbningsdage med forventet fremmøde) / pladser",
        unit=Unit.SHARE,
        source=f"{_ATT}; {_UNIT}",
        higher_is_better=True,
    ),
    KPI(
        key="attendance_rate",
        name="Fremmødeprocent",
        definition=(
            "Andel af de forventede fremmødedage, hvor deltageren mødte op. En dag med færre "
            "timer end skemaet tæller som mødt. Helligdage og lukkedage er ikke forventede "
            "dage."
        ),
        formula="dage med status 'mødt' / forventede fremmødedage",
        unit=Unit.SHARE,
        source=_ATT,
        higher_is_better=True,
        reviewer_visible=True,
    ),
    KPI(
        key="hours_rate",
        name="Fremmøde i timer",
        definition="Andel af de forventede timer, som deltagerne faktisk var til stede.",
        formula="sum af registrerede timer / sum af forventede timer",
        unit=Unit.SHARE,
        source=_ATT,
        higher_is_better=True,
    ),
    KPI(
        key="new_referrals",
        name="Nye henvisninger",
        definition="Antal henvisninger med forventet startdato i perioden.",
        formula="antal henvisninger med forventet start i perioden",
        unit=Unit.PERSONS,
        source=_REF,
        reviewer_visible=True,
    ),
    KPI(
        key="show_up_rate",
        name="Fremmøde blandt nye henviste",
        definition=(
            "Andel af de nye henvisninger i perioden, hvor borgeren mødte op mindst én "
            "dag. Kommunerne oplyser, at kun omkring halvdelen møder op (Ankestyrelsen 2023)."
        ),
        formula="henvisninger med mindst én dag med status 'mødt' / nye henvisninger",
        unit=Unit.SHARE,
        source=f"{_REF}; {_ATT}",
        higher_is_better=True,
        reviewer_visible=True,
    ),
    KPI(
        key="unexcused_absences",
        name="Ulovligt fravær",
        definition=(
            "Antal forventede fremmødedage med fravær uden rimelig grund (fraværsårsag "
            "'ulovligt fravær'). Grundlag for jobcentrets sanktionsvurdering; enheden "
            "sanktionerer ikke selv."
        ),
        formula="antal fremmøderækker med status 'fravær' og årsag 'ulovligt fravær'",
        unit=Unit.COUNT,
        source=_ATT,
        higher_is_better=False,
    ),
    KPI(
        key="exits",
        name="Afsluttede forløb",
        definition="Antal henvisninger, der blev afsluttet i perioden, uanset afgangsårsag.",
        formula="antal henvisninger med slutdato i perioden",
        unit=Unit.PERSONS,
        source=_REF,
        reviewer_visible=True,
    ),
    KPI(
        key="exits_job_education",
        name="Afgang til job eller uddannelse",
        definition=(
            "Andel af de afsluttede forløb i perioden, der sluttede med job eller "
            "uddannelse som afgangsårsag."
        ),
        formula="afsluttede henvisninger med afgangsårsag job eller uddannelse / afsluttede",
        unit=Unit.SHARE,
        source=_REF,
        higher_is_better=True,
        reviewer_visible=True,
    ),
    KPI(
        key="exits_job_education_3m",
        name="Job eller uddannelse 3 måneder efter",
        definition=(
            "Andel af de forløb, der sluttede i perioden og har en registreret status 3 "
            "måneder efter, hvor borgeren da var i job eller uddannelse. Status importeres "
            "fra jobcentrets sagssystem; uden registreringer vises intet tal."
        ),
        formula=(
            "forløb med status job/uddannelse 3 mdr. efter slut / forløb afsluttet i "
            "perioden med registreret status 3 mdr. efter"
        ),
        unit=Unit.SHARE,
        source="Jobcentrets sagssystem (CSV-import af opfølgning); Nytte: henvisninger",
        higher_is_better=True,
    ),
    KPI(
        key="exits_job_education_6m",
        name="Job eller uddannelse 6 måneder efter",
        definition=(
            "Som '3 måneder efter', men med borgerens status 6 måneder efter forløbets "
            "afslutning."
        ),
        formula=(
            "forløb med status job/uddannelse 6 mdr. efter slut / forløb afsluttet i "
            "perioden med registreret status 6 mdr. efter"
        ),
        unit=Unit.SHARE,
        source="Jobcentrets sagssystem (CSV-import af opfølgning); Nytte: henvisninger",
        higher_is_better=True,
    ),
    KPI(
        key="tasks_approved",
        name="Godkendte opgaver",
        definition="Antal opgaver, der blev godkendt ved screening mod værnsreglerne i perioden.",
        formula="antal screeninger med afgørelsen 'godkendt' i perioden",
        unit=Unit.COUNT,
        source=_TASK,
    ),
    KPI(
        key="tasks_rejected",
        name="Afviste opgaver",
        definition="Antal opgaver, der blev afvist ved screening mod værnsreglerne i perioden.",
        formula="antal screeninger med afgørelsen 'afvist' i perioden",
        unit=Unit.COUNT,
        source=_TASK,
    ),
    KPI(
        key="consultations_missing",
        name="Manglende TR-høring",
        definition=(
            "Antal godkendte opgaver uden en dokumenteret høring af (eller orientering af) "
            "tillidsrepræsentanten."
        ),
        formula="godkendte opgaver uden registreret høring med dato",
        unit=Unit.COUNT,
        source=f"{_TASK}; {_CONS}",
        higher_is_better=False,
    ),
    KPI(
        key="participants_per_staff",
        name="Deltagere pr. medarbejder",
        definition=(
            "Gennemsnitligt antal deltagere forventet pr. åbningsdag delt med antal "
            "medarbejdere i enhederne."
        ),
        formula="(forventede fremmødedage / åbningsdage) / medarbejdere",
        unit=Unit.RATIO,
        source=f"{_ATT}; {_UNIT}",
    ),
]

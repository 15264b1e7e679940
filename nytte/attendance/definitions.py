"""Texts of the figures only the attendance and capacity pages show.

They are registered in the one KPI registry (nytte/kpis/attendance.py), and pages
read every definition through ``definition()``, which asks the registry: a figure
the overview also shows (attendance rate, hours, places, Belægning) has one text,
the registry's. The page puts the text beside the number (a metric's or a
column's help, or a line under a chart)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    label: str  # Danish, as shown on the page
    text: str  # Danish definition: what is counted, over what, what is left out
    unit: str  # "andel", "antal", "timer", ...


_DEFS = (
    Definition(
        "expected_days",
        "Forventede dage",
        "Dage hvor en deltager efter sit ugeskema skal møde: én registrering pr. deltager "
        "pr. arbejdsdag med skemalagte timer. Weekender, helligdage, enhedens lukkedage og "
        "covid-19-suspensionen tæller aldrig med.",
        "antal",
    ),
    Definition(
        "unexcused_rate",
        "Udeblivelser uden rimelig grund",
        "Forventede dage registreret som fravær med årsagen »Udeblevet uden rimelig grund«, "
        "divideret med forventede dage. Enheden registrerer; rådgiveren afgør en eventuel "
        "sanktion (aktivloven §§ 35-40 a).",
        "andel",
    ),
    Definition(
        "heatmap",
        "Fremmøde pr. ugedag og uge",
        "Fremmødeprocent for hver ugedag (række) i hver uge (kolonne). Tomme felter er dage "
        "uden forventede deltagere: helligdage, lukkedage og weekender.",
        "andel",
    ),
    Definition(
        "enrolled",
        "Indskrevne",
        "Henvisninger, hvis forventede start er på eller før dagen, og som ikke er afsluttet "
        "før dagen.",
        "antal",
    ),
    Definition(
        "present",
        "Mødt",
        "Deltagere registreret som mødt på dagen (gennemsnit pr. arbejdsdag, når perioden er "
        "en uge).",
        "antal",
    ),
    Definition(
        "waiting",
        "Ventende henvisninger",
        "Henvisninger, der er modtaget, men hvis forventede start ligger efter dagen.",
        "antal",
    ),
    Definition(
        "per_staff",
        "Deltagere pr. medarbejder",
        "Indskrevne på dagen divideret med enhedens antal faste medarbejdere.",
        "antal",
    ),
    Definition(
        "forecast",
        "Prognose",
        "Forventet antal indskrevne og mødte (gennemsnit pr. arbejdsdag) pr. uge de næste "
        "uger. Lineær model (scikit-learn Ridge) på de seneste ugers niveauer og årstid, én "
        "model pr. horisont. Intervallet er 10 %- og 90 %-fraktilerne af fejlene i "
        "tilbagetesten for samme horisont.",
        "antal",
    ),
    Definition(
        "backtest_mae",
        "Tilbagetestens fejl (MAE)",
        "Gennemsnitlig absolut fejl, når modellen trænes på data før et tidspunkt og "
        "forudsiger de følgende uger; gentaget for hver uge det seneste år. Sammenlignes med "
        "en naiv prognose (seneste uges niveau fortsætter).",
        "antal",
    ),
    Definition(
        "funnel_referred",
        "Henvist",
        "Henvisninger modtaget i perioden (måned efter henvisningsdato), hvis forventede "
        "start er nået. Henvisninger, der endnu ikke skulle være startet, tælles ikke med.",
        "antal",
    ),
    Definition(
        "funnel_first_day",
        "Mødt første dag",
        "Henvisninger, hvor deltageren er registreret som mødt på sin første forventede dag.",
        "antal",
    ),
    Definition(
        "funnel_ever",
        "Mødt mindst én gang",
        "Henvisninger med mindst én dag registreret som mødt.",
        "antal",
    ),
    Definition(
        "funnel_stable",
        "Stabilt fremmøde",
        "Henvisninger med mindst én periode af {weeks} uger (fra en mødt dag), hvor deltageren "
        "mødte på mindst {share} af de forventede dage, og hvor der var mindst {min_days} "
        "forventede dage. Reglen kan indstilles på siden.",
        "antal",
    ),
    Definition(
        "funnel_exit",
        "Afgang",
        "Afsluttede henvisninger fordelt på afgangsårsag (kodelisten exit_outcome).",
        "antal",
    ),
    Definition(
        "absence_notice",
        "Fraværsmeddelelse",
        "Hver forventet dag registreret som fravær med årsagen »Udeblevet uden rimelig grund« "
        "(og, hvis valgt, »Syg (meldt efter mødetid)«), med forventede og registrerede timer. "
        "Listen går til rådgiveren i jobcentret, som afgør sagen; enheden sanktionerer ikke.",
        "antal",
    ),
    Definition(
        "at_risk",
        "Risiko for faldende fremmøde",
        "Modellens sandsynlighed for, at deltageren møder på under halvdelen af de forventede "
        "dage de næste 2 uger, ud fra fremmødehistorikken (seneste udeblivelser, udvikling, "
        "ugedagsmønster og tid siden start). Vejledende: listen afgør intet (GDPR art. 22).",
        "andel",
    ),
    Definition(
        "course_week",
        "Forløbsuge",
        "Uge nummer i forløbet regnet fra den forventede start (uge 1 = de første 7 dage). "
        "Efter regelsættet på startdatoen: før 1. juli 2025 højst 13 uger (advarsel i uge 11); "
        "derefter intet loft.",
        "antal",
    ),
)

DEFINITIONS: dict[str, Definition] = {d.key: d for d in _DEFS}

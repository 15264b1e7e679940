"""The report's national figures laid out as the report lays them out.

Shares are printed from the transcribed text ('3,5 %'), not recomputed, and the
counts go through primary suppression like every figure the reviewer sees (they
are all far above 5; the rule still holds for any future table).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nytte.core.formats import fmt_int
from nytte.core.reference_figures import (
    BENEFIT_NAMES,
    BENEFIT_RECIPIENT_NAMES,
    FIGURE_3_1,
    LATE_REGISTRATION_NOTE,
    OFFERED_2022,
    OFFERED_TEXT,
    OVERGANGSYDELSE_NOTE,
    SOURCE_FIG_2_1,
    SOURCE_FIG_3_1,
    SOURCE_TABLE_2_1,
    SOURCE_TABLE_3_2,
    SOURCE_TABLE_3_3,
    VISITATION_NAMES,
    table_2_1,
    table_3_2,
    table_3_3,
)
from nytte.core.suppression import MARK, is_primary

TABLE_2_1_ORDER = ("dagpenge", "kontanthjaelp", "uddannelseshjaelp", "overgangsydelse")


@dataclass(frozen=True)
class DisplayTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    source: str
    notes: list[str]


def _pct(value: Decimal | int) -> str:
    return f"{value}".replace(".", ",") + "\xa0%"


def _count(value: int) -> str:
    return MARK if is_primary(value) else fmt_int(value)


def offered_text() -> str:
    return (
        f"I 2022 blev {fmt_int(OFFERED_2022)} personer tilbudt nytteindsats i hele landet; "
        f"i 2018 og 2019 var det {OFFERED_TEXT[2018]}."
    )


def table_2_1_view() -> DisplayTable:
    rows = table_2_1()
    years = sorted({r.year for r in rows})
    by = {(r.year, r.benefit_group): r for r in rows}
    body = []
    for g in TABLE_2_1_ORDER:
        cells = [BENEFIT_NAMES[g] + ("*" if g == "overgangsydelse" else "")]
        for y in years:
            r = by.get((y, g))
            cells.append(f"{_pct(r.share_pct)} ({_count(r.persons)})" if r else "–")
        body.append(cells)
    return DisplayTable(
        "Tabel 2.1: Andel aktiverede i nytteindsats fordelt på ydelsesgrupper, 2018-2022",
        ["Ydelsesgruppe", *[f"{y} (antal personer)" for y in years]],
        body, SOURCE_TABLE_2_1.text, [f"*{OVERGANGSYDELSE_NOTE}"],
    )


def figure_3_1_view() -> DisplayTable:
    return DisplayTable(
        "Figur 3.1: Andel aktiverede tilbudt nytteindsats i 2022 fordelt på ydelsesgrupper",
        ["Ydelsesgruppe", "Andel", "N"],
        [[BENEFIT_NAMES[g], _pct(p), _count(n)] for g, p, n in FIGURE_3_1],
        SOURCE_FIG_3_1.text, [LATE_REGISTRATION_NOTE],
    )


def table_3_2_view() -> DisplayTable:
    body = [
        [BENEFIT_RECIPIENT_NAMES[r.benefit_group] + ("*" if r.benefit_group ==
                                                     "overgangsydelse" else ""),
         _count(r.women), _pct(r.women_pct), _count(r.men), _pct(r.men_pct)]
        for r in table_3_2()
    ]
    return DisplayTable(
        "Tabel 3.2: Antal og andel aktiverede tilbudt nytteindsats i 2022 fordelt på "
        "ydelsesgruppe og køn",
        ["Ydelsesgruppe", "Antal kvinder", "Procent kvinder", "Antal mænd", "Procent mænd"],
        body, SOURCE_TABLE_3_2.text, [f"*{OVERGANGSYDELSE_NOTE}"],
    )


def table_3_3_view() -> DisplayTable:
    body = [
        [BENEFIT_NAMES[r.benefit_group], VISITATION_NAMES[r.visitation_group],
         _count(r.persons), _pct(r.pct)]
        for r in table_3_3()
    ]
    return DisplayTable(
        "Tabel 3.3: Aktiverede i nytteindsats i 2022 fordelt på visitationsgruppe",
        ["Ydelsesgruppe", "Visitationsgruppe", "Antal", "Andel"],
        body, SOURCE_TABLE_3_3.text,
        ["Uddannelseshjælp: N=1.387; kontanthjælp: N=2.495."],
    )


def national_views() -> list[DisplayTable]:
    return [table_2_1_view(), figure_3_1_view(), table_3_2_view(), table_3_3_view()]


FIGURE_2_1_SOURCE = SOURCE_FIG_2_1.text + " " + LATE_REGISTRATION_NOTE

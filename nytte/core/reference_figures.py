"""The national figures of the Ankestyrelsen report (December 2023), as the report shows them.

The CSVs in ``data/reference/`` are transcribed from the report (see that folder's
README); the figures stated only in the report's text are held here with their
place in the report. Nothing is recomputed: the report's own totals differ by a
few persons between tables because the data were drawn on different dates
(4,619 offered in figure 2.1; 4,617 in figure 3.1's N's; 4,620 in table 3.2), and
the council must see the figures exactly as published.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

REPORT = (
    "Ankestyrelsen: Nytteindsats – Erfaringer fra kommuner og borgere, december 2023"
)

BENEFIT_NAMES = {
    "dagpenge": "Dagpenge",
    "kontanthjaelp": "Kontanthjælp",
    "uddannelseshjaelp": "Uddannelseshjælp",
    "overgangsydelse": "Overgangsydelse",
}
BENEFIT_RECIPIENT_NAMES = {
    "dagpenge": "Dagpengemodtagere",
    "uddannelseshjaelp": "Uddannelseshjælpsmodtagere",
    "kontanthjaelp": "Kontanthjælpsmodtagere",
    "overgangsydelse": "Modtagere af overgangsydelse",
    "total": "I alt",
}
VISITATION_NAMES = {
    "aktivitetsparat": "Aktivitetsparat",
    "uddannelsesparat": "Uddannelsesparat",
    "aabenlyst_uddannelsesparat": "Åbenlyst uddannelsesparat",
    "jobparat": "Jobparat",
}


class ReferenceDataError(RuntimeError):
    """A reference file is missing or malformed; the message says which."""


@dataclass(frozen=True)
class Source:
    where: str  # "Tabel 2.1"
    drawn: str  # when the report's authors drew the data from Jobindsats

    @property
    def text(self) -> str:
        return f"Kilde: {REPORT}, {self.where}. {self.drawn}"


SOURCE_FIG_2_1 = Source(
    "figur 2.1",
    "Data trukket fra Jobindsats.dk (Antal aktiverede og fuldtidsaktiverede) 12. juni 2023.",
)
SOURCE_TABLE_2_1 = Source(
    "tabel 2.1",
    "Andel aktiverede beregnet på data trukket fra Jobindsats.dk 16. oktober 2023 "
    "(antal aktiverede og antal ydelsesmodtagere).",
)
SOURCE_FIG_3_1 = Source(
    "figur 3.1",
    "Data trukket fra Jobindsats.dk (Antal aktiverede og fuldtidsaktiverede) 12. juni 2023.",
)
SOURCE_TABLE_3_2 = Source(
    "tabel 3.2",
    "Uddannelses- og dagpengemodtagere fra STAR (Det Fælles Datagrundlag); kontanthjælp "
    "og overgangsydelse fra Jobindsats.dk (antal aktiverede) 3. august 2023.",
)
SOURCE_TABLE_3_3 = Source("tabel 3.3.1 og 3.3.2", "Data fra Jobindsats.dk.")
LATE_REGISTRATION_NOTE = (
    "På grund af efterregistreringer kan de nøjagtige tal ikke nødvendigvis genfindes "
    "på jobindsats.dk."
)
OVERGANGSYDELSE_NOTE = (
    "Overgangsydelse: Jobindsats viser 'Selvforsørgelses- og hjemrejseydelse mv.'; "
    "rapporten antager, at alle i nytteindsats i den gruppe er på overgangsydelse."
)

# Figures stated in the report's text (figure 2.1 is a chart without a data table).
OFFERED_2022 = 4619
OFFERED_TEXT = {
    2018: "mere end 12.000",
    2019: "mere end 12.000",
    2022: "4.619",
}
FIGURE_3_1 = (  # (benefit group, share in per cent, N) as in the figure's note
    ("kontanthjaelp", 54, 2478),
    ("uddannelseshjaelp", 30, 1364),
    ("overgangsydelse", 10, 481),
    ("dagpenge", 6, 294),
)
COVID_SUSPENSIONS = (("2020-03-12", "2020-05-27"), ("2020-12-20", "2021-04-15"))


@dataclass(frozen=True)
class ActivatedShare:
    year: int
    benefit_group: str
    persons: int
    share_pct: Decimal  # of all recipients of that benefit, as printed (one decimal)


@dataclass(frozen=True)
class GenderRow:
    benefit_group: str
    women: int
    women_pct: int
    men: int
    men_pct: int


@dataclass(frozen=True)
class VisitationRow:
    benefit_group: str
    visitation_group: str
    persons: int
    pct: int


def _read(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    if not path.is_file():
        raise ReferenceDataError(
            f"Referencefilen {path} mangler; den følger med Nytte i data/reference/."
        )
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path.name} mangler kolonnen {', '.join(missing)}.")
        return list(reader)


def _int(row: dict[str, str], field: str, name: str, n: int) -> int:
    try:
        return int(row[field])
    except (TypeError, ValueError) as exc:
        raise ReferenceDataError(f"{name}, række {n}, feltet {field}: ikke et helt tal.") from exc


@cache
def table_2_1() -> tuple[ActivatedShare, ...]:
    name = "national_activated_by_benefit_2018_2022.csv"
    rows = _read(name, ("year", "benefit_group", "persons_activated", "share_of_recipients_pct"))
    return tuple(
        ActivatedShare(
            year=_int(r, "year", name, n),
            benefit_group=r["benefit_group"],
            persons=_int(r, "persons_activated", name, n),
            share_pct=Decimal(r["share_of_recipients_pct"]),
        )
        for n, r in enumerate(rows, start=2)
    )


@cache
def table_3_2() -> tuple[GenderRow, ...]:
    name = "national_2022_by_benefit_and_gender.csv"
    rows = _read(name, ("benefit_group", "women", "women_pct", "men", "men_pct"))
    return tuple(
        GenderRow(
            benefit_group=r["benefit_group"],
            women=_int(r, "women", name, n),
            women_pct=_int(r, "women_pct", name, n),
            men=_int(r, "men", name, n),
            men_pct=_int(r, "men_pct", name, n),
        )
        for n, r in enumerate(rows, start=2)
    )


@cache
def table_3_3() -> tuple[VisitationRow, ...]:
    name = "national_2022_by_visitation_group.csv"
    rows = _read(name, ("benefit_group", "visitation_group", "persons", "pct"))
    return tuple(
        VisitationRow(
            benefit_group=r["benefit_group"],
            visitation_group=r["visitation_group"],
            persons=_int(r, "persons", name, n),
            pct=_int(r, "pct", name, n),
        )
        for n, r in enumerate(rows, start=2)
    )


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region_code: str
    region: str


@cache
def municipalities() -> tuple[Municipality, ...]:
    columns = ("municipality_code", "municipality", "region_code", "region")
    rows = _read("municipalities.csv", columns)
    return tuple(
        Municipality(r["municipality_code"], r["municipality"], r["region_code"], r["region"])
        for r in rows
    )


def municipality_names() -> dict[str, str]:
    return {m.code: m.name for m in municipalities()}

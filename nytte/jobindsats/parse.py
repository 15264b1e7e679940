"""Turn Jobindsats answers and jobindsats.dk CSV exports into observations.

Both arrive "wide": one row per area, period and offer, one column per measure.
We find the columns by their Danish names, not by position, so a reordered table
still reads; a missing column is a changed layout and stops the import with a
message naming what is missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from nytte.io.errors import ImportRejected
from nytte.io.reader import MB, Limits, csv_records
from nytte.jobindsats.errors import JobindsatsImportError, JobindsatsLayoutError
from nytte.jobindsats.periods import parse_period

NATIONAL = "Hele landet"
OFFERS = ("Nytteindsats i alt", "Særligt tilrettelagt nytteindsats i alt")
MEASURES = ("Antal aktiverede", "Antal aktiveringsforløb")
SUPPRESSED_MARKS = frozenset({"..", "-", ".", ""})
_IGNORED_AREAS = {"uoplyst omraade", "uoplyst", "uoplyst kommune"}


@dataclass(frozen=True)
class Observation:
    """One published figure. ``value`` None means Jobindsats suppressed it."""

    area: str
    municipality_code: str | None  # None for the whole country
    month: date
    offer: str
    measure: str
    value: int | None


def _fold(text: str) -> str:
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    return re.sub(r"\s+", " ", "".join(ch for ch in t if not unicodedata.combining(ch)))


def parse_danish_count(text: object) -> int | None:
    """'1.234' -> 1234, 17 -> 17, '..' or '-' -> None (suppressed by the source).

    Raises ValueError for anything else, including a fraction: counts are whole.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError("ikke et tal")
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not text.is_integer():
            raise ValueError("ikke et helt tal")
        return int(text)
    s = str(text).strip().replace("\xa0", "").replace(" ", "")
    if s in SUPPRESSED_MARKS:
        return None
    if not re.fullmatch(r"-?\d{1,3}(\.\d{3})*|-?\d+", s):
        if re.fullmatch(r"-?\d+(\.\d{3})*,0+", s):  # '1.234,0'
            s = s.split(",")[0]
        else:
            raise ValueError(f"'{text}' er ikke et helt tal i dansk format")
    value = int(s.replace(".", ""))
    if value < 0:
        raise ValueError(f"'{text}' er negativt")
    return value


class AreaResolver:
    """Maps Jobindsats area names ('København', 'Københavns Kommune') to codes."""

    def __init__(self, municipalities: Mapping[str, str]) -> None:
        """``municipalities``: code -> name, e.g. {'0101': 'København'}."""
        self._by_name: dict[str, str] = {}
        for code, name in municipalities.items():
            self._by_name[_fold(name)] = code

    def resolve(self, area: str) -> tuple[str | None, bool]:
        """(code, known): code None and known True for the whole country."""
        folded = _fold(area)
        if folded == _fold(NATIONAL):
            return None, True
        candidates = [folded]
        for prefix in ("jobcenter ",):
            if folded.startswith(prefix):
                candidates.append(folded[len(prefix):])
        for c in list(candidates):
            if c.endswith(" kommune"):
                base = c[: -len(" kommune")]
                candidates += [base, base[:-1] if base.endswith("s") else base]
        for c in candidates:
            if c in self._by_name:
                return self._by_name[c], True
        return None, False

    @staticmethod
    def ignored(area: str) -> bool:
        return _fold(area) in _IGNORED_AREAS


@dataclass(frozen=True)
class _Layout:
    area: int
    period: int
    offer: int | None
    measures: dict[str, int]


def _find_layout(columns: Sequence[str], *, where: str) -> _Layout:
    folded = [_fold(str(c)) for c in columns]

    def first(*needles: str) -> int | None:
        for needle in needles:
            for i, c in enumerate(folded):
                if needle in c:
                    return i
        return None

    period = first("periode", "period", "maaned", "tid")
    area = first("omraade", "kommune", "jobcenter", "area")
    offer = first("tilbud", "indsats", "ydelse")
    measures = {m: folded.index(_fold(m)) for m in MEASURES if _fold(m) in folded}
    missing = []
    if period is None:
        missing.append("Periode")
    if area is None:
        missing.append("Område")
    if not measures:
        missing.append(" eller ".join(f"'{m}'" for m in MEASURES))
    if missing:
        raise JobindsatsLayoutError(
            f"{where}: tabellens opbygning er ændret; kolonnen {', '.join(missing)} mangler "
            f"(fundet: {', '.join(str(c) for c in columns)}). Ingen tal er ændret."
        )
    assert period is not None and area is not None
    return _Layout(area=area, period=period, offer=offer, measures=measures)


def observations_from_api(
    payload: Mapping[str, object], resolver: AreaResolver, *, table: str,
    required: Sequence[str] = (),
) -> tuple[list[Observation], list[str]]:
    """Parse a ``data/{id}`` answer. Returns the observations and warnings (unknown areas).

    ``required`` names columns the query asked for (one per named hierarchy): a
    missing one means the answer is not what we asked, and nothing is stored. Any
    value we cannot read raises JobindsatsLayoutError: a figure silently dropped
    would be worse than keeping yesterday's data. With ``*`` the API can repeat a
    row: identical repeats are dropped, rows that disagree are refused.
    """
    columns = payload.get("columns")
    rows = payload.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise JobindsatsLayoutError(f"Svaret for {table} mangler 'columns' eller 'rows'.")
    where = f"Jobindsats-tabellen {table}"
    names = [str(c) for c in columns]
    absent = [c for c in ("Periode", "Område", *required)
              if _fold(c) not in {_fold(n) for n in names}]
    if absent:
        raise JobindsatsLayoutError(
            f"{where}: tabellens opbygning er ændret; kolonnen {', '.join(absent)} mangler "
            f"(fundet: {', '.join(names)}). Ingen tal er ændret.")
    layout = _find_layout(names, where=where)
    if required:  # the named columns, exactly (not a look-alike found by a substring)
        folded = [_fold(n) for n in names]
        layout = _Layout(area=folded.index(_fold("Område")),
                         period=folded.index(_fold("Periode")),
                         offer=next((folded.index(_fold(c)) for c in required
                                     if _fold(c) != _fold("Område")), layout.offer),
                         measures=layout.measures)
    out: list[Observation] = []
    warnings: list[str] = []
    seen: dict[tuple[object, ...], tuple[object, ...]] = {}
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise JobindsatsLayoutError(f"{where}, række {n}: har ikke {len(columns)} felter.")
        key = tuple(row[i] for i in (layout.area, layout.period,
                                     *(() if layout.offer is None else (layout.offer,))))
        if key in seen:
            if seen[key] != tuple(row):
                raise JobindsatsLayoutError(
                    f"{where}, række {n}: {', '.join(str(k) for k in key)} står to gange "
                    "med forskellige tal. Ingen tal er ændret.")
            continue  # an identical repeat
        seen[key] = tuple(row)
        out.extend(_row_observations(row, n, layout, resolver, where, warnings,
                                     error=JobindsatsLayoutError))
    if not out:
        raise JobindsatsLayoutError(f"{where}: svaret indeholder ingen nytteindsats-tal.")
    return out, warnings


def _row_observations(
    row: Sequence[object],
    n: int,
    layout: _Layout,
    resolver: AreaResolver,
    where: str,
    warnings: list[str],
    *,
    error: type[Exception],
) -> Iterable[Observation]:
    area = str(row[layout.area]).strip()
    offer = str(row[layout.offer]).strip() if layout.offer is not None else OFFERS[0]
    if _fold(offer) not in {_fold(o) for o in OFFERS}:
        return []  # other offers (virksomhedspraktik, ...) in the same table
    offer = next(o for o in OFFERS if _fold(o) == _fold(offer))
    if resolver.ignored(area):
        return []
    code, known = resolver.resolve(area)
    if not known:
        warnings.append(f"{where}, række {n}: ukendt område '{area}' er sprunget over.")
        return []
    try:
        month = parse_period(str(row[layout.period]))
    except ValueError as exc:
        raise error(f"{where}, række {n}, feltet Periode: {exc}.") from exc
    obs = []
    for measure, idx in layout.measures.items():
        try:
            value = parse_danish_count(row[idx])
        except ValueError as exc:
            raise error(f"{where}, række {n}, feltet '{measure}': {exc}.") from exc
        obs.append(Observation(area, code, month, offer, measure, value))
    return obs


# An export of a few years for all municipalities stays far below this.
JOBINDSATS_LIMITS = Limits(max_bytes=20 * MB, max_rows=200_000, max_columns=60,
                           max_cell_chars=500)


def observations_from_csv(
    content: bytes, resolver: AreaResolver, *, filename: str = "CSV-filen"
) -> list[Observation]:
    """Read a CSV exported from jobindsats.dk: semicolons, UTF-8 with BOM, '1.234', '..'.

    Title lines above the header are skipped. All or nothing: the first bad row
    raises JobindsatsImportError naming the row (as numbered in the file) and field.
    """
    # The one hardened reader: size limit, encoding, strict quoting, control characters.
    try:
        records, _, _ = csv_records(content, JOBINDSATS_LIMITS, ";")
    except ImportRejected as exc:
        raise JobindsatsImportError(f"{filename}: {exc.problems[0].text}") from exc
    lines = [cells for _, cells in records]
    header_at = None
    for i, cells in enumerate(lines[:30]):
        folded = [_fold(c) for c in cells]
        if any("periode" in c for c in folded) and any(_fold(m) in folded for m in MEASURES):
            header_at = i
            break
    if header_at is None:
        raise JobindsatsImportError(
            f"{filename}: der er ingen overskriftsrække med 'Periode' og "
            f"'{MEASURES[0]}' eller '{MEASURES[1]}'. Er filen eksporteret som CSV fra "
            "jobindsats.dk med semikolon?"
        )
    header = lines[header_at]
    try:
        layout = _find_layout(header, where=filename)
    except JobindsatsLayoutError as exc:
        raise JobindsatsImportError(str(exc)) from exc
    out: list[Observation] = []
    warnings: list[str] = []
    for i in range(header_at + 1, len(lines)):
        cells = lines[i]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) == 1 and not re.search(r"\d{4}", cells[0]):
            continue  # a footnote line ("Kilde: ...")
        n = records[i][0]  # the row as numbered in the file
        if len(cells) < len(header):
            raise JobindsatsImportError(
                f"{filename}, række {n}: har {len(cells)} felter, overskriften har {len(header)}."
            )
        found = _row_observations(cells, n, layout, resolver, filename, warnings,
                                  error=JobindsatsImportError)
        out.extend(found)
    if warnings:
        raise JobindsatsImportError(warnings[0].replace("er sprunget over", "kendes ikke"))
    if not out:
        raise JobindsatsImportError(f"{filename} indeholder ingen nytteindsats-tal.")
    return out

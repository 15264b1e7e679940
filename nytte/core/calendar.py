"""Working days of a unit: weekdays that are not Danish public holidays, not
Covid-19 suspension days, and not the unit's own closing days.

Public holidays come from the `holidays` package (Denmark), never a hand list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    import numpy as np

# Nytteindsats was suspended nationally during Covid-19 (source: the Ankestyrelsen
# report, ch. 2, via data/reference/README.md). Nobody is expected on these days.
COVID_SUSPENSIONS: tuple[tuple[date, date], ...] = (
    (date(2020, 3, 12), date(2020, 5, 27)),
    (date(2020, 12, 20), date(2021, 4, 15)),
)


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da"))


def holiday_name(day: date) -> str | None:
    """The Danish name of a public holiday on ``day``, or None."""
    return _holidays_for_year(day.year).get(day)


def suspension_on(day: date) -> bool:
    return any(start <= day <= end for start, end in COVID_SUSPENSIONS)


def closed_reason(day: date, closing_days: dict[date, str] | None = None) -> str | None:
    """Why nobody is expected on ``day`` (Danish), or None when it is a working day."""
    if day.weekday() >= 5:
        return "Weekend"
    name = holiday_name(day)
    if name:
        return f"Helligdag: {name}"
    if suspension_on(day):
        return "Nytteindsats suspenderet (covid-19)"
    if closing_days and day in closing_days:
        return f"Lukkedag: {closing_days[day] or 'enheden er lukket'}"
    return None


def is_working_day(day: date, closing_days: Iterable[date] = ()) -> bool:
    return closed_reason(day, {d: "" for d in closing_days}) is None


def working_days(start: date, end: date, closing_days: Iterable[date] = ()) -> np.ndarray:
    """All working days in [start, end] as a numpy datetime64[D] array."""
    import numpy as np  # here: the screening command needs this module, not numpy

    if end < start:
        return np.array([], dtype="datetime64[D]")
    closed = set(closing_days)
    for year in range(start.year, end.year + 1):
        closed.update(_holidays_for_year(year))
    span = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    # numpy's weekday: 1970-01-01 was a Thursday (3).
    weekday = (span.astype("int64") + 3) % 7
    mask = weekday < 5
    if closed:
        mask &= ~np.isin(span, np.array(sorted(closed), dtype="datetime64[D]"))
    for s, e in COVID_SUSPENSIONS:
        mask &= ~((span >= np.datetime64(s)) & (span <= np.datetime64(e)))
    return span[mask]


def weekday_of(days: np.ndarray) -> np.ndarray:
    import numpy as np

    """Monday = 0 for a datetime64[D] array."""
    return ((days.astype("int64") + 3) % 7).astype(np.int8)


def standard_closing_days(start: date, end: date) -> dict[date, str]:
    """Days units commonly close besides public holidays (24 and 31 December)."""
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for d, why in ((date(year, 12, 24), "Juleaftensdag"), (date(year, 12, 31), "Nytårsaften")):
            if start <= d <= end:
                out[d] = why
    return out


def add_working_days(day: date, n: int, closing_days: Iterable[date] = ()) -> date:
    closed = set(closing_days)
    d = day
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d, closed):
            n -= 1
    return d


def last_working_day(day: date, closing_days: Iterable[date] = ()) -> date:
    """``day`` itself when it is a working day, else the nearest working day before it."""
    closed = set(closing_days)
    d = day
    while not is_working_day(d, closed):
        d -= timedelta(days=1)
    return d


def previous_working_day(day: date, closing_days: Iterable[date] = ()) -> date:
    """The last working day strictly before ``day``."""
    return last_working_day(day - timedelta(days=1), closing_days)

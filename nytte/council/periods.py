"""Reporting periods and the two comparisons every KPI is shown against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nytte.core.formats import fmt_date

_MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
    "september", "oktober", "november", "december",
)


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Periodens slutdato ligger før startdatoen.")

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if s.day == 1 and e == _month_end(s):
            return f"{_MONTHS_DA[s.month - 1]} {s.year}"
        if (s.month, s.day) == (1, 1) and (e.month, e.day) == (12, 31) and s.year == e.year:
            return str(s.year)
        if s.day == 1 and s.month in (1, 4, 7, 10) and e == _month_end(_add_months(s, 2)):
            return f"{(s.month - 1) // 3 + 1}. kvartal {s.year}"
        return f"{fmt_date(s)} – {fmt_date(e)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind right before (a month before a month, ...)."""
        if self.start.day == 1 and self.end == _month_end(self.end):
            months = _months_between(self.start, self.end)
            start = _add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> Period:
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def months(self) -> list[date]:
        out, m = [], self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = _add_months(m, 1)
        return out


def _month_end(d: date) -> date:
    return _add_months(d.replace(day=1), 1) - timedelta(days=1)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def month(year: int, month_no: int) -> Period:
    start = date(year, month_no, 1)
    return Period(start, _month_end(start))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    return Period(start, _month_end(_add_months(start, 2)))


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31))


def month_label(m: date) -> str:
    return f"{_MONTHS_DA[m.month - 1][:3]}. {m.year}"


def choices(kind: str, latest: date, count: int = 12) -> list[Period]:
    """The newest ``count`` periods of a kind ('måned', 'kvartal', 'år') up to ``latest``."""
    out: list[Period] = []
    if kind == "måned":
        m = latest.replace(day=1)
        for _ in range(count):
            out.append(Period(m, _month_end(m)))
            m = _add_months(m, -1)
    elif kind == "kvartal":
        q = (latest.month - 1) // 3 + 1
        y = latest.year
        for _ in range(count):
            out.append(quarter(y, q))
            y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    else:
        out = [year(y) for y in range(latest.year, latest.year - min(count, 5), -1)]
    return out


def parse(text: str) -> Period:
    """'2025' (a year), '2025-Q3' (a quarter) or '2025-09' (a month)."""
    import re

    t = text.strip().upper()
    m = re.fullmatch(r"(\d{4})(?:-(Q[1-4]|\d{2}))?", t)
    if m:
        y = int(m.group(1))
        part = m.group(2)
        if part is None:
            return year(y)
        if part.startswith("Q"):
            return quarter(y, int(part[1]))
        if 1 <= int(part) <= 12:
            return month(y, int(part))
    raise ValueError(f"Perioden '{text}' kendes ikke: skriv et år (2025), et kvartal "
                     "(2025-Q3) eller en måned (2025-09).")

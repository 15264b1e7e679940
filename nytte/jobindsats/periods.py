"""Jobindsats periods: ``2025M03`` is March 2025."""

from __future__ import annotations

import re
from datetime import date

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*M\s*(\d{1,2})\s*$", re.IGNORECASE)
_DA_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DA_MONTH_RE = re.compile(r"^\s*([a-zæøå]+)\s+(\d{4})\s*$", re.IGNORECASE)


def parse_period(text: str) -> date:
    """'2025M03' (API) or 'marts 2025' (some exports) -> date(2025, 3, 1)."""
    m = _MONTH_RE.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    else:
        m2 = _DA_MONTH_RE.match(text)
        if not m2 or m2.group(1).lower() not in _DA_MONTHS:
            raise ValueError(f"'{text}' er ikke en måned som 2025M03")
        year, month = int(m2.group(2)), _DA_MONTHS[m2.group(1).lower()]
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' har en måned uden for 1-12")
    return date(year, month, 1)


def format_period(month: date) -> str:
    """date(2025, 3, 1) -> '2025M03'."""
    return f"{month.year}M{month.month:02d}"

"""Danish number and date formats for the user interface (via babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from nytte.core import clock

LOCALE = "da_DK"


def fmt_int(value: int | float | None) -> str:
    """12345 -> '12.345'; None -> '–'."""
    if value is None:
        return "–"
    return format_decimal(round(value), format="#,##0", locale=LOCALE)


def fmt_decimal(value: float | None, digits: int = 1) -> str:
    """1234.5 -> '1.234,5'."""
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE)


def fmt_pct(share: float | None, digits: int = 0) -> str:
    """0.523 -> '52 %' (a share between 0 and 1)."""
    if share is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\xa0%"
    return format_percent(share, format=pattern, locale=LOCALE)


def fmt_date(value: date | None) -> str:
    """date(2026, 3, 2) -> '02-03-2026' (the form Danish users write)."""
    if value is None:
        return "–"
    return value.strftime("%d-%m-%Y")


def fmt_date_long(value: date) -> str:
    """date(2026, 3, 2) -> '2. marts 2026'."""
    return format_date(value, format="d. MMMM y", locale=LOCALE)


def fmt_datetime(value: datetime | None) -> str:
    """Timestamp as '02-03-2026 08:15', in Danish time (stored timestamps are naive UTC;
    nytte.core.clock.to_danish converts them, and leaves Danish times as they are)."""
    if value is None:
        return "–"
    return format_datetime(clock.to_danish(value), format="dd-MM-y HH:mm", locale=LOCALE)

"""The one clock of the application: "today" and "now" in Danish time.

Every page, service and document asks this module for the date instead of calling
``date.today()``: a test (or a demo) sets the clock, so nothing depends on the day it
runs. ``NYTTE_TODAY=2026-11-23`` fixes the date for a whole server process (the
browser tests start the app that way); ``frozen(day)`` fixes it inside one process.
The time of day keeps running, so audit times still order correctly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
ENV_VAR = "NYTTE_TODAY"

_override: date | None = None


class ClockError(ValueError):
    """NYTTE_TODAY is set but is not a date."""


def _env_today() -> date | None:
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ClockError(f"{ENV_VAR}={raw!r} er ikke en dato på formen ÅÅÅÅ-MM-DD.") from exc


def _wall_clock() -> datetime:
    """The real moment in Danish time; the one place the system clock is read (a test
    replaces it to run at a chosen time of day, e.g. just after midnight)."""
    return datetime.now(DANISH_TIME)


def now() -> datetime:
    """The current moment in Danish time (timezone-aware).

    With the date fixed, the wall-clock time of day is kept on that date."""
    real = _wall_clock()
    fixed = _override or _env_today()
    if fixed is None:
        return real
    return datetime.combine(fixed, real.timetz())


def today() -> date:
    """Today's date in Denmark (not the server's UTC date)."""
    return now().date()


def utcnow_naive() -> datetime:
    """Now as naive UTC, the form timestamps are stored in the database."""
    return now().astimezone(UTC).replace(tzinfo=None)


def to_danish(value: datetime) -> datetime:
    """A stored timestamp (naive UTC, or aware) as Danish time, for display."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(DANISH_TIME)


def start_of_day(day: date) -> datetime:
    """Midnight of a Danish day, timezone-aware."""
    return datetime.combine(day, time(0), tzinfo=DANISH_TIME)


def stored_start_of_day(day: date) -> datetime:
    """Midnight of a Danish day in the stored form (naive UTC), for comparing with
    timestamp columns: a Danish day starts at 22:00 or 23:00 UTC the day before."""
    return start_of_day(day).astimezone(UTC).replace(tzinfo=None)


@contextmanager
def frozen(day: date) -> Iterator[None]:
    """Fix today's date inside this process (tests, what-if commands)."""
    global _override
    previous = _override
    _override = day
    try:
        yield
    finally:
        _override = previous

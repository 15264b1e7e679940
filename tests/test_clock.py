"""The application's one clock: tests set "today"; nothing else reads the system date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from nytte.core import clock

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_DATE = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")


def test_today_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NYTTE_TODAY", "2026-11-29")
    assert clock.today() == date(2026, 11, 29)
    assert clock.now().tzinfo is clock.DANISH_TIME


def test_frozen_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NYTTE_TODAY", "2026-11-29")
    with clock.frozen(date(2025, 6, 30)):
        assert clock.today() == date(2025, 6, 30)
    assert clock.today() == date(2026, 11, 29)


def test_a_malformed_date_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NYTTE_TODAY", "29-11-2026")
    with pytest.raises(clock.ClockError, match="ÅÅÅÅ-MM-DD"):
        clock.today()


def test_danish_time_is_shown_for_stored_utc() -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Denmark.
    shown = clock.to_danish(datetime(2025, 12, 31, 23, 30))
    assert (shown.date(), shown.hour) == (date(2026, 1, 1), 0)
    summer = clock.to_danish(datetime(2025, 7, 1, 10, 0, tzinfo=UTC))
    assert summer.hour == 12


def test_no_module_reads_the_system_date_itself() -> None:
    offenders = []
    for folder in ("nytte", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "nytte" / "core" / "clock.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SYSTEM_DATE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    offenders += [f"app.py: {ln}" for ln in (ROOT / "app.py").read_text().splitlines()
                  if SYSTEM_DATE.search(ln)]
    assert offenders == []


def test_a_danish_day_starts_before_midnight_utc() -> None:
    # Stored timestamps are naive UTC: the Danish day begins an hour (winter) or two
    # (summer) before UTC midnight, and day filters must compare with that moment.
    assert clock.stored_start_of_day(date(2026, 1, 1)) == datetime(2025, 12, 31, 23, 0)
    assert clock.stored_start_of_day(date(2026, 7, 1)) == datetime(2026, 6, 30, 22, 0)


@pytest.mark.parametrize("hour", [0, 12, 23])
def test_the_fixed_date_holds_at_any_hour(monkeypatch: pytest.MonkeyPatch, hour: int) -> None:
    monkeypatch.setenv("NYTTE_TODAY", "2026-11-23")
    monkeypatch.setattr(clock, "_wall_clock",
                        lambda: datetime(2026, 11, 29, hour, 30, tzinfo=clock.DANISH_TIME))
    assert clock.today() == date(2026, 11, 23)
    stored = clock.utcnow_naive()
    assert clock.stored_start_of_day(date(2026, 11, 23)) <= stored
    assert stored < clock.stored_start_of_day(date(2026, 11, 24))

"""The roll opens on the last working day when today is not one, and says so; a
status chosen in the grid brings its hours; the demo runs up to a chosen day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from nytte.attendance.roll import opening_day
from nytte.cli import main
from nytte.core import clock
from nytte.core.auth import Role, demo_principal
from nytte.core.calendar import last_working_day, previous_working_day
from nytte.core.db import make_engine, session_scope
from nytte.core.migrate import upgrade
from nytte.demo import params as P
from nytte.demo.generate import generate
from nytte.demo.service import default_until
from nytte.models import Attendance
from pages.roll import fold_edits, follow_status

COORD = demo_principal(Role.KOORDINATOR, "0253", [1, 2], "1085")


@pytest.mark.parametrize(
    ("today", "opens", "says"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), None),  # a Monday: today
        (date(2026, 11, 29), date(2026, 11, 27), "weekend"),  # Sunday: Friday
        (date(2026, 12, 25), date(2026, 12, 23), "juledag"),  # 24th is a closing day
        (date(2027, 3, 29), date(2027, 3, 24), "påskedag"),  # Easter: Wed before
    ],
)
def test_the_roll_opens_on_the_last_working_day(
    demo_sqlite: Engine, today: date, opens: date, says: str | None
) -> None:
    with session_scope(demo_sqlite) as s:
        got = opening_day(s, COORD, 2, today)
    assert got.day == opens
    note = got.note(today)
    if says is None:
        assert note is None
    else:
        assert note is not None and says in note.lower()
        assert opens.strftime("%d-%m-%Y") in note and today.strftime("%d-%m-%Y") in note


def test_calendar_last_working_day() -> None:
    assert last_working_day(date(2026, 11, 27)) == date(2026, 11, 27)
    assert previous_working_day(date(2026, 11, 30)) == date(2026, 11, 27)
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 20)


def test_status_drives_the_hours_which_stay_editable() -> None:
    assert follow_status({"Status": "Mødt"}, 6.25) == {
        "Status": "Mødt",
        "Timer": 6.25,
        "Fraværsårsag": None,
    }
    assert follow_status({"Status": "Fravær"}, 6.25) == {"Status": "Fravær", "Timer": 0.0}
    # Hours typed in the same edit win; an hours-only edit changes nothing else.
    assert follow_status({"Status": "Mødt", "Timer": 3.0}, 6.25)["Timer"] == 3.0
    assert follow_status({"Timer": 2.5}, 6.25) == {"Timer": 2.5}
    # Fravær -> Mødt on a row set absent before: hours back, reason gone; then 4 hours.
    before = {0: {"Status": "Fravær", "Timer": 0.0, "Fraværsårsag": "Udeblevet"}}
    after = fold_edits(before, {"0": {"Status": "Mødt"}}, [6.25])
    assert after[0] == {"Status": "Mødt", "Timer": 6.25, "Fraværsårsag": None}
    after = fold_edits(after, {0: {"Timer": 4.0}}, [6.25])
    assert after[0]["Timer"] == 4.0 and after[0]["Status"] == "Mødt"


def test_demo_until_is_deterministic_and_stops_on_the_day() -> None:
    until = date(2026, 11, 27)
    a = generate("demo", 1, [P.DEMO_MUNICIPALITY], until=until)
    b = generate("demo", 1, [P.DEMO_MUNICIPALITY], until=until)
    for part in ("participants", "referrals", "attendance"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.keys() == y.keys()
        for k in x:
            assert np.array_equal(x[k].astype(str), y[k].astype(str)), (part, k)
    days = a.attendance["day"]
    assert days.max() == np.datetime64(until)
    assert days.min() >= np.datetime64(P.demo_start(until)) - np.timedelta64(200, "D")
    default = generate("demo", 1, [P.DEMO_MUNICIPALITY])
    assert default.attendance["day"].max() == np.datetime64(P.DEMO_END)


def test_default_until_is_the_last_working_day_before_today() -> None:
    with clock.frozen(date(2026, 11, 23)):
        assert default_until() == date(2026, 11, 20)
    with clock.frozen(date(2026, 11, 29)):
        assert default_until() == date(2026, 11, 27)
    with clock.frozen(date(2026, 11, 27)):
        assert default_until() == date(2026, 11, 26)


def test_demo_command_takes_until(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'until.db'}"
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    assert main(["demo", "--until", "18-11-2026"]) == 0
    assert "til og med 18-11-2026" in capsys.readouterr().out
    with engine.connect() as conn:
        last = conn.execute(select(func.max(Attendance.day))).scalar_one()
    engine.dispose()
    assert str(last) == "2026-11-18"
    # A day after today (NYTTE_TODAY=2026-11-23) is refused with a Danish message.
    url2 = f"sqlite:///{tmp_path / 'future.db'}"
    monkeypatch.setenv("NYTTE_DATABASE_URL", url2)
    upgrade(make_engine(url2))
    assert main(["demo", "--until", "2026-12-01"]) != 0
    with pytest.raises(SystemExit):  # argparse: "'31-02-2026' er ikke en dato"
        main(["demo", "--until", "31-02-2026"])
    assert "er ikke en dato" in capsys.readouterr().err

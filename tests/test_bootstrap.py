"""Explicit wiring: importing the models installs nothing; the council's read
services write nothing; the summary step comes with every engine nytte makes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from nytte.core.auth import Role, demo_principal
from nytte.council.council_page import council_page
from nytte.council.overview import manager_overview
from nytte.council.periods import Period
from tests.trust_helpers import writable_copy

ROOT = Path(__file__).resolve().parent.parent
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def test_importing_the_models_installs_no_session_hooks() -> None:
    code = (
        "import sys\n"
        "import nytte.models\n"
        "from sqlalchemy import event\n"
        "from sqlalchemy.orm import Session\n"
        "hooked = any(event.contains(Session, name, fn)\n"
        "             for name in ('before_flush', 'after_flush', 'before_commit')\n"
        "             for fn in getattr(sys.modules.get('nytte.council.hooks'), '__dict__', {})\n"
        "             .values() if callable(fn))\n"
        "print(hooked, 'nytte.council.summary' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_an_engine_made_by_nytte_carries_the_summary_step(demo_sqlite: Engine) -> None:
    from nytte.council.hooks import _apply

    assert event.contains(Session, "before_commit", _apply)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", log)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", log)


def test_the_council_and_manager_reads_write_nothing(demo_sqlite: Engine, tmp_path: Path) -> None:
    reviewer = demo_principal(Role.RAAD, "0253", (), "1085")
    manager = demo_principal(Role.LEDER, "0253", (), "1085")
    with writable_copy(demo_sqlite, tmp_path) as engine:
        # Summaries that look behind the rows: a read that "catches up" would write now.
        with engine.begin() as conn:
            conn.execute(text("UPDATE council_summary_state SET attendance_max_id = "
                              "attendance_max_id - 10"))
        with _statements(engine) as seen, Session(engine) as s:
            council_page(s, reviewer, YEAR)
            manager_overview(s, manager, YEAR)
            s.commit()
    assert seen and not {"INSERT", "UPDATE", "DELETE"} & set(seen), sorted(set(seen))

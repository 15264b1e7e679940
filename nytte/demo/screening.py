"""Screen the demo tasks (nytte.demo.tasks) so the demo has decisions to show.

Called after the demo data is loaded. Every date is taken from the demo's own
data: each task is screened two weeks before its start (its TR heard a week
earlier), and a task that stays approved is reviewed once a year on that
anniversary, as the council recommends, up to the last day of the demo's data.
A task that starts after that day is left unscreened. One approved task is
left without its latest review, so the catalogue's re-screening flag has
something to show.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select

from nytte.core import clock
from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.demo.tasks import DEMO_TASKS
from nytte.models import Attendance, Task
from nytte.screening.proposal import ProposalError
from nytte.screening.service import screen_and_save

DECIDED_BEFORE_START = timedelta(days=14)
# The task left overdue for its yearly review (shows the catalogue's flag).
OVERDUE_TITLE = "Paller skilles ad til genbrug"


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _demo_end(engine: Engine) -> date:
    """The last day of the demo's data (its last attendance day), never after today."""
    with engine.connect() as conn:
        last = conn.execute(select(func.max(Attendance.day))).scalar_one_or_none()
    today = clock.today()
    if isinstance(last, datetime):
        last = last.date()
    return min(last, today) if isinstance(last, date) else today


def screen_demo_tasks(engine: Engine, municipality_code: str) -> int:
    """Screen every unscreened demo task of the municipality and review the approved
    ones yearly; return how many decisions were made."""
    principal = Principal("demo-screening", "Demo koordinator", Role.LEDER, municipality_code)
    by_title = {t["title"]: t for t in DEMO_TASKS}
    end = _demo_end(engine)
    done = 0
    with session_scope(engine) as session:
        tasks = session.scalars(
            select(Task).where(Task.municipality_code == municipality_code,
                               ~Task.screenings.any()).order_by(Task.id)
        ).all()
        for task in tasks:
            raw = by_title.get(task.title)
            if raw is None:
                continue
            first = raw["start_date"] - DECIDED_BEFORE_START
            if first > end:
                continue  # the task lies beyond the demo's data
            try:
                saved = screen_and_save(session, principal, raw, task_id=task.id,
                                        decided_at=datetime.combine(first, time(9, 0)),
                                        today=first)
            except ProposalError:
                continue  # a demo row the rules refuse stays unscreened
            done += 1
            years = 1
            while saved.result.verdict == "approve":
                review = _anniversary(first, years)
                last_review = _anniversary(first, years + 1) > end
                if review > end or (task.title == OVERDUE_TITLE and last_review):
                    break
                saved = screen_and_save(session, principal, raw, task_id=task.id,
                                        decided_at=datetime.combine(review, time(10, 0)),
                                        today=review)
                done += 1
                years += 1
    return done

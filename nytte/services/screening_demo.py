"""Screen the demo tasks (nytte.demo.tasks) so the demo has decisions to show.

Called after the demo data is loaded; each task without a screening is screened
under the current policy by a demo leder, dated two weeks before its start so the
portfolio's yearly re-screening flag has something to show.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Engine, select

from nytte.auth import Principal, Role
from nytte.db import session_scope
from nytte.demo.tasks import DEMO_TASKS
from nytte.models import Task
from nytte.screening.proposal import ProposalError
from nytte.services.screening import screen_and_save


def screen_demo_tasks(engine: Engine, municipality_code: str) -> int:
    """Screen every unscreened demo task of the municipality; return how many."""
    principal = Principal("demo-screening", "Demo koordinator", Role.LEDER, municipality_code)
    by_title = {t["title"]: t for t in DEMO_TASKS}
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
            decided = datetime.combine(raw["start_date"] - timedelta(days=14), time(9, 0))
            try:
                screen_and_save(session, principal, raw, task_id=task.id, decided_at=decided)
            except ProposalError:
                continue  # a demo row the rules refuse stays unscreened
            done += 1
    return done

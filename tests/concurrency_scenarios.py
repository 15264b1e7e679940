"""Two coordinators saving the same row: shared by the concurrency tests and by the
check that runs them with the version column switched off (in a fresh interpreter)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nytte.core.concurrency import ConcurrentEditError, apply_versioned
from nytte.models import Attendance, Task


def two_editors(engine: Engine, model: Any, row_id: int, field: str,
                first: object, second: object) -> str:
    """Both load the row; the first saves; then the second saves from what they loaded.

    Returns "refused" when the second is told (ConcurrentEditError), or "lost_update"
    when the second silently overwrote the first."""
    a, b = Session(engine), Session(engine)
    try:
        row_a, row_b = a.get(model, row_id), b.get(model, row_id)
        assert row_a is not None and row_b is not None
        seen_by_b = row_b.version
        apply_versioned(a, row_a, row_a.version, {field: first}, "Rækken")
        a.commit()
        try:
            apply_versioned(b, row_b, seen_by_b, {field: second}, "Rækken")
            b.commit()
        except ConcurrentEditError:
            b.rollback()
            return "refused"
        return "lost_update"
    finally:
        a.close()
        b.close()


def first_ids(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        task = s.scalar(select(Task.id).order_by(Task.id).limit(1))
        att = s.scalar(select(Attendance.id).order_by(Attendance.id).limit(1))
    assert task is not None and att is not None
    return task, att


if __name__ == "__main__":  # python -m tests.concurrency_scenarios <url>: versioning off
    import sys

    from nytte.core.db import make_engine

    for mapped in (Task, Attendance):
        mapped.__mapper__.version_id_col = None
    eng = make_engine(sys.argv[1])
    task_id, att_id = first_ids(eng)
    print(two_editors(eng, Task, task_id, "title", "A", "B"),
          two_editors(eng, Attendance, att_id, "hours", 1.0, 2.0))

"""A per-process cache of each municipality's fitted precedent index.

Loading and fitting TF-IDF over 10,000 decisions takes most of a second; a query
takes a few milliseconds. The cache keeps the fitted index and checks, with one query of two
primary-key maxima per use, whether the database has moved on: new screenings are
added to the index without a refit (superseded versions are switched off), and
new imports for the municipality, or a database that went backwards, rebuild it.
The database stays the only truth, so several server processes each keep a
correct cache.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.models import PrecedentImport, Screening, Task
from nytte.screening.precedent import PrecedentDecision, PrecedentIndex, Similar

# Criteria statuses whose reasons explain a decision to a later reader.
_DECIDING = ("fail", "unknown")


def screening_ref(municipality_code: str, task_id: int, version: int) -> str:
    return f"{municipality_code}-T{task_id}-v{version}"


_REF = re.compile(r"(\d{4})-T(\d+)-v(\d+)")


def deciding_reasons(criteria: list[dict[str, Any]]) -> list[str]:
    """The reasons that made the verdict: failures, else open points."""
    fails = [str(c.get("reason", "")) for c in criteria if c.get("status") == "fail"]
    if fails:
        return fails
    return [str(c.get("reason", "")) for c in criteria
            if c.get("status") in _DECIDING or c.get("needs_clarification")]


def decision_from_row(municipality_code: str, s: Screening) -> PrecedentDecision:
    answers = s.answers or {}
    return PrecedentDecision(
        ref=screening_ref(municipality_code, s.task_id, s.version),
        municipality_code=municipality_code,
        title=str(answers.get("title", "")),
        description=str(answers.get("description", "")),
        verdict=s.verdict,
        reasons=deciding_reasons(s.criteria or []),
        ruleset_id=s.ruleset_id,
        decided_at=clock.to_danish(s.decided_at).date().isoformat(),
        criteria=list(s.criteria or []),
    )


def decision_from_import(row: PrecedentImport) -> PrecedentDecision:
    return PrecedentDecision(
        ref=f"import:{row.source_ref}", municipality_code=row.source_municipality,
        title=row.title, description=row.description, verdict=row.verdict,
        reasons=list(row.reasons or []), ruleset_id=row.ruleset_id, decided_at=row.decided_at,
        criteria=list(row.criteria or []),
    )


@dataclass
class _Entry:
    index: PrecedentIndex
    seen_screening_id: int  # the highest screening id in the whole database when last checked
    seen_import_id: int
    ref_by_id: dict[int, str]


_LOOK_BEHIND = 100
_cache: dict[tuple[str, str], _Entry] = {}
_lock = threading.Lock()


def _high_water(session: Session) -> tuple[int, int]:
    """The highest screening and import ids in the database: two primary-key lookups.

    Decisions are never updated or deleted, so a municipality's decisions can only
    have changed when one of these has moved."""
    screening_id, import_id = session.execute(
        select(select(func.coalesce(func.max(Screening.id), 0)).scalar_subquery(),
               select(func.coalesce(func.max(PrecedentImport.id), 0)).scalar_subquery())
    ).one()
    return int(screening_id), int(import_id)


@dataclass(frozen=True)
class _Light:
    id: int
    task_id: int
    version: int
    supersedes_id: int | None


def _light(session: Session, muni: str, ids: list[int] | None = None
           ) -> tuple[list[_Light], list[PrecedentDecision]]:
    """Decisions for the index without their JSON (four times faster to load).

    The text is the task's current title and description: for the newest version
    that is its own text, and older versions are switched off anyway. The reasons
    are looked up for the few decisions a query returns (``with_reasons``)."""
    stmt = (select(Screening.id, Screening.task_id, Screening.version, Screening.supersedes_id,
                   Screening.verdict, Screening.ruleset_id, Screening.decided_at, Task.title,
                   Task.description)
            .join(Task, Task.id == Screening.task_id)
            .where(Task.municipality_code == muni).order_by(Screening.id))
    if ids is not None:
        stmt = stmt.where(Screening.id.in_(ids))
    rows = session.execute(stmt).all()
    light = [_Light(r.id, r.task_id, r.version, r.supersedes_id) for r in rows]
    decisions = [
        PrecedentDecision(ref=screening_ref(muni, r.task_id, r.version), municipality_code=muni,
                          title=r.title, description=r.description, verdict=r.verdict,
                          ruleset_id=r.ruleset_id,
                          decided_at=clock.to_danish(r.decided_at).date().isoformat())
        for r in rows
    ]
    return light, decisions


def with_reasons(session: Session, hits: list[list[Similar]]) -> list[list[Similar]]:
    """Fill in the deciding reasons of the decisions a query returned (one query)."""
    wanted: set[tuple[int, int]] = set()
    for row in hits:
        for h in row:
            m = _REF.fullmatch(h.ref)
            if m and not h.reasons:
                wanted.add((int(m.group(2)), int(m.group(3))))
    if not wanted:
        return hits
    found = session.execute(
        select(Screening.task_id, Screening.version, Screening.criteria)
        .where(Screening.task_id.in_({t for t, _ in wanted}))
    ).all()
    reasons = {(t, v): deciding_reasons(c or []) for t, v, c in found if (t, v) in wanted}
    out = []
    for row in hits:
        filled = []
        for h in row:
            m = _REF.fullmatch(h.ref)
            key = (int(m.group(2)), int(m.group(3))) if m else None
            filled.append(replace(h, reasons=reasons[key]) if key in reasons else h)
        out.append(filled)
    return out


def _build(session: Session, muni: str, high: tuple[int, int]) -> _Entry:
    rows, decisions = _light(session, muni)
    imports = session.scalars(
        select(PrecedentImport).where(PrecedentImport.municipality_code == muni)
        .order_by(PrecedentImport.id)
    )
    decisions += [decision_from_import(r) for r in imports]
    index = PrecedentIndex(decisions)
    ref_by_id = {s.id: screening_ref(muni, s.task_id, s.version) for s in rows}
    index.deactivate({ref_by_id[s.supersedes_id] for s in rows
                      if s.supersedes_id in ref_by_id})
    return _Entry(index, high[0], high[1], ref_by_id)


def precedent_index(session: Session, municipality_code: str) -> PrecedentIndex:
    """The municipality's precedent index, current with the database."""
    key = (str(session.get_bind().engine.url), municipality_code)
    muni = municipality_code
    with _lock:
        high = _high_water(session)
        entry = _cache.get(key)
        if entry is not None and high[0] >= entry.seen_screening_id \
                and high[1] >= entry.seen_import_id:
            if high[1] > entry.seen_import_id and session.scalar(
                    select(func.count(PrecedentImport.id))
                    .where(PrecedentImport.municipality_code == muni,
                           PrecedentImport.id > entry.seen_import_id)):
                entry = None  # new imports for us: refit with them
            elif high[0] > entry.seen_screening_id:
                # Look a little behind the last id seen: on PostgreSQL a transaction
                # holding a lower id can commit after one holding a higher id.
                ids = session.scalars(
                    select(Screening.id).join(Task, Task.id == Screening.task_id)
                    .where(Task.municipality_code == muni,
                           Screening.id > entry.seen_screening_id - _LOOK_BEHIND))
                unknown = [i for i in ids if i not in entry.ref_by_id]
                new, new_decisions = _light(session, muni, unknown) if unknown else ([], [])
                if new:  # appended decisions: no refit needed
                    entry.index.add(new_decisions)
                    for s in new:
                        entry.ref_by_id[s.id] = screening_ref(muni, s.task_id, s.version)
                    entry.index.deactivate({entry.ref_by_id[s.supersedes_id] for s in new
                                            if s.supersedes_id in entry.ref_by_id})
            if entry is not None:
                entry.seen_screening_id, entry.seen_import_id = high
                return entry.index
        entry = _build(session, muni, high)
        _cache[key] = entry
        return entry.index


def clear() -> None:
    with _lock:
        _cache.clear()

"""A per-process cache of each municipality's fitted precedent index.

Fitting TF-IDF over 10,000 decisions takes about half a second; a query takes a
few milliseconds. The cache keeps the fitted index and checks, with one cheap
aggregate query per use, whether the database has moved on: new screenings are
added to the index without a refit (superseded versions are switched off), and
anything else (an import, a smaller count) rebuilds it. The database stays the
only truth, so several server processes each keep a correct cache.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nytte.models import PrecedentImport, Screening, Task
from nytte.screening.precedent import PrecedentDecision, PrecedentIndex

# Criteria statuses whose reasons explain a decision to a later reader.
_DECIDING = ("fail", "unknown")


def screening_ref(municipality_code: str, task_id: int, version: int) -> str:
    return f"{municipality_code}-T{task_id}-v{version}"


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
        decided_at=s.decided_at.date().isoformat(),
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
    max_screening_id: int
    screening_count: int
    import_signature: tuple[int, int]
    ref_by_id: dict[int, str]


_cache: dict[tuple[str, str], _Entry] = {}
_lock = threading.Lock()


def _signature(session: Session, muni: str) -> tuple[int, int, tuple[int, int]]:
    max_id, count = session.execute(
        select(func.coalesce(func.max(Screening.id), 0), func.count(Screening.id))
        .join(Task, Task.id == Screening.task_id)
        .where(Task.municipality_code == muni)
    ).one()
    imp_max, imp_count = session.execute(
        select(func.coalesce(func.max(PrecedentImport.id), 0), func.count(PrecedentImport.id))
        .where(PrecedentImport.municipality_code == muni)
    ).one()
    return int(max_id), int(count), (int(imp_max), int(imp_count))


def _screenings(session: Session, muni: str, after_id: int = 0) -> list[Screening]:
    return list(session.scalars(
        select(Screening).join(Task, Task.id == Screening.task_id)
        .where(Task.municipality_code == muni, Screening.id > after_id)
        .order_by(Screening.id)
    ))


def _build(session: Session, muni: str) -> _Entry:
    max_id, count, imp = _signature(session, muni)
    rows = _screenings(session, muni)
    decisions = [decision_from_row(muni, s) for s in rows]
    imports = session.scalars(
        select(PrecedentImport).where(PrecedentImport.municipality_code == muni)
        .order_by(PrecedentImport.id)
    )
    decisions += [decision_from_import(r) for r in imports]
    index = PrecedentIndex(decisions)
    ref_by_id = {s.id: screening_ref(muni, s.task_id, s.version) for s in rows}
    index.deactivate({ref_by_id[s.supersedes_id] for s in rows
                      if s.supersedes_id in ref_by_id})
    return _Entry(index, max_id, count, imp, ref_by_id)


def precedent_index(session: Session, municipality_code: str) -> PrecedentIndex:
    """The municipality's precedent index, current with the database."""
    key = (str(session.get_bind().engine.url), municipality_code)
    with _lock:
        entry = _cache.get(key)
        max_id, count, imp = _signature(session, municipality_code)
        if entry is not None and imp == entry.import_signature \
                and max_id >= entry.max_screening_id:
            if max_id == entry.max_screening_id and count == entry.screening_count:
                return entry.index
            new = _screenings(session, municipality_code, entry.max_screening_id)
            if count - entry.screening_count == len(new):  # only appended: no refit
                entry.index.add([decision_from_row(municipality_code, s) for s in new])
                for s in new:
                    entry.ref_by_id[s.id] = screening_ref(municipality_code, s.task_id, s.version)
                entry.index.deactivate({entry.ref_by_id[s.supersedes_id] for s in new
                                        if s.supersedes_id in entry.ref_by_id})
                entry.max_screening_id, entry.screening_count = max_id, count
                return entry.index
        entry = _build(session, municipality_code)
        _cache[key] = entry
        return entry.index


def clear() -> None:
    with _lock:
        _cache.clear()

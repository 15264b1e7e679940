"""Keeping Jobindsats figures in the database, and reading them for the council.

A fetch or import writes all its figures in one transaction, or none: a failed
fetch leaves the last good figures untouched and records what went wrong, so the
council's page can show the error beside the data it still has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from nytte.core.access import requires
from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.data_version import Area, changed
from nytte.core.db import session_scope
from nytte.core.reference_figures import municipality_names
from nytte.jobindsats.client import (
    NYTTE_TABLE,
    JobindsatsClient,
    TableInfo,
    choose_table,
    plan_query,
)
from nytte.jobindsats.errors import JobindsatsError
from nytte.jobindsats.parse import (
    MEASURES,
    NATIONAL,
    OFFERS,
    AreaResolver,
    Observation,
    observations_from_api,
    observations_from_csv,
)
from nytte.models.base import utcnow
from nytte.models.council import JobindsatsFetch, JobindsatsObservation


@dataclass(frozen=True)
class FetchResult:
    ok: bool
    message: str  # Danish, for the user
    rows: int
    latest_month: date | None


def _save(session: Session, obs: Sequence[Observation], *, table: str, source: str) -> int:
    """Replace the stored figures for the (area, month, offer, measure) keys received."""
    now = utcnow()
    months = sorted({o.month for o in obs})
    # Late registrations revise recent months: the received months replace what we had.
    session.execute(
        delete(JobindsatsObservation).where(
            JobindsatsObservation.table_id == table,
            JobindsatsObservation.month.in_(months),
            JobindsatsObservation.area.in_(sorted({o.area for o in obs})),
        )
    )
    session.add_all(
        JobindsatsObservation(
            table_id=table, area=o.area, municipality_code=o.municipality_code,
            month=o.month, offer=o.offer, measure=o.measure, value=o.value,
            fetched_at=now, source=source,
        )
        for o in obs
    )
    changed(session, Area.JOBINDSATS)
    return len(obs)


def _log(engine: Engine, principal: Principal, action: str, source: str,
         result: FetchResult) -> None:
    """Record the attempt, and who made it, whether it succeeded or not."""
    with session_scope(engine) as session:
        session.add(JobindsatsFetch(source=source, ok=result.ok, rows=result.rows,
                                    latest_month=result.latest_month, message=result.message))
        record(session, principal, action, "jobindsats", source[:60],
               new={"source": source, "ok": result.ok, "rows": result.rows,
                    "message": result.message[:500],
                    "latest_month": (result.latest_month.isoformat()
                                     if result.latest_month else None)})


def source_text(table: TableInfo) -> str:
    """How a figure's source is shown, as jobindsats.dk shows it (fits 200 characters)."""
    return (f"Jobindsats {table.table_id} ({table.table_name[:60]}); senest opdateret "
            f"{table.update_latest or 'ukendt'}; næste opdatering "
            f"{table.update_next or 'ukendt'}")


@requires(Role.ADMIN, writes=True)
def fetch_from_api(engine: Engine, principal: Principal, client: JobindsatsClient,
                   months: int = 25) -> FetchResult:
    """Fetch the nytteindsats figures for every municipality; keep the old figures on
    any error. Administrators only: the figures are shown to every region.

    The table is chosen from the API's own metadata (every benefit group), the query
    names every hierarchy we rely on with value ids from the table's metadata, and an
    answer without the columns we asked for stores nothing."""
    source = "API v3"
    try:
        table, meta = choose_table(client)
        source = source_text(table)
        plan = plan_query(table, meta, months)
        payload = client.data(table.table_id, plan.params)
        obs, warnings = observations_from_api(
            payload, AreaResolver(municipality_names()), table=table.table_id,
            required=[plan.area_column, plan.offer_column],
        )
        with session_scope(engine) as session:
            n = _save(session, obs, table=table.table_id, source=source)
        latest = max(o.month for o in obs)
        note = f" {len(warnings)} ukendte områder sprunget over." if warnings else ""
        result = FetchResult(True, f"Hentet {n} tal fra Jobindsats ({table.table_id}).{note}",
                             n, latest)
    except JobindsatsError as exc:
        result = FetchResult(False, str(exc), 0, None)
    _log(engine, principal, "jobindsats_fetch", source, result)
    return result


@requires(Role.ADMIN, writes=True)
def import_csv(engine: Engine, principal: Principal, content: bytes,
               filename: str) -> FetchResult:
    """Import a jobindsats.dk CSV export, all or nothing (administrators only)."""
    source = f"CSV {filename}"[:200]
    try:
        obs = observations_from_csv(content, AreaResolver(municipality_names()),
                                    filename=filename)
        with session_scope(engine) as session:
            n = _save(session, obs, table=NYTTE_TABLE, source=source)
        result = FetchResult(True, f"Importeret {n} tal fra {filename}.", n,
                             max(o.month for o in obs))
    except JobindsatsError as exc:
        result = FetchResult(False, str(exc), 0, None)
    _log(engine, principal, "jobindsats_import", source, result)
    return result


@dataclass(frozen=True)
class JobindsatsSeries:
    """Figures for the council: areas (rows) by month (columns) for one measure."""

    areas: list[str]
    months: list[date]
    values: dict[tuple[str, date], int | None]  # None: suppressed by Jobindsats
    fetched_at: datetime | None
    last_attempt: JobindsatsFetch | None
    source: str | None = None  # table id, last and next update of the shown figures

    @property
    def provisional_month(self) -> date | None:
        """Jobindsats revises its latest month with late registrations."""
        return self.months[-1] if self.months else None


def stored_series(
    session: Session,
    municipality_codes: Sequence[str],
    *,
    measure: str = MEASURES[0],
    offer: str = OFFERS[0],
    last_months: int = 13,
) -> JobindsatsSeries:
    """The stored figures for these municipalities and the whole country."""
    obs = JobindsatsObservation
    newest = session.scalar(select(func.max(obs.month)).where(obs.measure == measure))
    last = session.scalars(
        select(JobindsatsFetch).order_by(JobindsatsFetch.id.desc()).limit(1)
    ).first()
    if newest is None:
        return JobindsatsSeries([], [], {}, None, last)
    rows = session.execute(
        select(obs.area, obs.municipality_code, obs.month, obs.value, obs.fetched_at,
               obs.source)
        .where(obs.measure == measure, obs.offer == offer,
               (obs.municipality_code.in_(municipality_codes)) | (obs.area == NATIONAL))
        .order_by(obs.month)
    ).all()
    months = sorted({r.month for r in rows})[-last_months:]
    keep = set(months)
    names = municipality_names()
    values: dict[tuple[str, date], int | None] = {}
    areas: list[str] = []
    fetched: datetime | None = None
    source: str | None = None
    for r in rows:
        if r.month not in keep:
            continue
        label = NATIONAL if r.municipality_code is None else names.get(r.municipality_code,
                                                                        r.area)
        if label not in areas:
            areas.append(label)
        values[(label, r.month)] = r.value
        if fetched is None or r.fetched_at >= fetched:
            fetched, source = r.fetched_at, r.source
    areas.sort(key=lambda a: (a == NATIONAL, a))
    return JobindsatsSeries(areas, months, values, fetched, last, source)

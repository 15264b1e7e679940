"""Fill a database with demo data (used by the CLI and by tests)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import Engine, func, select, text

from nytte.core import clock
from nytte.core.calendar import previous_working_day
from nytte.core.config import ConfigError
from nytte.core.data_version import Area, changed
from nytte.core.db import check_database
from nytte.demo.generate import iter_generate
from nytte.demo.load import bulk_load, load
from nytte.demo.params import DEMO_MUNICIPALITY
from nytte.models import Municipality, Participant

T = TypeVar("T")
_DONE = object()


def ahead(items: Iterator[T]) -> Generator[T, None, None]:
    """``items`` drawn one step ahead in a thread: the next batch is generated while
    the database stores this one (numpy, sqlite3 and libpq release the GIL while they
    work). One thread draws them all, in order, so the data are the same."""
    slot: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Hand one item over; False once the consumer has gone."""
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            offer(exc)

    worker = threading.Thread(target=produce, name="demo-generate", daemon=True)
    worker.start()
    try:
        while True:
            item = slot.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)
    finally:
        stop.set()
        worker.join()


def database_is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Participant)).scalar_one()) == 0


def default_until() -> date:
    """The demo's last day by default: the last working day before the app's today."""
    return previous_working_day(clock.today())


class Phases:
    """Seconds spent per phase of a fill, for the command's report."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def waiting(self, name: str, items: Iterator[T]) -> Iterator[T]:
        """``items``, timing the waits for each (the part not hidden by ``ahead``)."""
        while True:
            with self(name):
                item = next(items, _DONE)
            if item is _DONE:
                return
            yield cast(T, item)


def fill_demo(
    engine: Engine,
    scale: str = "demo",
    seed: int = 1,
    until: date | None = None,
    phases: Phases | None = None,
) -> dict[str, int]:
    """Generate and insert the demo data, running up to ``until`` (default: the last
    working day before today), in one transaction; refuse a non-empty database.
    The same seed and ``until`` give the same data. ``phases`` collects the time per
    phase: generating (what the loader waited for), inserting, indexes and commit,
    the demo tasks, the council's summaries and, on PostgreSQL, ANALYZE."""
    phase = phases or Phases()
    until = default_until() if until is None else until
    if until > clock.today():
        raise ConfigError(
            f"Demodata kan ikke gå til en dag efter i dag ({until.strftime('%d-%m-%Y')})."
        )
    check_database(engine)
    if not database_is_empty(engine):
        raise ConfigError(
            "Databasen indeholder allerede deltagere; demodata lægges kun i en tom database."
        )
    with engine.connect() as conn:
        codes = [c for (c,) in conn.execute(select(Municipality.code).order_by(Municipality.code))]
    if not codes:
        raise ConfigError("Kommunelisten mangler i databasen; kør 'python -m nytte migrate'.")
    munis = [DEMO_MUNICIPALITY] if scale == "demo" else codes
    counts: dict[str, int] = {}
    # One transaction for the whole data set: a failure leaves the database empty.
    with (
        phase("indexes and commit"),
        bulk_load(engine) as conn,
        closing(ahead(iter_generate(scale, seed, munis, until=until))) as batches,
    ):
        for batch in phase.waiting("generate", batches):
            with phase("insert"):
                for key, n in load(conn, batch).items():
                    counts[key] = counts.get(key, 0) + n
        if scale == "demo":  # the rest of the demo municipality's region, lightly
            from nytte.demo.region import iter_region, region_codes

            for batch in phase.waiting("generate", iter_region(seed, region_codes(conn),
                                                               until=until)):
                with phase("insert"):
                    for key, n in load(conn, batch).items():
                        counts[key] = counts.get(key, 0) + n
    # The phase around the transaction counted the generating and inserting too.
    phase.seconds["indexes and commit"] -= (
        phase.seconds.get("generate", 0.0) + phase.seconds.get("insert", 0.0))
    from nytte.demo.tasks import add_demo_tasks

    task_municipality = munis[0] if scale == "demo" else DEMO_MUNICIPALITY
    with phase("tasks"):
        counts["tasks"] = add_demo_tasks(engine, task_municipality)
        # The demo tasks are judged by the screening engine itself, so the demo's
        # approved and rejected decisions are what the rules say, not typed-in verdicts.
        from nytte.demo.screening import screen_demo_tasks

        counts["screenings"] = screen_demo_tasks(engine, task_municipality)
    # Bulk loads bypass the write hooks that keep the council's summary tables; build
    # them now so the first page view does not pay for it.
    from nytte.council.summary import refresh_all

    with phase("summaries"), engine.begin() as conn:
        refresh_all(conn)
        changed(conn, *Area)
    if engine.dialect.name == "postgresql":
        # Planner statistics for the freshly loaded tables: autovacuum's analyze comes
        # minutes later (or, for a table loaded in one transaction, not before the
        # first slow queries), and without it PostgreSQL guesses row counts.
        with phase("analyze"), engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return counts

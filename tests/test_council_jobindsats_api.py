"""Jobindsats as the real API answers, against a local fake server that behaves like it
(tests/jobindsats_fakes.FakeJobindsats): metadata-driven table choice and query, the
offer hierarchy named, layout errors, duplicates, 422 and the source shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.core.reference_figures import municipality_names
from nytte.council.council_page import jobindsats_view
from nytte.jobindsats.client import (
    TIMEOUT,
    JobindsatsClient,
    choose_table,
    plan_query,
    table_infos,
)
from nytte.jobindsats.errors import JobindsatsLayoutError, JobindsatsQueryError
from nytte.jobindsats.parse import AreaResolver, observations_from_api
from nytte.jobindsats.store import fetch_from_api
from nytte.models.council import JobindsatsFetch, JobindsatsObservation
from tests.jobindsats_fakes import (
    ALL_TABLE,
    TOKEN,
    FakeJobindsats,
    data_answer,
    fact,
    fake_jobindsats,
)

ADMIN = Principal("admin", "Admin", Role.ADMIN, "0253")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJobindsats]:
    with fake_jobindsats() as f:
        monkeypatch.setenv("NYTTE_JOBINDSATS_URL", f.url)
        yield f


def _stored(engine: Engine) -> dict[tuple[str, str, str], int | None]:
    with session_scope(engine) as s:
        return {(o.area, o.month.isoformat()[:7], o.measure): o.value
                for o in s.scalars(select(JobindsatsObservation).where(
                    JobindsatsObservation.offer == "Nytteindsats i alt"))}


def test_the_fake_collapses_what_the_query_does_not_name() -> None:
    """The trap: without the offer hierarchy, one row per area is a total over all offers."""
    answer = data_answer(ALL_TABLE, {"period.M": "latest:1", "hierarchy._nykom": "*",
                                     "mgroup.*": "*"}, duplicates=False)
    assert answer["columns"] == ["Periode", "Område", "Antal aktiverede",
                                 "Antal aktiveringsforløb"]
    greve = next(r for r in answer["rows"] if r[1] == "Greve")
    all_offers = sum(fact("Greve", "2025M03", o, b) for o in "478" for b in ("dp", "kh", "uh"))
    assert greve[2] == all_offers  # not nytteindsats: every offer


def test_fetch_names_the_offer_hierarchy_and_stores_nytteindsats_only(
        fake: FakeJobindsats, empty_engine: Engine) -> None:
    result = fetch_from_api(empty_engine, ADMIN, JobindsatsClient(TOKEN))
    assert result.ok, result.message
    data_queries = [q for p, q in fake.queries if p.startswith("data/")]
    assert [p for p, _ in fake.queries if p.startswith("data/")] == [f"data/{ALL_TABLE}"]
    q = data_queries[0]
    assert q["hierarchy._tilbud"] == "7,8"  # value ids from the metadata, not names
    assert q["hierarchy._nykom"] == "*" and "hierarchy._ygrp" not in q  # all benefits
    stored = _stored(empty_engine)
    want = sum(fact("Greve", "2025M02", "7", b) for b in ("dp", "kh", "uh"))
    assert stored[("Greve", "2025-02", "Antal aktiverede")] == want
    assert stored[("Dragør", "2025-02", "Antal aktiverede")] is None  # hidden: null
    # The identical repeated row was dropped, not stored twice (the unique index holds).
    with session_scope(empty_engine) as s:
        n = s.scalar(select(func.count()).select_from(JobindsatsObservation))
        assert n == len({(o.area, o.month, o.offer, o.measure) for o in
                         s.scalars(select(JobindsatsObservation))})
    with session_scope(empty_engine) as s:
        view = jobindsats_view(s, ["0253"])
    assert view.source is not None
    assert ALL_TABLE in view.source and "senest opdateret 2025-05-02" in view.source
    assert "næste opdatering 2025-06-03" in view.source


def test_table_is_chosen_for_every_benefit_group(fake: FakeJobindsats) -> None:
    client = JobindsatsClient(TOKEN)
    table, _ = choose_table(client)
    assert table.table_id == ALL_TABLE  # not y60c02 (kontanthjælp family only)
    infos = table_infos(client.tables())
    assert {t.table_id for t in infos} >= {ALL_TABLE, "y60c02"}


def test_missing_expected_column_stores_nothing(fake: FakeJobindsats,
                                                empty_engine: Engine) -> None:
    client = JobindsatsClient(TOKEN)
    table, meta = choose_table(client)
    plan = plan_query(table, meta, 3)
    payload = data_answer(ALL_TABLE, {k: v for k, v in plan.params.items()
                                      if k != "hierarchy._tilbud"})
    with pytest.raises(JobindsatsLayoutError, match="Tilbud"):
        observations_from_api(payload, AreaResolver(municipality_names()), table=ALL_TABLE,
                              required=[plan.area_column, plan.offer_column])
    fake.override[f"data/{ALL_TABLE}"] = (200, payload)
    result = fetch_from_api(empty_engine, ADMIN, client)
    assert not result.ok and "Tilbud" in result.message
    assert _stored(empty_engine) == {}


def test_conflicting_duplicates_are_refused(fake: FakeJobindsats, empty_engine: Engine) -> None:
    client = JobindsatsClient(TOKEN)
    table, meta = choose_table(client)
    payload = data_answer(ALL_TABLE, plan_query(table, meta, 3).params, duplicates=False)
    bad = list(payload["rows"][0])
    bad[-1] = (bad[-1] or 0) + 1
    payload["rows"].append(bad)
    fake.override[f"data/{ALL_TABLE}"] = (200, payload)
    result = fetch_from_api(empty_engine, ADMIN, client)
    assert not result.ok and "to gange" in result.message
    assert _stored(empty_engine) == {}
    with session_scope(empty_engine) as s:  # the failed attempt is recorded
        assert s.scalar(select(func.count()).select_from(JobindsatsFetch)) == 1


def test_422_shows_the_cause_and_request_id(fake: FakeJobindsats) -> None:
    client = JobindsatsClient(TOKEN)
    with pytest.raises(JobindsatsQueryError) as err:
        client.data(ALL_TABLE, {"period.M": "latest:3", "hierarchy._tilbud": "99"})
    msg = str(err.value)
    assert "Unknown value id '99'" in msg
    assert "a1b2c3d4-0000-4000-8000-000000000422" in msg
    assert "Prøv igen senere" not in msg


def test_client_allows_ninety_seconds_and_reads_the_base_url(fake: FakeJobindsats) -> None:
    assert TIMEOUT == 90
    assert JobindsatsClient(TOKEN)._base == fake.url

"""Jobindsats figures are stored with their fetch date; errors keep the last good data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.db import session_scope
from nytte.council.council_page import jobindsats_view
from nytte.jobindsats.client import JobindsatsClient
from nytte.jobindsats.store import fetch_from_api, import_csv
from nytte.models import AuditEvent
from nytte.models.council import JobindsatsFetch, JobindsatsObservation
from tests.jobindsats_fakes import ALL_TABLE, FIXTURES, TOKEN, fact, fake_jobindsats

ADMIN = Principal("admin", "Admin", Role.ADMIN, "0253")

REGION_CODES = ["0101", "0155"]  # København, Dragør
REVIEWER = Principal("r", "R", Role.RAAD, region_code="1084")


def _count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(JobindsatsObservation)) or 0)


def test_fetch_stores_then_errors_keep_the_last_good_data(
        empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_jobindsats() as fake:
        monkeypatch.setenv("NYTTE_JOBINDSATS_URL", fake.url)
        result = fetch_from_api(empty_engine, ADMIN, JobindsatsClient(TOKEN))
        assert result.ok, result.message
        stored = _count(empty_engine)
        assert stored == result.rows > 0
        for answer in [(429, {}), (401, {}), (200, {"columns": ["x"], "rows": [["y"]]})]:
            fake.override[f"data/{ALL_TABLE}"] = answer
            failed = fetch_from_api(empty_engine, ADMIN, JobindsatsClient(TOKEN))
            assert not failed.ok
            assert _count(empty_engine) == stored  # nothing lost, nothing half-written
    with session_scope(empty_engine) as s:
        view = jobindsats_view(s, REGION_CODES)
        attempts = s.scalars(select(JobindsatsFetch).order_by(JobindsatsFetch.id)).all()
    assert [a.ok for a in attempts] == [True, False, False, False]
    assert view.last_error and "opbygning er ændret" in view.last_error
    assert view.table is not None and view.fetched_at is not None
    assert view.provisional_month == "mar. 2025"
    assert view.table.row_labels[-1].endswith("(foreløbig)")
    # Dragør's figures: hidden at the source (null) every month.
    col = view.table.col_labels.index("Dragør")
    assert [row[col] for row in view.table.cells] == [None, None, None]
    assert view.table.value("jan. 2025", "København") == sum(
        fact("København", "2025M01", "7", b) for b in ("dp", "kh", "uh"))


def test_csv_import_is_all_or_nothing(empty_engine: Engine, tmp_path: Path) -> None:
    good = (FIXTURES / "export_y60c02.csv").read_bytes()
    bad = good.replace(b"Odense;2025M02;Nytteindsats i alt;51;55",
                       b"Odense;2025M02;Nytteindsats i alt;femogtyve;55")
    failed = import_csv(empty_engine, ADMIN, bad, "eksport.csv")
    assert not failed.ok and "række 18" in failed.message
    assert _count(empty_engine) == 0
    result = import_csv(empty_engine, ADMIN, good, "eksport.csv")
    assert result.ok and _count(empty_engine) == 30


@pytest.mark.parametrize("role", [Role.RAAD, Role.LEDER, Role.KOORDINATOR])
def test_only_administrators_import_or_fetch_national_figures(empty_engine: Engine,
                                                              role: Role) -> None:
    """A reviewer overwrote "Hele landet" and another region's figures: no more."""
    who = Principal("x", "X", role, municipality_code="0253", region_code="1085",
                    unit_ids=frozenset({1}))
    good = (FIXTURES / "export_y60c02.csv").read_bytes()
    with pytest.raises(AccessDenied):
        import_csv(empty_engine, who, good, "eksport.csv")
    with pytest.raises(AccessDenied):
        fetch_from_api(empty_engine, who, JobindsatsClient("t", base_url="http://127.0.0.1:9"))
    assert _count(empty_engine) == 0


def test_every_import_and_fetch_is_audited_with_its_user(empty_engine: Engine) -> None:
    good = (FIXTURES / "export_y60c02.csv").read_bytes()
    import_csv(empty_engine, ADMIN, good, "eksport.csv")
    import_csv(empty_engine, ADMIN, b"noget andet", "forkert.csv")  # failures too
    with session_scope(empty_engine) as s:
        events = s.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("jobindsats_import", "jobindsats_fetch")))
            .order_by(AuditEvent.id)).all()
        assert [(e.actor, e.actor_role, (e.new or {}).get("ok")) for e in events] == [
            ("admin", "admin", True), ("admin", "admin", False)]

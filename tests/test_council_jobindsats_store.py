"""Jobindsats figures are stored with their fetch date; errors keep the last good data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from nytte.auth import Principal, Role
from nytte.council.council_page import jobindsats_view
from nytte.db import session_scope
from nytte.jobindsats.client import NYTTE_TABLE, JobindsatsClient
from nytte.jobindsats.store import fetch_from_api, import_csv
from nytte.models.council import JobindsatsFetch, JobindsatsObservation
from tests.jobindsats_fakes import FIXTURES, ok, recorded_session

REGION_CODES = ["0101", "0155"]  # København, Dragør
REVIEWER = Principal("r", "R", Role.RAAD, region_code="1084")


def _count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(JobindsatsObservation)) or 0)


def test_fetch_stores_then_errors_keep_the_last_good_data(empty_engine: Engine) -> None:
    session, _ = recorded_session({f"data/{NYTTE_TABLE}": ok("data_y60c02.json")})
    result = fetch_from_api(empty_engine, JobindsatsClient("t", session=session))
    assert result.ok, result.message
    stored = _count(empty_engine)
    assert stored == result.rows > 0
    for answer in [(429, {}, {"Retry-After": "60"}), (401, {}, {}),
                   (200, {"columns": ["x"], "rows": [["y"]]}, {})]:
        bad, _ = recorded_session({f"data/{NYTTE_TABLE}": answer})
        failed = fetch_from_api(empty_engine, JobindsatsClient("t", session=bad))
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
    # Dragør's figures: '..' at the source in January and March, 0 in February.
    col = view.table.col_labels.index("Dragør")
    assert [row[col] for row in view.table.cells] == [None, 0, None]
    assert view.table.value("jan. 2025", "København") == 181
    assert view.table.value("jan. 2025", "Hele landet") == 1412


def test_csv_import_is_all_or_nothing(empty_engine: Engine, tmp_path: Path) -> None:
    good = (FIXTURES / "export_y60c02.csv").read_bytes()
    bad = good.replace(b"Odense;2025M02;Nytteindsats i alt;51;55",
                       b"Odense;2025M02;Nytteindsats i alt;femogtyve;55")
    failed = import_csv(empty_engine, bad, "eksport.csv")
    assert not failed.ok and "række 18" in failed.message
    assert _count(empty_engine) == 0
    result = import_csv(empty_engine, good, "eksport.csv")
    assert result.ok and _count(empty_engine) == 30

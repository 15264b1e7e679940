"""The council commands: refresh, export and the Jobindsats CSV import."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine, func, select

from nytte.cli import main
from nytte.core.db import dispose_engines, session_scope
from nytte.models.council import JobindsatsObservation, ReferralStats
from tests import council_data
from tests.jobindsats_fakes import FIXTURES


@pytest.fixture
def cli_db(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("NYTTE_DATABASE_URL",
                       empty_engine.url.render_as_string(hide_password=False))
    yield empty_engine
    dispose_engines()


def test_refresh_and_import(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    council_data.build(cli_db)
    assert main(["council", "refresh"]) == 0
    assert "Opsummering genopbygget" in capsys.readouterr().out
    with session_scope(cli_db) as s:
        assert (s.scalar(select(func.count()).select_from(ReferralStats)) or 0) > 0
    assert main(["council", "jobindsats-import", str(FIXTURES / "export_y60c02.csv")]) == 0
    assert "Importeret 30 tal" in capsys.readouterr().out
    with session_scope(cli_db) as s:
        assert s.scalar(select(func.count()).select_from(JobindsatsObservation)) == 30


def test_fetch_without_token_says_what_to_set(cli_db: Engine, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: object,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("NYTTE_JOBINDSATS_TOKEN", raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .streamlit/secrets.toml here
    assert main(["council", "jobindsats-fetch"]) == 2
    assert "NYTTE_JOBINDSATS_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize("period", ["2025", "2025-Q3", "2025-09"])
def test_export_gives_the_pages_files(cli_db: Engine, tmp_path: Path, period: str) -> None:
    """`council export` writes exactly the page's downloads for the period."""
    from nytte.core.auth import Principal, Role
    from nytte.council import periods
    from nytte.council.council_page import council_page
    from nytte.council.downloads import page_csv, page_xlsx

    council_data.build(cli_db)
    reviewer = Principal("r", "R", Role.RAAD, region_code=council_data.REGION)
    with session_scope(cli_db) as s:
        page = council_page(s, reviewer, periods.parse(period))
        want_csv, want_xlsx = page_csv(page), page_xlsx(page)
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"x.{fmt}"
        assert main(["council", "export", "--region", council_data.REGION, "--period", period,
                     "--format", fmt, "--out", str(out)]) == 0
        content = out.read_bytes()
        if fmt == "csv":
            assert content == want_csv
        elif fmt == "xlsx":
            got = load_workbook(io.BytesIO(content))["Tabeller"]
            want = load_workbook(io.BytesIO(want_xlsx))["Tabeller"]
            assert [[c.value for c in r] for r in got.iter_rows()] == [
                [c.value for c in r] for r in want.iter_rows()]
        else:
            assert content[:5] == b"%PDF-"
            assert page.review.period.label in " ".join(
                p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_export_refuses_a_wrong_period_or_region(cli_db: Engine, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.csv")
    assert main(["council", "export", "--region", "1085", "--period", "2025-13",
                 "--format", "csv", "--out", out]) == 2
    assert "2025-Q3" in capsys.readouterr().err
    assert main(["council", "export", "--region", "9999", "--period", "2025",
                 "--format", "csv", "--out", out]) == 2
    assert "Regionskoden 9999" in capsys.readouterr().err

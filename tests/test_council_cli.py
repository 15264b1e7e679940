"""The council commands: refresh and the Jobindsats CSV import from the command line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from nytte.cli import main
from nytte.db import dispose_engines, session_scope
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

"""Bad configuration stops with one clear sentence, not a traceback."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nytte.core.auth import parse_role_rules, validate_auth_section
from nytte.core.config import ConfigError
from nytte.core.db import check_database, make_engine
from nytte.core.reference import read_municipalities

ROOT = Path(__file__).resolve().parent.parent
GOOD_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": secrets.token_urlsafe(48),
    "client_id": "nytte",
    "client_secret": "s",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nytte", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )


def _one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_unreachable_postgres_url_is_one_sentence() -> None:
    out = _cli("migrate", NYTTE_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert out.returncode == 2
    line = _one_sentence(out.stderr)
    assert "kan ikke nås" in line and "NYTTE_DATABASE_URL" in line


def test_malformed_database_url_is_one_sentence() -> None:
    out = _cli("migrate", NYTTE_DATABASE_URL="not a url")
    assert out.returncode == 2
    assert "ikke en gyldig database-URL" in _one_sentence(out.stderr)


def test_unmigrated_database_says_run_migrate(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ConfigError, match="make migrate"):
        check_database(engine)


def test_missing_reference_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"municipalities\.csv mangler"):
        read_municipalities(tmp_path)
    out = _cli(
        "migrate",
        NYTTE_DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}",
        NYTTE_REFERENCE_DIR=str(tmp_path / "nowhere"),
    )
    assert out.returncode == 2
    line = _one_sentence(out.stderr)
    assert "municipalities.csv mangler" in line and "NYTTE_REFERENCE_DIR" in line


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cookie_secret": None}, "mangler 'cookie_secret'"),
        ({"client_id": None}, "mangler 'client_id'"),
        ({"server_metadata_url": "ftp://idp"}, "https-adresse"),
        ({"cookie_secret": "short"}, "for kort"),
    ],
)
def test_malformed_auth_section(change: dict[str, object], message: str) -> None:
    auth = {**GOOD_AUTH, **change}
    auth = {k: v for k, v in auth.items() if v is not None}
    with pytest.raises(ConfigError, match=message):
        validate_auth_section(auth)


def test_good_auth_section_passes() -> None:
    validate_auth_section(GOOD_AUTH)
    validate_auth_section(
        {
            "redirect_uri": "x",
            "cookie_secret": secrets.token_urlsafe(48),
            "microsoft": {
                k: v for k, v in GOOD_AUTH.items() if k not in ("redirect_uri", "cookie_secret")
            },
        }
    )


def test_role_rules_need_scope() -> None:
    with pytest.raises(ConfigError, match="kræver 'municipality'"):
        parse_role_rules({"rule": [{"claim": "groups", "value": "x", "role": "leder"}]})
    with pytest.raises(ConfigError, match="ugyldig værdi"):
        parse_role_rules(
            {"rule": [{"claim": "groups", "value": "x", "role": "boss", "municipality": "0253"}]}
        )


def test_app_shows_config_error_as_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NYTTE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "kan ikke nås" in at.error[0].value
    st.cache_resource.clear()


def test_app_with_malformed_auth_shows_what_to_fix(app_db: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {**GOOD_AUTH, "client_secret": ""}
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "client_secret" in at.error[0].value


def test_default_paths_point_into_the_repository() -> None:
    """The settings' default files exist where a fresh checkout has them."""
    from nytte.core import config, reference_figures

    assert config.REPO_ROOT == ROOT
    assert (config.REFERENCE_DIR / "municipalities.csv").is_file()
    assert (reference_figures.REFERENCE_DIR / "municipalities.csv").is_file()
    assert config.Settings().roles_file.is_file()
    assert config.DEFAULT_SQLITE_PATH == ROOT / "data" / "nytte.db"


def test_schema_is_checked_until_it_passes_then_each_run_only_pings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm re-run does not read the catalogue; a database migrated while the server
    runs is found on the next run (a failed check is never remembered)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import pages.common as common
    from nytte.core.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'late.db'}"
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    checks: list[str] = []

    def counted(engine: Engine) -> None:
        checks.append("schema")
        check_database(engine)

    monkeypatch.setattr(common, "check_database", counted)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert len(at.error) == 1 and "make migrate" in at.error[0].value
        migrated = make_engine(url)
        upgrade(migrated)
        migrated.dispose()
        at.run()
        assert not at.error and not at.exception
        at.run()
        at.run()
        assert checks == ["schema", "schema"]  # the failed one and the first pass only
    finally:
        st.cache_resource.clear()

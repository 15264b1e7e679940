"""Jobindsats API v3 client and CSV import, against recorded responses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests

from nytte.core.reference_figures import municipality_names
from nytte.jobindsats.client import (
    NYTTE_TABLE,
    TOKEN_ENV,
    JobindsatsClient,
    nytte_query,
    resolve_token,
    table_infos,
)
from nytte.jobindsats.errors import (
    JobindsatsAuthError,
    JobindsatsImportError,
    JobindsatsLayoutError,
    JobindsatsRateLimitError,
    JobindsatsUnavailableError,
)
from nytte.jobindsats.parse import (
    AreaResolver,
    observations_from_api,
    observations_from_csv,
    parse_danish_count,
)
from nytte.jobindsats.periods import format_period, parse_period
from tests.jobindsats_fakes import FIXTURES, fixture, ok, recorded_session


@pytest.fixture
def resolver() -> AreaResolver:
    return AreaResolver(municipality_names())


def test_client_sends_bearer_token_and_json_format() -> None:
    session, adapter = recorded_session({f"data/{NYTTE_TABLE}": ok("data_y60c02.json"),
                                         "tables": ok("tables.json")})
    client = JobindsatsClient("hemmelig", session=session)
    payload = client.data(NYTTE_TABLE, nytte_query(3))
    assert payload["columns"][0] == "Område"
    assert [t.table_id for t in table_infos(client.tables())] == ["y25i01", "y60c02", "y30c02"]
    req = adapter.requests[0]
    assert req.headers["Authorization"] == "Bearer hemmelig"
    assert "format=json" in (req.url or "")
    assert "period.M=latest%3A3" in (req.url or "")
    assert (req.url or "").startswith("https://api.jobindsats.dk/v3/data/y60c02?")


def test_parse_api_answer(resolver: AreaResolver) -> None:
    obs, warnings = observations_from_api(fixture("data_y60c02.json"), resolver, table="y60c02")
    assert warnings == []  # 'Uoplyst område' is known to be skipped
    by_key = {(o.municipality_code, o.month, o.offer, o.measure): o.value for o in obs}
    assert by_key[(None, date(2025, 1, 1), "Nytteindsats i alt", "Antal aktiverede")] == 1412
    copenhagen = ("0101", date(2025, 3, 1), "Nytteindsats i alt", "Antal aktiveringsforløb")
    assert by_key[copenhagen] == 171
    greve = by_key[("0253", date(2025, 3, 1), "Nytteindsats i alt", "Antal aktiverede")]
    assert greve is None  # suppressed at the source
    assert by_key[("0155", date(2025, 2, 1), "Nytteindsats i alt", "Antal aktiverede")] == 0
    assert not any(o.offer == "Virksomhedspraktik i alt" for o in obs)
    assert {o.offer for o in obs} == {"Nytteindsats i alt",
                                      "Særligt tilrettelagt nytteindsats i alt"}


@pytest.mark.parametrize(
    ("status", "headers", "error", "words"),
    [
        (401, {}, JobindsatsAuthError, "adgangsnøglen"),
        (403, {}, JobindsatsAuthError, "HTTP 403"),
        (429, {"Retry-After": "30"}, JobindsatsRateLimitError, "om 30 sekunder"),
        (503, {}, JobindsatsUnavailableError, "HTTP 503"),
    ],
)
def test_http_errors_give_a_danish_message(
    status: int, headers: dict[str, str], error: type[Exception], words: str
) -> None:
    session, _ = recorded_session({f"data/{NYTTE_TABLE}": (status, {"message": "x"}, headers)})
    client = JobindsatsClient("t", session=session)
    with pytest.raises(error, match=words) as info:
        client.data(NYTTE_TABLE, nytte_query())
    assert "sidst hentede tal vises fortsat" in str(info.value)


def test_timeout_gives_a_danish_message() -> None:
    def slow(_: requests.PreparedRequest) -> None:
        raise requests.Timeout("read timed out")

    session, _ = recorded_session({f"data/{NYTTE_TABLE}": slow})
    client = JobindsatsClient("t", session=session, timeout=5)
    with pytest.raises(JobindsatsUnavailableError, match="inden for 5 sekunder"):
        client.data(NYTTE_TABLE, nytte_query())


def test_changed_layout_names_the_missing_column(resolver: AreaResolver) -> None:
    with pytest.raises(JobindsatsLayoutError, match="Antal aktiverede") as info:
        observations_from_api(fixture("data_y30c02_changed_layout.json"), resolver,
                              table="y30c02", required=["Område", "Tilbud"])
    assert "Antal personer" in str(info.value)  # says what it found instead
    session, _ = recorded_session({f"data/{NYTTE_TABLE}": (200, {"data": []}, {})})
    with pytest.raises(JobindsatsLayoutError, match="'columns'"):
        JobindsatsClient("t", session=session).data(NYTTE_TABLE, nytte_query())


def test_missing_token_is_refused_with_where_to_put_it(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert resolve_token(tmp_path / "none.toml") is None
    with pytest.raises(JobindsatsAuthError, match=TOKEN_ENV):
        JobindsatsClient("")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[jobindsats]\ntoken = "fra-secrets"\n', encoding="utf-8")
    assert resolve_token(secrets) == "fra-secrets"
    monkeypatch.setenv(TOKEN_ENV, "fra-miljoe")
    assert resolve_token(secrets) == "fra-miljoe"


def test_csv_export_with_bom_danish_numbers_and_suppression(resolver: AreaResolver) -> None:
    obs = observations_from_csv((FIXTURES / "export_y60c02.csv").read_bytes(), resolver)
    by_key = {(o.municipality_code, o.month, o.measure): o.value for o in obs}
    assert by_key[(None, date(2025, 1, 1), "Antal aktiverede")] == 1412
    assert by_key[(None, date(2025, 3, 1), "Antal aktiveringsforløb")] == 1297
    assert by_key[("0155", date(2025, 1, 1), "Antal aktiverede")] is None  # '-'
    assert by_key[("0253", date(2025, 3, 1), "Antal aktiverede")] is None  # '..'
    assert len(obs) == 5 * 3 * 2


def test_csv_bad_number_names_row_and_field(resolver: AreaResolver) -> None:
    text = (FIXTURES / "export_y60c02.csv").read_bytes().decode("utf-8-sig")
    text = text.replace("Odense;2025M02;Nytteindsats i alt;51;55",
                        "Odense;2025M02;Nytteindsats i alt;51,5;55")
    with pytest.raises(JobindsatsImportError, match=r"række 18, feltet 'Antal aktiverede'"):
        observations_from_csv(text.encode("utf-8-sig"), resolver, filename="eksport.csv")


def test_csv_unknown_area_and_missing_header(resolver: AreaResolver) -> None:
    text = "Område;Periode;Tilbud;Antal aktiverede\r\nAtlantis;2025M01;Nytteindsats i alt;7\r\n"
    with pytest.raises(JobindsatsImportError, match=r"række 2: ukendt område 'Atlantis'"):
        observations_from_csv(text.encode("utf-8"), resolver)
    with pytest.raises(JobindsatsImportError, match="overskriftsrække"):
        observations_from_csv(b"a,b,c\n1,2,3\n", resolver)


@pytest.mark.parametrize(("text", "value"), [
    ("1.234", 1234), ("17", 17), (" 2.345.678 ", 2345678), ("..", None), ("-", None),
    ("", None), (12, 12), (12.0, 12), ("1.234,0", 1234),
])
def test_danish_counts(text: object, value: int | None) -> None:
    assert parse_danish_count(text) == value


@pytest.mark.parametrize("text", ["1,5", "12.34", "abc", "-3", 2.5])
def test_bad_danish_counts(text: object) -> None:
    with pytest.raises(ValueError):
        parse_danish_count(text)


def test_area_names_in_several_spellings(resolver: AreaResolver) -> None:
    assert resolver.resolve("Københavns Kommune") == ("0101", True)
    assert resolver.resolve("Jobcenter Greve") == ("0253", True)
    assert resolver.resolve("Høje-Taastrup Kommune") == ("0169", True)
    assert resolver.resolve("Hele landet") == (None, True)
    assert resolver.resolve("Narnia") == (None, False)


def test_periods() -> None:
    assert parse_period("2025M03") == date(2025, 3, 1)
    assert parse_period("marts 2025") == date(2025, 3, 1)
    assert format_period(date(2025, 3, 1)) == "2025M03"
    with pytest.raises(ValueError):
        parse_period("2025M13")

"""HTTP client for the Jobindsats API v3 (https://api.jobindsats.dk/v3).

Endpoints: ``tables`` (the list), ``table/{id}`` (a table's metadata) and
``data/{id}`` (figures as ``columns`` and ``rows``), all with ``format=json`` and
the header ``Authorization: Bearer <token>`` (docs/domain.md § 11). The token is issued
by STAR; we read it from the environment or the app's secrets, never from code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from nytte.config import jobindsats_token
from nytte.jobindsats.errors import (
    JobindsatsAuthError,
    JobindsatsError,
    JobindsatsLayoutError,
    JobindsatsRateLimitError,
    JobindsatsUnavailableError,
)

BASE_URL = "https://api.jobindsats.dk/v3"
TOKEN_ENV = "NYTTE_JOBINDSATS_TOKEN"
NYTTE_TABLE = "y60c02"
"""Jobindsats table with the offers per municipality and month, nytteindsats included."""


def resolve_token(secrets_file: Path | None = None) -> str | None:
    """The API token (nytte.config.jobindsats_token: the environment, then secrets.toml)."""
    return jobindsats_token(secrets_file)


class JobindsatsClient:
    """A thin client: one method per endpoint, every failure a JobindsatsError."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = BASE_URL,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        if not token:
            raise JobindsatsAuthError(
                "Der er ingen adgangsnøgle til Jobindsats. Sæt miljøvariablen "
                f"{TOKEN_ENV} eller [jobindsats] token i .streamlit/secrets.toml."
            )
        self._token = token
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._session = session or requests.Session()

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        query = {**(params or {}), "format": "json"}
        url = f"{self._base}/{path.lstrip('/')}"
        try:
            resp = self._session.get(
                url,
                params=query,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=self._timeout,
            )
        except requests.Timeout as exc:
            raise JobindsatsUnavailableError(
                f"Jobindsats svarede ikke inden for {self._timeout:g} sekunder. "
                "Prøv igen senere; de sidst hentede tal vises fortsat."
            ) from exc
        except requests.ConnectionError as exc:
            raise JobindsatsUnavailableError(
                "Der er ingen forbindelse til Jobindsats (api.jobindsats.dk). Tjek "
                "netværket; de sidst hentede tal vises fortsat."
            ) from exc
        if resp.status_code in (401, 403):
            raise JobindsatsAuthError(
                f"Jobindsats afviste adgangsnøglen (HTTP {resp.status_code}). Tjek at "
                f"{TOKEN_ENV} er gyldig og ikke udløbet; de sidst hentede tal vises fortsat."
            )
        if resp.status_code == 429:
            retry = resp.headers.get("Retry-After", "")
            seconds = int(retry) if retry.isdigit() else None
            wait = f"om {seconds} sekunder" if seconds else "om lidt"
            raise JobindsatsRateLimitError(
                "Jobindsats har fået for mange forespørgsler (HTTP 429). Prøv igen "
                f"{wait}; de sidst hentede tal vises fortsat.",
                seconds,
            )
        if resp.status_code == 404:
            raise JobindsatsLayoutError(
                f"Jobindsats kender ikke adressen '{path}' (HTTP 404). Tabellen kan være "
                "omdøbt eller nedlagt; de sidst hentede tal vises fortsat."
            )
        if resp.status_code >= 400:
            raise JobindsatsUnavailableError(
                f"Jobindsats svarede med en fejl (HTTP {resp.status_code}). Prøv igen "
                "senere; de sidst hentede tal vises fortsat."
            )
        try:
            return resp.json()
        except ValueError as exc:
            raise JobindsatsLayoutError(
                f"Jobindsats svarede ikke med JSON på '{path}'. De sidst hentede tal vises "
                "fortsat."
            ) from exc

    def tables(self) -> list[dict[str, Any]]:
        payload = self._get("tables")
        if not isinstance(payload, list):
            raise JobindsatsLayoutError("Jobindsats' tabeloversigt har ændret form.")
        return payload

    def table(self, table_id: str) -> dict[str, Any]:
        payload = self._get(f"table/{table_id}")
        if not isinstance(payload, dict):
            raise JobindsatsLayoutError(f"Metadata for tabellen {table_id} har ændret form.")
        return payload

    def data(self, table_id: str, params: dict[str, str]) -> dict[str, Any]:
        """Figures of a table as the API gives them: ``{"columns": [...], "rows": [...]}``."""
        payload = self._get(f"data/{table_id}", params)
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("columns"), list)
            or not isinstance(payload.get("rows"), list)
        ):
            raise JobindsatsLayoutError(
                f"Svaret fra Jobindsats for tabellen {table_id} har ikke 'columns' og "
                "'rows' som forventet: tabellens opbygning er ændret."
            )
        return payload


def nytte_query(months: int = 25) -> dict[str, str]:
    """Parameters for nytteindsats per municipality (and the whole country), last N months."""
    return {
        "period.M": f"latest:{months}",
        "hierarchy._nykom": "*",
        "mgroup.*": "*",
    }


__all__ = [
    "BASE_URL",
    "NYTTE_TABLE",
    "TOKEN_ENV",
    "JobindsatsClient",
    "JobindsatsError",
    "nytte_query",
    "resolve_token",
]

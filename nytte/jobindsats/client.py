"""HTTP client for the Jobindsats API v3 (https://api.jobindsats.dk/v3).

Endpoints: ``tables`` (the list), ``table/{id}`` (a table's metadata) and
``data/{id}`` (figures as ``columns`` and ``rows``), all with ``format=json`` and
the header ``Authorization: Bearer <token>`` (docs/domain.md § 11). The token is issued
by STAR; we read it from the environment or the app's secrets, never from code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from nytte.core.config import jobindsats_token
from nytte.jobindsats.errors import (
    JobindsatsAuthError,
    JobindsatsError,
    JobindsatsLayoutError,
    JobindsatsQueryError,
    JobindsatsRateLimitError,
    JobindsatsUnavailableError,
)

BASE_URL = "https://api.jobindsats.dk/v3"
TOKEN_ENV = "NYTTE_JOBINDSATS_TOKEN"
TIMEOUT = 90.0
"""Seconds: the data endpoint can take a minute for every municipality and month."""
NYTTE_TABLE = "y60c02"
"""The offers table of the kontanthjælp family: kontanthjælp recipients only. Kept for
CSV exports of it; the API fetch chooses a table over all benefit groups (below)."""


def resolve_token(secrets_file: Path | None = None) -> str | None:
    """The API token (nytte.core.config.jobindsats_token: the environment, then secrets.toml)."""
    return jobindsats_token(secrets_file)


class JobindsatsClient:
    """A thin client: one method per endpoint, every failure a JobindsatsError."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        if not token:
            raise JobindsatsAuthError(
                "Der er ingen adgangsnøgle til Jobindsats. Sæt miljøvariablen "
                f"{TOKEN_ENV} eller [jobindsats] token i .streamlit/secrets.toml."
            )
        self._token = token
        if base_url is None:
            from nytte.core.config import load_settings

            base_url = load_settings().jobindsats_url
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
        if resp.status_code == 422:
            try:
                body = resp.json()
            except ValueError:
                body = {}
            body = body if isinstance(body, dict) else {}
            code = str(body.get("code", ""))
            cause = str(body.get("cause", "")) or "ingen årsag oplyst"
            request_id = str(body.get("request_id", ""))
            raise JobindsatsQueryError(
                f"Jobindsats afviste forespørgslen (HTTP 422{', ' + code if code else ''}): "
                f"{cause}. Forespørgsels-id: {request_id or 'ikke oplyst'}. Det går ikke "
                "over af sig selv: tabellens opbygning er ændret, og Nytte skal rettes; de "
                "sidst hentede tal vises fortsat.",
                code, cause, request_id,
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
    """The old query (every area, no offer named). Kept for the recorded-response tests
    of the HTTP layer; :func:`plan_query` builds the query the fetch sends."""
    return {"period.M": f"latest:{months}", "hierarchy._nykom": "*", "mgroup.*": "*"}


def _fold(text: str) -> str:
    return " ".join(str(text).lower().replace("æ", "ae").replace("ø", "oe")
                    .replace("å", "aa").split())


@dataclass(frozen=True)
class TableInfo:
    """A table as the ``tables`` list describes it (shown beside every figure)."""

    table_id: str
    table_name: str
    update_latest: str
    update_next: str


def table_infos(subjects: list[dict[str, Any]]) -> list[TableInfo]:
    """Every table of the ``tables`` answer: subjects -> table_groups -> tables."""
    out = []
    for subject in subjects:
        if not isinstance(subject, dict):
            raise JobindsatsLayoutError("Jobindsats' tabeloversigt har ændret form.")
        for group in subject.get("table_groups") or []:
            for t in (group or {}).get("tables") or []:
                if not isinstance(t, dict) or "table_id" not in t:
                    raise JobindsatsLayoutError("Jobindsats' tabeloversigt har ændret form.")
                out.append(TableInfo(str(t["table_id"]), str(t.get("table_name", "")),
                                     str(t.get("update_latest", "")),
                                     str(t.get("update_next", ""))))
    return out


@dataclass(frozen=True)
class Hierarchy:
    hierarchy_id: str
    name: str
    values: dict[str, str]  # value name -> value id, over every level


def hierarchies(meta: dict[str, Any]) -> list[Hierarchy]:
    """The hierarchies of a ``table/{id}`` answer: dimensions -> hierarchies -> levels
    -> values (value_id, value_name)."""
    out = []
    for dim in meta.get("dimensions") or []:
        for h in (dim or {}).get("hierarchies") or []:
            values: dict[str, str] = {}
            for level in (h or {}).get("levels") or []:
                for v in (level or {}).get("values") or []:
                    values[str(v.get("value_name", ""))] = str(v.get("value_id", ""))
            out.append(Hierarchy(str(h.get("hierarchy_id", "")),
                                 str(h.get("hierarchy_name", "")), values))
    return out


AREA_NAMES = ("omraade", "kommune", "jobcenter")
OFFER_VALUES = ("Nytteindsats i alt", "Særligt tilrettelagt nytteindsats i alt")
BENEFIT_WORDS = ("ydelse",)


@dataclass(frozen=True)
class QueryPlan:
    """What to ask for and which columns the answer must have."""

    table: TableInfo
    params: dict[str, str]
    area_column: str
    offer_column: str


def _find(hs: list[Hierarchy], test: Callable[[Hierarchy], bool]) -> Hierarchy | None:
    return next((h for h in hs if test(h)), None)


def plan_query(table: TableInfo, meta: dict[str, Any], months: int) -> QueryPlan:
    """Name every hierarchy we rely on, with value ids from the table's metadata.

    A hierarchy the query does not name is collapsed to its total and gets no
    column; so the offer hierarchy is named with the nytteindsats members' ids (a
    total over all offers must never be stored as nytteindsats), and the area
    hierarchy with ``*`` (every municipality and the whole country). The benefit
    group hierarchy is left unnamed on purpose: its total is every benefit group."""
    hs = hierarchies(meta)
    area = _find(hs, lambda h: any(w in _fold(h.name) for w in AREA_NAMES))
    offer = _find(hs, lambda h: all(v in h.values for v in OFFER_VALUES[:1]))
    missing = [n for n, h in (("Område", area), ("tilbud med 'Nytteindsats i alt'", offer))
               if h is None]
    if missing:
        raise JobindsatsLayoutError(
            f"Tabellen {table.table_id} har ikke hierarkiet {' og '.join(missing)}; "
            "tabellens opbygning er ændret. Ingen tal er ændret.")
    assert area is not None and offer is not None
    ids = [offer.values[v] for v in OFFER_VALUES if v in offer.values]
    return QueryPlan(
        table=table,
        params={"period.M": f"latest:{months}", f"hierarchy.{area.hierarchy_id}": "*",
                f"hierarchy.{offer.hierarchy_id}": ",".join(ids), "mgroup.*": "*"},
        area_column=area.name, offer_column=offer.name,
    )


def covers_all_benefits(meta: dict[str, Any]) -> bool:
    """A table whose benefit-group hierarchy holds both dagpenge and kontanthjælp."""
    for h in hierarchies(meta):
        if any(w in _fold(h.name) for w in BENEFIT_WORDS):
            names = " ".join(_fold(v) for v in h.values)
            return "dagpenge" in names and "kontanthjaelp" in names
    return False


def choose_table(client: JobindsatsClient) -> tuple[TableInfo, dict[str, Any]]:
    """The offers table over every benefit group nytteindsats can be given to.

    Nytteindsats is for recipients of kontanthjælp, uddannelseshjælp, overgangsydelse
    and dagpenge (docs/council.md); a table of one benefit family (y60c02 is the
    kontanthjælp family's) would leave some out. Candidates are tables whose name
    speaks of offers; the first whose metadata has the nytteindsats members and a
    benefit-group hierarchy with both dagpenge and kontanthjælp is used."""
    infos = table_infos(client.tables())
    candidates = [t for t in infos if "tilbud" in _fold(t.table_name)]
    for t in candidates:
        meta = client.table(t.table_id)
        offer_ok = any(OFFER_VALUES[0] in h.values for h in hierarchies(meta))
        if offer_ok and covers_all_benefits(meta):
            return t, meta
    raise JobindsatsLayoutError(
        "Jobindsats har ingen tabel med tilbuddet 'Nytteindsats i alt' for alle "
        "ydelsesgrupper (kontanthjælp og dagpenge); tabellernes opbygning er ændret. "
        "Ingen tal er ændret.")


__all__ = [
    "BASE_URL",
    "NYTTE_TABLE",
    "TOKEN_ENV",
    "JobindsatsClient",
    "JobindsatsError",
    "choose_table",
    "nytte_query",
    "plan_query",
    "resolve_token",
]

"""A requests adapter that answers from recorded Jobindsats responses (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter

FIXTURES = Path(__file__).parent / "fixtures" / "jobindsats"

Answer = tuple[int, Any, dict[str, str]] | Callable[[requests.PreparedRequest], Any]


class RecordedAdapter(BaseAdapter):
    def __init__(self, answers: Mapping[str, Answer]) -> None:
        super().__init__()
        self.answers = dict(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(  # type: ignore[override]  # a fake: it ignores the transport options
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.requests.append(request)
        path = urlsplit(request.url or "").path.removeprefix("/v3/")
        answer = self.answers.get(path)
        if answer is None:
            status, body, headers = 404, {"message": "not found"}, {}
        elif callable(answer):
            result = answer(request)  # may raise, e.g. requests.Timeout
            status, body, headers = result
        else:
            status, body, headers = answer
        resp = requests.Response()
        resp.status_code = status
        resp.headers.update(headers)
        resp._content = (body if isinstance(body, bytes)
                         else json.dumps(body, ensure_ascii=False).encode("utf-8"))
        resp.url = request.url or ""
        resp.request = request
        return resp

    def close(self) -> None:
        pass


def recorded_session(answers: Mapping[str, Answer]) -> tuple[requests.Session, RecordedAdapter]:
    session = requests.Session()
    adapter = RecordedAdapter(answers)
    session.mount("https://", adapter)
    return session, adapter


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def ok(name: str) -> tuple[int, Any, dict[str, str]]:
    return 200, fixture(name), {"Content-Type": "application/json"}


# --- A local fake of the API v3 that behaves like it ---------------------------------
#
# Shapes as the live API answers (seen in public code that calls it; docs/council.md):
# ``tables`` is a list of subjects -> table_groups -> tables; ``table/{id}`` has periods
# and dimensions -> hierarchies -> levels -> values; ``data/{id}`` answers
# ``{"columns": [...], "rows": [[...]]}`` with Periode, Område, one column per hierarchy
# the query names, then the measures. A hierarchy the query does not name is collapsed
# to its total and gets no column. Counts are JSON integers, hidden ones null. A wrong
# query is HTTP 422 with code, cause and request_id. With ``*`` the area hierarchy can
# repeat a row (the API does; the client must drop identical repeats).

import itertools  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

ALL_TABLE = "y30c02"  # illustrative id of an offers table over all benefit groups
KH_TABLE = "y60c02"  # the kontanthjælp family's offers table
TOKEN = "hemmelig-noegle"
AREAS = ("Hele landet", "København", "Greve", "Dragør", "Odense")
MONTHS = ("2025M01", "2025M02", "2025M03")
OFFERS = {"1": "Tilbud i alt", "4": "Virksomhedspraktik i alt", "7": "Nytteindsats i alt",
          "8": "Særligt tilrettelagt nytteindsats i alt"}
BENEFITS = {"dp": "A-dagpenge", "kh": "Kontanthjælp", "uh": "Uddannelseshjælp"}
MEASURES = ("Antal aktiverede", "Antal aktiveringsforløb")


def fact(area: str, month: str, offer: str, benefit: str) -> int:
    """Persons activated (deterministic): Dragør is small, the country large."""
    if area == "Dragør":  # a handful: Jobindsats hides it
        return 1 + MONTHS.index(month) if (offer, benefit) == ("7", "kh") else 0
    size = {"Hele landet": 400, "København": 60, "Greve": 9, "Odense": 20}[area]
    base = {"4": 3, "7": 2, "8": 1}[offer] * size
    return base * {"dp": 1, "kh": 3, "uh": 2}[benefit] + MONTHS.index(month)


def _value(area: str, month: str, offers: list[str], benefits: list[str], m: int) -> int:
    total = sum(fact(area, month, o, b) for o in offers for b in benefits)
    return total + (total // 10 if m == 1 else 0)  # forløb: a few persons have two


def tables_answer() -> list[dict[str, Any]]:
    def table(tid: str, name: str) -> dict[str, Any]:
        return {"table_id": tid, "table_name": name, "update_latest": "2025-05-02",
                "update_next": "2025-06-03"}

    return [
        {"subject_id": "s1", "subject_name": "Ledighed", "table_groups": [
            {"table_group_id": "g1", "table_group_name": "Ledighed",
             "tables": [table("y25i01", "Ledighed")]}]},
        {"subject_id": "s2", "subject_name": "Aktivering", "table_groups": [
            {"table_group_id": "g2", "table_group_name": "Kontanthjælp (samlet)",
             "tables": [table(KH_TABLE, "Tilbud - kontanthjælp (samlet)")]},
            {"table_group_id": "g3", "table_group_name": "Alle ydelsesgrupper",
             "tables": [table(ALL_TABLE, "Tilbud - alle ydelsesgrupper")]}]},
    ]


def _hierarchy(hid: str, name: str, values: dict[str, str], total: str) -> dict[str, Any]:
    return {"hierarchy_id": hid, "hierarchy_name": name, "levels": [
        {"level_id": 1, "values": [{"value_id": "/", "value_name": total}]},
        {"level_id": 2, "values": [{"value_id": k, "value_name": v}
                                   for k, v in values.items()]}]}


def table_answer(tid: str) -> dict[str, Any]:
    benefits = BENEFITS if tid == ALL_TABLE else {"kh": "Kontanthjælp", "uh": "Uddannelseshjælp"}
    areas = {f"a{i}": a for i, a in enumerate(AREAS)}
    return {
        "table_id": tid,
        "periods": [{"periodtype_id": "M", "values": [{"period_id": p} for p in MONTHS]}],
        "dimensions": [
            {"dimension_id": "_omraade", "hierarchies": [
                _hierarchy("_nykom", "Område", areas, "Hele landet")]},
            {"dimension_id": "_tilbud", "hierarchies": [
                _hierarchy("_tilbud", "Tilbud", OFFERS, "Tilbud i alt")]},
            {"dimension_id": "_ydelse", "hierarchies": [
                _hierarchy("_ygrp", "Ydelsesgruppe", benefits, "Alle ydelsesgrupper")]},
        ],
        "measure_groups": [{"mgroup_id": "mgrpc02_1", "measures": [
            {"measure_id": f"measc02_{i}", "measure_name": m}
            for i, m in enumerate(MEASURES, start=1)]}],
    }


class QueryError(Exception):
    pass


def data_answer(tid: str, query: dict[str, str], duplicates: bool = True) -> dict[str, Any]:
    meta = table_answer(tid)
    benefits = [k for k in BENEFITS if k in str(meta)]
    known = {"_nykom", "_tilbud", "_ygrp"}
    named: dict[str, str] = {}
    for key, value in query.items():
        if key.startswith("hierarchy."):
            hid = key.removeprefix("hierarchy.")
            if hid not in known:
                raise QueryError(f"Unknown hierarchy '{hid}' for table '{tid}'")
            named[hid] = value
        elif key not in ("period.M", "mgroup.*", "format"):
            raise QueryError(f"Unknown parameter '{key}'")
    if not str(query.get("period.M", "")).startswith("latest:"):
        raise QueryError("period.M must be latest:N")
    n = int(query["period.M"].split(":")[1])
    months = list(MONTHS[-n:])

    def members(hid: str, all_ids: dict[str, str], total_name: str
                ) -> list[tuple[str, list[str]]]:
        """(label, leaf ids) per member the query asks for."""
        if hid not in named or named[hid] == "/":
            return [(total_name, [k for k in all_ids if k != "1"])]
        if named[hid] == "*":
            return [(total_name, [k for k in all_ids if k != "1"]),
                    *((v, [k]) for k, v in all_ids.items() if k != "1")]
        out = []
        for vid in named[hid].split(","):
            if vid not in all_ids:
                raise QueryError(f"Unknown value id '{vid}' for hierarchy '{hid}'")
            out.append((all_ids[vid], [vid] if vid != "1" else [k for k in all_ids
                                                                 if k != "1"]))
        return out

    area_ids = {f"a{i}": a for i, a in enumerate(AREAS)}
    areas = ([AREAS[0]] if named.get("_nykom", "/") == "/" else
             list(AREAS) if named["_nykom"] == "*" else
             [area_ids[v] for v in named["_nykom"].split(",")])
    offer_members = members("_tilbud", OFFERS, "Tilbud i alt")
    benefit_ids = {k: BENEFITS[k] for k in benefits}
    benefit_members = (members("_ygrp", benefit_ids, "Alle ydelsesgrupper")
                       if "_ygrp" in named else [("", benefits)])
    columns = ["Periode", "Område"]
    if "_tilbud" in named:
        columns.append("Tilbud")
    if "_ygrp" in named:
        columns.append("Ydelsesgruppe")
    columns += list(MEASURES)
    rows = []
    for month, area, (offer, offer_leaves), (benefit, ben_leaves) in itertools.product(
            months, areas, offer_members, benefit_members):
        row: list[Any] = [month, area]
        if "_tilbud" in named:
            row.append(offer)
        if "_ygrp" in named:
            row.append(benefit)
        for m in range(len(MEASURES)):
            v = _value(area, month, offer_leaves, ben_leaves, m)
            row.append(None if 0 < v < 5 else v)  # Jobindsats hides small counts
        rows.append(row)
    if duplicates and named.get("_nykom") == "*" and rows:
        rows.insert(1, list(rows[0]))  # the API repeats a row now and then with '*'
    return {"columns": columns, "rows": rows}


class FakeJobindsats:
    """Answers like the API; records every query it received."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, dict[str, str]]] = []
        self.override: dict[str, tuple[int, Any]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path, _, qs = self.path.partition("?")
                query = {k: v[0] for k, v in parse_qs(qs).items()}
                path = path.removeprefix("/v3/")
                fake.queries.append((path, query))
                status, body = fake.answer(path, query,
                                           self.headers.get("Authorization", ""))
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"

    def answer(self, path: str, query: dict[str, str], auth: str) -> tuple[int, Any]:
        if auth != f"Bearer {TOKEN}":
            return 401, {"code": "Unauthorized", "cause": "Invalid token",
                         "request_id": "r-401"}
        if query.get("format") != "json":
            return 422, {"code": "InvalidQuery", "cause": "format must be json",
                         "request_id": "r-fmt"}
        if path in self.override:
            return self.override[path]
        if path == "tables":
            return 200, tables_answer()
        if path.startswith("table/"):
            tid = path.removeprefix("table/")
            return (200, table_answer(tid)) if tid in (ALL_TABLE, KH_TABLE) else (
                404, {"code": "NotFound", "cause": "no such table", "request_id": "r-404"})
        if path.startswith("data/"):
            try:
                return 200, data_answer(path.removeprefix("data/"), query)
            except QueryError as exc:
                return 422, {"code": "InvalidQuery", "cause": str(exc),
                             "request_id": "a1b2c3d4-0000-4000-8000-000000000422"}
        return 404, {"code": "NotFound", "cause": path, "request_id": "r-404"}


@contextmanager
def fake_jobindsats() -> Iterator[FakeJobindsats]:
    fake = FakeJobindsats()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()

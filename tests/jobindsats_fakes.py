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

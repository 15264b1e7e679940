"""Hardened configuration: production settings in .streamlit/config.toml, secrets
never in git, the WebSocket refusing unknown hosts, and the dependency audit in
`make test` that does not call an unchecked audit a pass."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import socket
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.server import running_app
from tests.trust_helpers import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def _config() -> dict[str, Any]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_production_settings() -> None:
    cfg = _config()
    server, client = cfg["server"], cfg["client"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert "*" not in server.get("corsAllowedOrigins", [])
    hosts = server["allowedHosts"]
    assert hosts and "*" not in hosts
    assert 0 < server["maxUploadSize"] <= 50
    assert server.get("enableAgentApi", False) is False
    assert "trustedUserHeaders" not in server  # identity comes from OIDC, never headers
    assert server.get("enableStaticServing", False) is False
    assert client["showErrorDetails"] == "none"
    assert client.get("showErrorLinks") is False
    assert cfg["browser"]["gatherUsageStats"] is False


def test_every_setting_is_a_real_streamlit_option() -> None:
    """A misspelt key would be ignored silently by Streamlit; here it fails."""
    from streamlit import config as st_config

    options = st_config.get_config_options()
    for section, values in _config().items():
        for key in values:
            assert f"{section}.{key}" in options, f"unknown option {section}.{key}"


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_secrets_file_is_ignored_by_git() -> None:
    assert _git("check-ignore", "-q", ".streamlit/secrets.toml").returncode == 0
    assert ".streamlit/secrets.toml" not in _git("ls-files").stdout.split()


SECRET_RE = re.compile(
    r"""(cookie_secret|client_secret|password|secret_key|api_key)\s*[=:]\s*["']([^"'\s]{8,})["']""",
    re.IGNORECASE,
)
# Placeholders in examples, and templates that fill in a secret made at run time.
PLACEHOLDER_WORDS = ("replace", "from-your", "change", "example", "<", "xxx", "your-", "{")


def test_no_committed_file_holds_a_secret() -> None:
    offenders = []
    for name in _git("ls-files").stdout.split():
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for m in SECRET_RE.finditer(content):
            value = m.group(2).lower()
            if not any(w in value for w in PLACEHOLDER_WORDS):
                offenders.append(f"{name}: {m.group(1)}")
    assert offenders == []


def test_secret_scan_would_catch_a_real_secret() -> None:
    sample = "cookie_" + 'secret = "Zq8xv1Lr0pWm3Tn6Yb2Kc9Hd4Jf7Gs5A"'
    m = SECRET_RE.search(sample)
    assert m and not any(w in m.group(2).lower() for w in PLACEHOLDER_WORDS)


def _handshake(port: int, host: str) -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: http://{host}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(200).decode(errors="replace").split("\r\n")[0]


@pytest.mark.browser  # starts a real server
def test_websocket_refuses_a_host_not_allowed(demo_sqlite: Engine) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        port = int(base.rsplit(":", 1)[1])
        assert " 101 " in _handshake(port, f"127.0.0.1:{port}")
        refused = _handshake(port, "evil.example")
        assert " 101 " not in refused and refused.startswith("HTTP/1.1 4"), refused


def test_make_test_runs_the_dependency_audit() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prereqs = re.search(r"^test:(?! export)(.*)$", makefile, re.MULTILINE)
    assert prereqs and "audit" in prereqs.group(1).split()
    assert "scripts/audit_dependencies.py requirements.txt" in makefile


def _audit_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("deps", "allow", "code"),
    [
        ([{"name": "a", "version": "1", "vulns": []}], "", 0),
        ([{"name": "a", "version": "1", "vulns": [{"id": "PYSEC-1", "fix_versions": ["2"]}]}],
         "1", 1),
        ([{"name": "a", "skip_reason": "Dependency not found on PyPI"}], "", 1),
        ([{"name": "a", "skip_reason": "Dependency not found on PyPI"}], "1", 0),
    ],
    ids=["clean", "vulnerable", "unchecked", "unchecked-allowed"],
)
def test_audit_wrapper_never_passes_silently(monkeypatch: pytest.MonkeyPatch, deps: list[Any],
                                             allow: str, code: int) -> None:
    module = _audit_module()

    def fake_run(cmd: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        out = Path(cmd[cmd.index("-o") + 1])
        out.write_text(json.dumps({"dependencies": deps}), encoding="utf-8")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    monkeypatch.setenv("NYTTE_AUDIT_ALLOW_UNCHECKED", allow)
    assert module.main(["x", "requirements.txt"]) == code


def test_make_run_allows_this_machine_only() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'STREAMLIT_SERVER_ALLOWED_HOSTS="$(ALLOWED_HOSTS)"' in makefile
    assert "ALLOWED_HOSTS ?= localhost 127.0.0.1" in makefile and "*" not in re.search(
        r"^ALLOWED_HOSTS \?=(.*)$", makefile, re.MULTILINE).group(1)  # type: ignore[union-attr]

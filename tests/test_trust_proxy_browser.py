"""The README's reverse proxy, for real: nginx runs docs/deploy/nginx.conf (with a
test certificate and loopback ports) in front of the app, and a browser uses Nytte
through it over TLS: the websocket connects, pages with charts and forms work under
the content-security policy (no violation reported), and the responses carry the
frame protection. With two replicas behind it, a session's download still works
(sticky sessions)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from tests.browser_checks import choose_role
from tests.server import free_port, running_app, wait_for_run
from tests.trust_helpers import ROOT, settle

pytestmark = pytest.mark.browser

CONF = ROOT / "docs" / "deploy" / "nginx.conf"
LOCAL_NGINX = ROOT / ".cache" / "nginx" / "usr" / "sbin" / "nginx"  # `make proxy-deps`


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found:
        return found
    if LOCAL_NGINX.exists():
        return str(LOCAL_NGINX)
    pytest.fail("nginx is not installed; run `make proxy-deps` (make test does).")


def local_conf(tmp: Path, port: int, http_port: int, upstreams: list[int]) -> Path:
    """The shipped file with this machine's loopback ports and a test certificate."""
    text = CONF.read_text(encoding="utf-8")
    text = text.replace("wss://nytte.kommune.dk", f"wss://127.0.0.1:{port}")
    text = text.replace("nytte.kommune.dk", "127.0.0.1")
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("/etc/ssl/nytte/fullchain.pem", str(tmp / "cert.pem"))
    text = text.replace("/etc/ssl/nytte/privkey.pem", str(tmp / "key.pem"))
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams)
    text = text.replace("    server 127.0.0.1:8501;", servers)
    listens = re.findall(r"^\s*listen\s+(\S+)", text, re.MULTILINE)
    assert listens and all(x.startswith("127.0.0.1:") for x in listens), listens
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir(exist_ok=True)
    main = tmp / "nginx.conf"
    main.write_text(
        f"pid {tmp / 'nginx.pid'};\nerror_log stderr;\ndaemon off;\nworker_processes 1;\n"
        "events { worker_connections 256; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {tmp / 'body'};\n  proxy_temp_path {tmp / 'proxy'};\n"
        f"  fastcgi_temp_path {tmp / 'fastcgi'};\n  uwsgi_temp_path {tmp / 'uwsgi'};\n"
        f"  scgi_temp_path {tmp / 'scgi'};\n"
        "  types { text/html html; application/javascript js; text/css css; }\n"
        f"{text}\n}}\n",
        encoding="utf-8",
    )
    return main


@contextmanager
def nginx(tmp: Path, upstreams: list[int]) -> Iterator[str]:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True)
    port, http_port = free_port(), free_port()
    conf = local_conf(tmp, port, http_port, upstreams)
    binary = nginx_binary()
    check = subprocess.run([binary, "-t", "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([binary, "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"https://127.0.0.1:{port}"
    try:
        import ssl

        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2,
                                            context=ctx) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def behind_proxy(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    with ExitStack() as stack:
        apps = [stack.enter_context(running_app({"NYTTE_DATABASE_URL": url}))
                for _ in range(2)]
        ports = [int(a.rsplit(":", 1)[1]) for a in apps]
        yield stack.enter_context(nginx(tmp_path_factory.mktemp("nginx"), ports))


def test_the_app_works_through_the_proxy_under_its_csp(browser: Browser,
                                                       behind_proxy: str) -> None:
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    response = page.goto(behind_proxy)
    assert response is not None
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "max-age=" in headers["strict-transport-security"]
    wait_for_run(page)
    assert page.locator("[data-testid='stApp']").get_attribute(
        "data-test-connection-state") == "CONNECTED"
    choose_role(page, "Koordinator / holdleder")
    for title in ("Fremmødeoverblik", "Morgenregistrering"):
        page.get_by_role("link", name=title, exact=True).click()
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
    page.get_by_role("tab", name="Mødeliste (PDF)").click()
    with page.expect_download() as download:  # a file from the session's own replica
        page.get_by_role("button", name="Hent mødeliste (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Fremmødeoverblik", exact=True).click()
    settle(page)
    page.screenshot(path=str(Path("test-results") / "behind_nginx.png"), full_page=True)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    assert violations == [], "\n".join(violations)
    context.close()


def test_another_site_cannot_frame_the_app(browser: Browser, behind_proxy: str) -> None:
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.set_content(f'<iframe id="f" src="{behind_proxy}" width="800" height="600"></iframe>')
    page.wait_for_timeout(3000)
    frame = page.frame_locator("#f")
    assert frame.locator("[data-testid='stApp']").count() == 0
    context.close()

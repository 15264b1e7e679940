"""Start the real app (`streamlit run app.py`) for a benchmark, and optionally nginx in
front of several app processes with docs/deploy/nginx.conf (sticky sessions).

The same start-up as the browser tests, kept here because benchmarks never import the
test suite."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "docs" / "deploy" / "nginx.conf"
LOCAL_NGINX = ROOT / ".cache" / "nginx" / "usr" / "sbin" / "nginx"  # `make proxy-deps`


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def insecure_tls() -> ssl.SSLContext:
    """A client context for the proxy's throw-away loopback certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def wait_healthy(base: str, seconds: float, context: ssl.SSLContext | None = None) -> None:
    """Wait until a Streamlit server (or the proxy in front of it) answers its health check."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2,
                                        context=context) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base} did not answer within {seconds:.0f} s") from None
            time.sleep(0.3)


# The app's root element once a script run is over and the websocket is up: what a
# browser-driven check waits for before it reads the page.
APP_IDLE = ("[data-testid='stApp'][data-test-script-state='notRunning']"
            "[data-test-connection-state='CONNECTED']")


def load_text() -> str:
    """The machine load, printed beside every figure (this machine has other users)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


@dataclass(frozen=True)
class AppServer:
    base: str  # http://127.0.0.1:<port>
    pid: int


def streamlit_command(port: int, extra_args: Sequence[str] = ()) -> list[str]:
    """The app served as in production (serve.py: `streamlit run app.py` with the app's
    modules imported first), headless on a loopback port, without the file watcher."""
    return [sys.executable, "serve.py", "--server.headless=true",
            f"--server.port={port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", *extra_args]


@contextmanager
def running_app(env: dict[str, str], *, extra_args: Sequence[str] = (),
                log: Path | None = None, port: int | None = None,
                cwd: Path = ROOT) -> Iterator[AppServer]:
    """Serve app.py on a loopback port (a free one unless given); yield its address
    and process id; stop it afterwards."""
    port = port or free_port()
    cmd = streamlit_command(port, extra_args)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env},
                            stdout=out, stderr=out)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", 60)
        yield AppServer(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log and not isinstance(out, int):
            out.close()


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found:
        return found
    if LOCAL_NGINX.exists():
        return str(LOCAL_NGINX)
    raise RuntimeError("nginx is not installed; run `make proxy-deps`")


def _local_conf(tmp: Path, port: int, http_port: int, upstreams: list[int]) -> Path:
    """The shipped nginx file with loopback ports, a throw-away certificate and the
    given app processes as its replicas."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    text = text.replace("wss://nytte.kommune.dk", f"wss://127.0.0.1:{port}")
    text = text.replace("nytte.kommune.dk", "127.0.0.1")
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("/etc/ssl/nytte/fullchain.pem", str(tmp / "cert.pem"))
    text = text.replace("/etc/ssl/nytte/privkey.pem", str(tmp / "key.pem"))
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams)
    text = text.replace("    server 127.0.0.1:8501;", servers)
    listens = re.findall(r"^\s*listen\s+(\S+)", text, re.MULTILINE)
    if not listens or not all(x.startswith("127.0.0.1:") for x in listens):
        raise RuntimeError(f"nginx would listen beyond loopback: {listens}")
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir(exist_ok=True)
    main = tmp / "nginx.conf"
    main.write_text(
        f"pid {tmp / 'nginx.pid'};\nerror_log stderr;\ndaemon off;\nworker_processes 1;\n"
        "events { worker_connections 1024; }\n"
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
def nginx(tmp: Path, upstreams: list[int]) -> Iterator[tuple[str, int]]:
    """nginx with docs/deploy/nginx.conf in front of ``upstreams``; yields its https
    address and process id."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True)
    port, http_port = free_port(), free_port()
    conf = _local_conf(tmp, port, http_port, upstreams)
    binary = nginx_binary()
    check = subprocess.run([binary, "-t", "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    proc = subprocess.Popen([binary, "-p", str(tmp), "-e", "stderr", "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{port}"
    try:
        wait_healthy(base, 20, insecure_tls())
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)

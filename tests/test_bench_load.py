"""The load benchmark (`make bench-load`) works end to end: a quick smoke run of two
sessions for a few seconds against the demo database, over Streamlit's websocket."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlalchemy import Engine

from tests.server import ROOT

pytestmark = pytest.mark.slow


def test_load_bench_smoke(demo_sqlite: Engine) -> None:
    url = demo_sqlite.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "load", "--db", url, "--roles", "admin",
         "--users", "2", "--think", "0.5", "--duration", "3", "--solo-runs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Machine load at start" in out and "Machine load at end" in out
    # The solo table: every admin page, its first view and CPU per warm re-run.
    for page in ("forside", "screeningpolitik", "administration"):
        assert re.search(rf"^admin\s+{page}\s+\d+\.\d+\s+\d+\.\d+\s+\d+$", out, re.M), out
    # The summary row: 2 sessions, some re-runs per second, no errors, a server RSS.
    row = re.search(r"^\s+2\s+0\.5\s+(\d+\.\d)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+0$",
                    out, re.M)
    assert row, out
    assert float(row.group(1)) > 0 and int(row.group(2)) > 50

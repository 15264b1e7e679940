"""Time the attendance pages in AppTest: the first (cold, uncached) run of each page
and warm reruns (cached). Needs NYTTE_DATABASE_URL; run by
`python -m nytte attendance bench`, which prints these lines beside its own."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nytte.core.auth import Role  # noqa: E402
from nytte.core.navigation import PAGES_BY_KEY  # noqa: E402

PAGES = ("fremmoede", "fremmoedeoverblik", "kapacitet", "tragt", "fravaer", "risikoliste")
WARM_RUNS = 5
TITLES = {k: PAGES_BY_KEY[k].title for k in PAGES}


def main() -> int:
    import logging

    import streamlit as st

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    worst = 0.0
    for key in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["nytte_demo_role"] = Role.KOORDINATOR
        at.run()
        at._page_hash = calc_hash(key)
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        if at.exception or not at.title or at.title[0].value != TITLES[key]:
            print(f"{key}: FEJL {[e.value for e in at.exception]} {[t.value for t in at.title]}")
            return 1
        warm = []
        for _ in range(WARM_RUNS):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        med = statistics.median(warm)
        worst = max(worst, med)
        print(
            f"page {key:<18} warm median {med * 1000:7.0f} ms   max {max(warm) * 1000:7.0f} ms"
            f"   cold (no cache, baseline) {cold * 1000:7.0f} ms   "
            f"{'OK' if med <= 0.5 else 'OVER 500 ms'}"
        )
    print(f"pages: worst warm median {worst * 1000:.0f} ms (budget 500 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

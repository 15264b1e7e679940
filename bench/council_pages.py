"""Time the council area's pages in AppTest with a warm cache (the issue asks ≤ 0.5 s).

Run by `python -m nytte council bench` (or alone) against NYTTE_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402

from nytte.core.auth import Role  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for role, page in ((Role.LEDER, "ledelse"), (Role.RAAD, "raad")):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["nytte_demo_role"] = role
        at.run()
        at._page_hash = calc_hash(page)
        at.run()  # cold: fills the caches
        if at.exception:
            print(f"Side '{page}': fejl {[e.value for e in at.exception]}")
            continue
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
        med = statistics.median(times)
        verdict = "OK" if med <= 500 else "FOR LANGSOM"
        print(f"Side '{page}' (AppTest, varm cache): median {med:.0f} ms "
              f"(bedste {min(times):.0f} ms)  krav ≤ 500 ms: {verdict}")


if __name__ == "__main__":
    main()

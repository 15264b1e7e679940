"""`python -m bench <area> [options]`: run one area's benchmark, or all of them."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREAS = {
    "attendance": "bench.attendance",
    "at-risk": "bench.at_risk",
    "screening": "bench.screening",
    "council": "bench.council",
    "import": "bench.import_referrals",
    "load": "bench.load",
    "browser": "bench.browser",
}
# `all` leaves out the load and browser benchmarks: they start servers (and a browser)
# (`make bench-load`).
IN_ALL = tuple(a for a in AREAS if a not in ("load", "browser"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in (*AREAS, "all"):
        print(f"usage: python -m bench {{{'|'.join((*AREAS, 'all'))}}} [options]",
              file=sys.stderr)
        return 2
    area, rest = argv[0], argv[1:]
    if area == "all":
        worst = 0
        for name in IN_ALL:  # each in a process of its own: no shared caches or engines
            print(f"== {name} ==", flush=True)
            done = subprocess.run([sys.executable, "-m", "bench", name], cwd=ROOT, check=False)
            worst = max(worst, done.returncode)
        return worst
    module = importlib.import_module(AREAS[area])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

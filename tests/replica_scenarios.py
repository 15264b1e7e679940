"""A second app process for the cross-replica cache test.

``python -m tests.replica_scenarios save-roll`` runs app.py in AppTest in this fresh
interpreter (its own Streamlit caches, like another replica behind the load
balancer) against NYTTE_DATABASE_URL and saves the morning roll of ROLL_DAY for the
coordinator's second unit, everyone present."""

from __future__ import annotations

import sys
from datetime import date

from nytte.core.auth import Role
from tests.apptest_helpers import open_page

ROLL_DAY = date(2026, 11, 23)
ROLL_UNIT = 2


def save_roll() -> str:
    at = open_page(Role.KOORDINATOR, "fremmoede")
    at.selectbox(key="fremmoede:unit").select_index(ROLL_UNIT - 1).run()
    at.date_input(key="fremmoede:day").set_value(ROLL_DAY).run()
    ctx = f"{ROLL_UNIT}:None:{ROLL_DAY.isoformat()}"
    at.button(key=f"fremmoede:allbtn:{ctx}").click().run()
    at.button(key=f"fremmoede:save:{ctx}").click().run()
    if at.exception:
        return "error: " + "; ".join(str(e.value) for e in at.exception)
    saved = [s.value for s in at.success if "Gemt:" in s.value]
    return saved[0] if saved else "error: " + "; ".join(str(e.value) for e in at.error)


if __name__ == "__main__":
    if sys.argv[1:] != ["save-roll"]:
        raise SystemExit("usage: python -m tests.replica_scenarios save-roll")
    print(save_roll())

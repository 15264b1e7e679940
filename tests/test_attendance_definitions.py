"""Every figure on the attendance pages has a written definition, and every written
definition is used (the docs stay honest)."""

from __future__ import annotations

import ast
from pathlib import Path

from nytte.attendance.definitions import DEFINITIONS
from nytte.kpis.attendance import definition

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("roll", "attendance_overview", "capacity", "referral_funnel", "absence_notices", "at_risk")


def _used_keys() -> set[str]:
    keys = set()
    for name in PAGES:
        tree = ast.parse((ROOT / "pages" / f"{name}.py").read_text(encoding="utf-8"))
        # A key passed to definition_popover/definition, directly or from a tuple of keys.
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in DEFINITIONS
            ):
                keys.add(node.value)
    return keys


def test_every_definition_has_a_label_and_text() -> None:
    for d in DEFINITIONS.values():
        assert d.label and len(d.text) > 40, d.key
        assert d.unit in {"antal", "andel", "timer"}, d.key


def test_every_definition_is_shown_on_a_page() -> None:
    used = _used_keys()
    assert set(DEFINITIONS) <= used, set(DEFINITIONS) - used


def test_the_stable_rule_is_filled_in() -> None:
    text = definition("funnel_stable", weeks=4, share="80 %", min_days=8).text
    assert "4 uger" in text and "80 %" in text and "{" not in text

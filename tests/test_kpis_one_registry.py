"""Every figure on the attendance pages is in the one KPI registry (nytte.kpis)."""

from __future__ import annotations

from nytte import kpis
from nytte.attendance.definitions import DEFINITIONS
from nytte.kpis.attendance import registry_key


def test_every_attendance_figure_is_registered() -> None:
    missing = [k for k in DEFINITIONS if registry_key(k) not in kpis.registry()]
    assert missing == []


def test_attendance_registry_entries_carry_the_pages_text() -> None:
    for key, d in DEFINITIONS.items():
        kpi = kpis.get(registry_key(key))
        if key in ("attendance_rate", "hours_rate", "places"):
            continue  # shared with the overview: the overview's text is the registry's
        assert kpi.definition == d.text and kpi.name == d.label

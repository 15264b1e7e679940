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
        assert kpi.definition == d.text and kpi.name == d.label


def test_the_pages_read_one_text_per_figure() -> None:
    """A figure shown on both the attendance pages and the overview has one text:
    the registry's (Belægning is the overview's capacity_use)."""
    from nytte.kpis.attendance import definition

    for page_key, registry in (("attendance_rate", "attendance_rate"),
                               ("hours_rate", "hours_rate"), ("places", "places"),
                               ("occupancy", "capacity_use")):
        d, kpi = definition(page_key), kpis.get(registry)
        assert (d.label, d.text) == (kpi.name, kpi.definition)
    assert definition("occupancy").label == "Belægning"
    assert not [k for k in kpis.registry() if kpis.get(k).name == "Belægning" and
                k != "capacity_use"]

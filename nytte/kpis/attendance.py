"""The attendance and capacity figures (the roll, dashboards, funnel, absence notices,
at-risk list) in the one KPI registry.

Their Danish texts live beside the attendance pages (nytte/attendance/definitions.py,
which the pages' popovers read); registering them here keeps one registry that the
tests check. A figure that means the same as an overview KPI is not registered
twice; the attendance pages' "enrolled" is per day, unlike the overview's per-period
figure, so it is registered as ``enrolled_on_day``."""

from __future__ import annotations

from nytte.attendance.definitions import DEFINITIONS
from nytte.kpis.model import KPI, Unit

SAME_AS_OVERVIEW = frozenset({"attendance_rate", "hours_rate", "places"})
RENAMED = {"enrolled": "enrolled_on_day"}
SOURCE = "Nytte: enhedens fremmøderegistrering og henvisninger (tabellerne attendance og referral)"
_UNITS = {"antal": Unit.COUNT, "andel": Unit.SHARE, "timer": Unit.HOURS}


def registry_key(attendance_key: str) -> str:
    """The key in nytte.kpis of a figure on the attendance pages."""
    return RENAMED.get(attendance_key, attendance_key)


KPIS = [
    KPI(
        key=registry_key(d.key),
        name=d.label,
        definition=d.text,
        formula=d.text,
        unit=_UNITS[d.unit],
        source=SOURCE,
    )
    for d in DEFINITIONS.values()
    if d.key not in SAME_AS_OVERVIEW
]

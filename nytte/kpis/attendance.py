"""The attendance and capacity figures (the roll, dashboards, funnel, absence notices,
at-risk list) in the one KPI registry.

Their Danish texts are written in nytte/attendance/definitions.py; the pages read
every text back through the registry. A figure that means the same as an overview
KPI is defined once, there: the attendance pages' attendance rate, hours, places
and Belægning (``occupancy`` -> ``capacity_use``) are the overview's. The attendance
pages' "enrolled" is per day, unlike the overview's per-period figure, so it is
registered as ``enrolled_on_day``."""

from __future__ import annotations

from nytte.attendance.definitions import DEFINITIONS, Definition
from nytte.kpis.model import KPI, Unit

RENAMED = {"enrolled": "enrolled_on_day", "occupancy": "capacity_use"}
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
]


def definition(key: str, **params: object) -> Definition:
    """The registry's definition of the figure ``key`` on the attendance pages;
    ``params`` fill placeholders such as the stable rule."""
    from nytte import kpis

    kpi = kpis.get(registry_key(key))
    text = kpi.definition.format(**params) if params else kpi.definition
    return Definition(key, kpi.name, text, kpi.unit.value)

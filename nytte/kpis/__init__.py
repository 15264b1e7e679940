"""The one registry of key figures (nøgletal).

Every figure Nytte shows a manager or the regional council is defined here, with
its Danish name, written definition, formula, unit and source. Areas add their own
figures in a module of this package holding ``KPIS: list[KPI]`` (see
``overview.py``); the registry finds them by itself, so adding a figure touches no
shared file. ``tests/test_council_kpis.py`` fails when a figure lacks a definition
or a figure used by a service is missing from the registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from nytte.kpis.model import KPI, KPIDefinitionError, Unit

__all__ = ["KPI", "KPIDefinitionError", "Unit", "all_kpis", "get", "registry"]

_NOT_DEFINITIONS = {"model"}


@cache
def registry() -> dict[str, KPI]:
    """All KPIs by key, from every module in this package that defines ``KPIS``."""
    found: dict[str, KPI] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in _NOT_DEFINITIONS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for kpi in getattr(module, "KPIS", []):
            if not isinstance(kpi, KPI):
                raise KPIDefinitionError(f"{info.name}.KPIS indeholder andet end nøgletal.")
            if kpi.key in found:
                raise KPIDefinitionError(f"Nøgletallet '{kpi.key}' er defineret to gange.")
            found[kpi.key] = kpi
    return found


def get(key: str) -> KPI:
    """The KPI with this key; a KeyError names the missing definition."""
    try:
        return registry()[key]
    except KeyError:
        raise KeyError(f"Nøgletallet '{key}' har ingen definition i nytte.kpis") from None


def all_kpis() -> list[KPI]:
    return list(registry().values())

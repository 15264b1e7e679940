"""Every key figure has a written definition in the one registry."""

from __future__ import annotations

import pytest

from nytte import kpis
from nytte.kpis import KPI, KPIDefinitionError, Unit


def test_every_registered_kpi_is_fully_defined() -> None:
    registry = kpis.registry()
    assert len(registry) >= 10
    for key, kpi in registry.items():
        assert kpi.key == key
        for text in (kpi.name, kpi.definition, kpi.formula, kpi.source):
            assert text.strip(), key
        assert len(kpi.definition) >= 20, key
        assert isinstance(kpi.unit, Unit)


@pytest.mark.parametrize("field", ["name", "definition", "formula", "source"])
def test_a_kpi_without_a_text_field_is_refused(field: str) -> None:
    fields = {
        "key": "demo_figure",
        "name": "Demotal",
        "definition": "Antal af noget, som det tælles i en test.",
        "formula": "antal rækker",
        "unit": Unit.COUNT,
        "source": "testen",
    }
    fields[field] = "  "
    with pytest.raises(KPIDefinitionError, match="demo_figure"):
        KPI(**fields)  # type: ignore[arg-type]


def test_unknown_kpi_names_the_missing_definition() -> None:
    with pytest.raises(KeyError, match="ikke_defineret"):
        kpis.get("ikke_defineret")

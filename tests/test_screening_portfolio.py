"""Portfolio filters and the yearly re-screening flag; consultation validation."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from nytte.screening.consultation import ConsultationError, facts, validate_consultation
from nytte.screening.documents import ConsultationRecord
from nytte.screening.portfolio import PortfolioEntry, PortfolioFilter, rescreen_due, select_entries
from nytte.screening.rulesets import ruleset_for


def entry(i: int, **kw: object) -> PortfolioEntry:
    data: dict[str, object] = dict(task_id=i, title=f"Opgave {i}", requesting_unit="TM",
                                   professional_area="teknik_miljoe", physical_demand=3,
                                   indoor_outdoor="outdoor", season="all", verdict="approve",
                                   screened_at=datetime(2026, 1, 10, 9, 0), version=1)
    data.update(kw)
    return PortfolioEntry(**data)  # type: ignore[arg-type]


TODAY = date(2026, 11, 23)


def test_rescreen_after_twelve_months() -> None:
    assert not rescreen_due(date(2025, 11, 23), TODAY)
    assert rescreen_due(date(2025, 11, 22), TODAY)
    assert rescreen_due(date(2024, 2, 29), date(2025, 3, 1))
    assert not rescreen_due(date(2024, 2, 29), date(2025, 2, 28))


def test_select_filters_for_adjustment_needs_and_winter() -> None:
    entries = [
        entry(1, physical_demand=1, indoor_outdoor="indoor", season="winter"),
        entry(2, physical_demand=5, season="summer"),
        entry(3, physical_demand=2, indoor_outdoor="both", professional_area="omsorg_pleje"),
        entry(4, verdict="reject", physical_demand=1),
        entry(5, physical_demand=2, season="summer", screened_at=datetime(2024, 5, 1)),
    ]
    light = select_entries(entries, PortfolioFilter(max_physical_demand=2), TODAY)
    assert [e.task_id for e in light] == [1, 3, 5]
    winter = select_entries(entries, PortfolioFilter(season="winter"), TODAY)
    assert [e.task_id for e in winter] == [1, 3]
    indoor = select_entries(entries, PortfolioFilter(indoor_outdoor=("indoor",)), TODAY)
    assert [e.task_id for e in indoor] == [1, 3]
    care = select_entries(entries, PortfolioFilter(professional_areas=("omsorg_pleje",)), TODAY)
    assert [e.task_id for e in care] == [3]
    due = select_entries(entries, PortfolioFilter(only_due=True), TODAY)
    assert [e.task_id for e in due] == [5]


PRE = ruleset_for(date(2025, 1, 1))
POST = ruleset_for(date(2026, 1, 1))


def rec(**kw: object) -> ConsultationRecord:
    data: dict[str, object] = dict(level="tr_p", outcome="agree", representative="Åse (TR)",
                                   consulted_on=date(2026, 2, 1), written_statement=True)
    data.update(kw)
    return ConsultationRecord(**data)  # type: ignore[arg-type]


@pytest.mark.parametrize("kw,message", [
    (dict(consulted_on=None), "datoen"),
    (dict(consulted_on=date(2027, 1, 1)), "fremtiden"),
    (dict(representative=""), "hvem der er hørt"),
    (dict(level="none"), "høringsniveau"),
    (dict(outcome="pending", consulted_on=None), "skriftlig tilkendegivelse"),
    (dict(level="tr_cvr"), "Begrund"),
    (dict(statement_text="Aftalt med 010190-1234"), "CPR"),
])
def test_invalid_consultation_records(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ConsultationError, match=message):
        validate_consultation(rec(**kw), PRE, TODAY)


def test_valid_records_and_facts() -> None:
    validate_consultation(rec(), PRE, TODAY)
    validate_consultation(rec(level="tr_cvr", skip_reason="Ingen TR på P-nummeret"), PRE, TODAY)
    validate_consultation(rec(level="tr_cvr", written_statement=False, informed=True), POST, TODAY)
    f = facts(rec(written_statement=False, statement_filename="tilkendegivelse.pdf"))
    assert f.written_statement

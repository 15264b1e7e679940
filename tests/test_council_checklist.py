"""The strategy checklist is computed from tasks, screenings and consultations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nytte.core.db import session_scope
from nytte.council.checklist import Status, strategy_checklist
from nytte.models import Consultation, Screening, Task

ON = date(2025, 12, 31)


def _task(s: Session, title: str, description: str, area: str, verdict: str,
          consulted: bool) -> None:
    task = Task(municipality_code="0253", title=title, description=description,
                professional_area=area)
    s.add(task)
    s.flush()
    sc = Screening(task_id=task.id, version=1, ruleset_id="2024", start_date=date(2025, 3, 1),
                   answers={}, criteria=[], verdict=verdict, decided_by="test",
                   decided_at=datetime(2025, 3, 1, 10))
    s.add(sc)
    s.flush()
    if consulted:
        s.add(Consultation(screening_id=sc.id, level="tr_p", outcome="agree",
                           consulted_on=date(2025, 2, 20), written_statement=True))


def test_points_follow_the_data(empty_engine: Engine) -> None:
    with session_scope(empty_engine) as s:
        items = {i.key: i for i in strategy_checklist(s, "0253", ON)}
    assert items["written_description"].status is Status.NO_DATA
    with Session(empty_engine) as s, s.begin():
        _task(s, "Strandrensning", "Ekstra rengøring af stranden og p-pladserne efter "
              "sæsonen, ud over det normerede niveau.", "teknik_miljoe", "approve", True)
        _task(s, "Bilvask", "Bilvask", "teknik_miljoe", "approve", False)
        _task(s, "Plejehjemshave", "Lugning og plantning i haven ved plejehjemmet, "
              "som personalet ikke når.", "omsorg_pleje", "reject", True)
    with session_scope(empty_engine) as s:
        items = {i.key: i for i in strategy_checklist(s, "0253", ON)}
    assert items["written_description"].status is Status.NOT_MET  # 'Bilvask' is no description
    assert "1 af 2" in items["written_description"].evidence
    assert items["consultation"].status is Status.NOT_MET
    assert items["broadening"].status is Status.NOT_MET  # the care task was rejected
    assert items["yearly_evaluation"].status is Status.NOT_MET
    with Session(empty_engine) as s, s.begin():
        _task(s, "Cykelværksted", "Klargøring af efterladte cykler til genbrug i "
              "værkstedet på enheden.", "butik_lager_service", "approve", True)
    with session_scope(empty_engine) as s:
        items = {i.key: i for i in strategy_checklist(s, "0253", ON)}
    assert items["broadening"].status is Status.MET


def test_evaluation_lists_the_task_portfolio(empty_engine: Engine) -> None:
    import io

    from openpyxl import load_workbook

    from nytte.core.auth import Principal, Role
    from nytte.council.evaluation import generate_yearly_evaluation

    with Session(empty_engine) as s, s.begin():
        _task(s, "Strandrensning", "Ekstra rengøring af stranden efter sæsonen, ud over "
              "det normerede niveau.", "teknik_miljoe", "approve", True)
        _task(s, "Bilvask", "Vask af kommunens biler ud over det normale.", "teknik_miljoe",
              "approve", False)
        _task(s, "Plejehjemshave", "Lugning i haven ved plejehjemmet, som personalet ikke "
              "når.", "omsorg_pleje", "reject", True)
    leader = Principal("l", "Leder", Role.LEDER, municipality_code="0253")
    with session_scope(empty_engine) as s:
        files = generate_yearly_evaluation(s, leader, 2025)
    sheet = load_workbook(io.BytesIO(files.xlsx))["Opgaver"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=2)}
    assert rows == {"Teknik og miljø": [2, 0, 0], "Omsorg og pleje": [0, 0, 1]}


def test_consultation_counts_only_when_every_representative_was_heard(
        empty_engine: Engine) -> None:
    from nytte.council.metrics import consultation_documented

    with Session(empty_engine) as s, s.begin():
        _task(s, "Strandrensning", "Ekstra rengøring af stranden og p-pladserne efter "
              "sæsonen, ud over det normerede niveau.", "teknik_miljoe", "approve", True)
        # A second occupational group's representative has not been heard yet.
        sc = s.scalars(select(Screening)).one()
        s.add(Consultation(screening_id=sc.id, level="tr_p", representative="TR, 3F",
                           outcome="pending"))
    with session_scope(empty_engine) as s:
        items = {i.key: i for i in strategy_checklist(s, "0253", ON)}
        heard = s.scalar(select(func.count(Screening.id)).where(
            consultation_documented(Screening.id)))
    assert items["consultation"].status is Status.NOT_MET
    assert items["consultation"].evidence.startswith("0 af 1")
    assert heard == 0
    with Session(empty_engine) as s, s.begin():
        _task(s, "Cykelværksted", "Klargøring af efterladte cykler til genbrug i "
              "værkstedet på enheden.", "butik_lager_service", "approve", True)
        sc = s.scalars(select(Screening).order_by(Screening.id.desc()).limit(1)).one()
        s.add(Consultation(screening_id=sc.id, level="tr_p", representative="TR, 3F",
                           outcome="agree", consulted_on=date(2025, 2, 21)))
    with session_scope(empty_engine) as s:
        items = {i.key: i for i in strategy_checklist(s, "0253", ON)}
    assert items["consultation"].evidence.startswith("1 af 2")  # both heard on the second

"""The screening pages in AppTest: validation messages, policy versions, portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nytte.core.auth import Role
from nytte.core.db import make_engine
from nytte.demo.screening import screen_demo_tasks
from nytte.models import MunicipalPolicy, Screening, Task
from tests.apptest_helpers import app_reading, open_page
from tests.trust_helpers import writable_copy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_db(demo_sqlite: Engine, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A demo database of this test's own (the pages write to it)."""
    with writable_copy(demo_sqlite, tmp_path) as engine:
        url = engine.url.render_as_string(hide_password=False)
        screen_demo_tasks(engine, "0253")
    with app_reading(url, monkeypatch):
        yield url


def test_empty_form_is_refused_with_named_fields_and_nothing_saved(own_db: str) -> None:
    engine = make_engine(own_db)
    with Session(engine) as s:
        before = s.scalar(select(func.count(Task.id)))
    at = open_page(Role.KOORDINATOR, "opgavescreening")
    assert not at.exception
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("ikke gemt" in e.value for e in at.error)
    texts = " ".join(t.value for t in at.text)
    assert "'Titel' mangler" in texts
    assert "'Opgavebeskrivelse' mangler" in texts
    assert "(title)" not in texts  # Danish labels, never field keys
    with Session(engine) as s:
        assert s.scalar(select(func.count(Task.id))) == before
    engine.dispose()


def test_admin_saves_a_policy_version(own_db: str) -> None:
    at = open_page(Role.ADMIN, "screeningpolitik")
    assert not at.exception
    at.radio(key="pol_rec").set_value("lenient")
    at.number_input(key="pol_years").set_value(7)
    at.button[0].click().run()
    assert not at.exception
    engine = make_engine(own_db)
    with Session(engine) as s:
        row = s.scalar(select(MunicipalPolicy).order_by(MunicipalPolicy.version.desc()))
        assert row is not None and row.recurring == "lenient"
        assert row.displacement_lookback_years == 7
    engine.dispose()


def test_portfolio_lists_approved_demo_tasks_and_flags_old_ones(own_db: str) -> None:
    at = open_page(Role.LEDER, "opgavekatalog")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Godkendte opgaver"]) > 0
    assert int(metrics["Skal genvurderes"]) > 0
    frame = at.dataframe[0].value
    assert set(frame["Genvurderes"]) <= {"Ja", "Nej"}


def _labels(at: object) -> set[str]:
    out: set[str] = set()
    for kind in ("selectbox", "radio", "date_input", "text_input"):
        out |= {w.label for w in getattr(at, kind)}
    return out


def test_consultation_questions_follow_the_rule_set_of_the_start_date(own_db: str) -> None:
    at = open_page(Role.KOORDINATOR, "opgavescreening")
    start = next(d for d in at.date_input if d.label == "Startdato")
    start.set_value(date(2025, 3, 3)).run()
    assert not at.exception
    pre = _labels(at)
    assert "Skriftlig tilkendegivelse" in pre and "Fravær fra" in pre
    assert "TR er orienteret" not in pre
    assert any("bab-2023" in c.value for c in at.caption)
    start = next(d for d in at.date_input if d.label == "Startdato")
    start.set_value(date(2026, 3, 2)).run()
    post = _labels(at)
    assert "TR er orienteret" in post and "Den praktiske tilrettelæggelse er drøftet" in post
    assert "Fravær fra" not in post and "Skriftlig tilkendegivelse" not in post
    assert any("arbejdspligt-2025" in c.value for c in at.caption)


def test_a_new_task_starts_empty_after_a_saved_one(own_db: str) -> None:
    at = open_page(Role.LEDER, "opgavescreening")
    next(d for d in at.date_input if d.label == "Startdato").set_value(date(2026, 3, 2)).run()
    answers = {
        "Titel": "Oprydning på legepladsen", "Rekvirerende enhed": "Teknik og Miljø",
        "Hørt repræsentant (navn og rolle)": "Bo, TR 3F",
    }
    for w in at.text_input:
        if w.label in answers:
            w.set_value(answers[w.label])
    next(w for w in at.text_area if w.label == "Opgavebeskrivelse").set_value(
        "Grene og blade fejes op på legepladsen ved skolen efter stormen.")
    picks = {"Fagområde": "teknik_miljoe", "Arbejdsgiver på arbejdsstedet": "municipality",
             "Inde/ude": "outdoor", "Sæson": "autumn", "Hyppighed": "once",
             "Ville ellers blive udført af": "nobody", "Til gavn for": "public",
             "Høringsniveau": "tr_p", "Høringens udfald": "agree"}
    for sel in at.selectbox:
        if sel.label in picks:
            sel.set_value(picks[sel.label])
    for radio in at.radio:
        radio.set_value("yes" if radio.label.startswith(("TR er", "Den praktiske")) else "no")
    next(d for d in at.date_input if d.label == "Høringsdato").set_value(date(2026, 2, 16))
    at.button[0].click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Afgørelse: Godkendes" in s.value for s in at.success)
    # The saved task is selected, and shows its answers ...
    assert next(w for w in at.text_input if w.label == "Titel").value == \
        "Oprydning på legepladsen"
    # ... and "Ny opgave" is an empty form, not the previous task's answers.
    at.selectbox(key="scr_task").set_value(0).run()
    assert next(w for w in at.text_input if w.label == "Titel").value == ""
    assert next(d for d in at.date_input if d.label == "Startdato").value is None
    assert next(w for w in at.number_input
                if w.label.startswith("Senest udført")).value is None
    assert not any("Afgørelse:" in s.value for s in at.success)


def test_two_representatives_one_only_informed_is_afklares(own_db: str) -> None:
    at = open_page(Role.LEDER, "opgavescreening")
    sfx = "scr_new0_"
    at.date_input(key=sfx + "start").set_value(date(2026, 3, 2)).run()
    at.number_input(key=sfx + "groups").set_value(2).run()
    assert not at.exception
    assert any("2 faggrupper" in h.value for h in at.subheader)
    for w, value in (("title", "Oprydning på legepladsen"), ("req", "Teknik og Miljø"),
                     ("group", "Gartnere (3F)"), ("rep", "Bo Berg, TR 3F"),
                     ("g1_group", "Pedeller (FOA)"), ("g1_rep", "Sara Sand, TR FOA")):
        at.text_input(key=sfx + w).set_value(value)
    at.text_area(key=sfx + "description").set_value(
        "Grene og blade fejes op på legepladsen ved skolen efter stormen.")
    picks = {"area": "teknik_miljoe", "host": "municipality", "inout": "outdoor",
             "season": "autumn", "freq": "once", "otherwise": "nobody", "benef": "public",
             "level": "tr_p", "outcome": "agree", "g1_level": "tr_p", "g1_outcome": "informed"}
    for key, value in picks.items():
        at.selectbox(key=sfx + key).set_value(value)
    for field in ("servicelov_83", "previously_done_by_staff", "in_operating_plan",
                  "service_level_reduced", "private_market", "requires_certified_trade"):
        at.radio(key=sfx + field).set_value("no")
    # The gardeners' TR was informed and the set-up discussed; the caretakers' TR was
    # only informed.
    for key, value in (("informed", "yes"), ("discussed", "yes"),
                       ("g1_informed", "yes"), ("g1_discussed", "no")):
        at.radio(key=sfx + key).set_value(value)
    for key in ("cdate", "g1_cdate"):
        at.date_input(key=sfx + key).set_value(date(2026, 2, 16))
    at.button[0].click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Afgørelse: Afklares" in w.value for w in at.warning)
    frame = at.dataframe[0].value
    reason = frame.loc[frame["Kriterium"].str.startswith("Orientering af tillidsrep"),
                       "Begrundelse"].iloc[0]
    assert "Faggruppe Pedeller (FOA)" in reason and "Sara Sand, TR FOA" in reason
    engine = make_engine(own_db)
    with Session(engine) as s:
        row = s.scalar(select(Screening).order_by(Screening.id.desc()))
        assert row is not None and row.verdict == "clarify"
        assert [g["group"] for g in row.answers["consultations"]] == \
            ["Gartnere (3F)", "Pedeller (FOA)"]
        assert len(row.consultations) == 2
        sid = row.id
    engine.dispose()
    # "Registrér høringen" asks for both groups again, named as in the decision; once
    # the caretakers' TR has discussed the set-up too, the task is approved.
    c = f"scr_c{sid}_"
    assert at.number_input(key=c + "groups").value == 2
    assert at.text_input(key=c + "g1_group").value == "Pedeller (FOA)"
    for n, rep in (("", "Bo Berg, TR 3F"), ("g1_", "Sara Sand, TR FOA")):
        at.selectbox(key=c + n + "level").set_value("tr_p")
        at.text_input(key=c + n + "rep").set_value(rep)
        at.date_input(key=c + n + "date").set_value(date(2026, 2, 16))
        at.selectbox(key=c + n + "outcome").set_value("agree")
        at.checkbox(key=c + n + "inf").check()
        at.checkbox(key=c + n + "disc").check()
    next(b for b in at.button if b.label == "Gem høringen").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Afgørelse: Godkendes" in s.value for s in at.success)
    engine = make_engine(own_db)
    with Session(engine) as s:
        row = s.scalar(select(Screening).order_by(Screening.id.desc()))
        assert row is not None and row.verdict == "approve" and row.version == 2
        assert [c.representative for c in row.consultations] == \
            ["Bo Berg, TR 3F", "Sara Sand, TR FOA"]
    engine.dispose()

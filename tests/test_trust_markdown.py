"""Every string from a user, a login claim or a file that reaches a Markdown-reading
element is escaped (nytte.core.textsafe.md_escape): every page, as every role, with a
hostile value in every stored free-text field, in an attachment's file name and in
the login's name claim, shows no link, image, emphasis or HTML made from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, String, select, text
from sqlalchemy.orm import Session

from nytte.core.auth import Principal, Role
from nytte.core.navigation import PAGES, PAGES_BY_KEY
from nytte.models import Base, Consultation, ConsultationAttachment, Screening, Task
from tests.trust_helpers import elements, page_modules, render_as, writable_copy

HOSTILE = "[klik](https://evil.example/x) ![b](https://evil.example/i.png) <img src=x> **fed**"
# Codes, keys and machine values: they are checked against code lists, not shown as text.
NOT_FREE_TEXT = re.compile(
    r"(_code|_id|^id|status|verdict|kind|version|mime|content_type|gender|group|"
    r"season|indoor_outdoor|ruleset|area|recurring|level|outcome|benefit|visitation|"
    r"sha256|actor_role|action|entity|municipality|region|p_number|cvr|unit_type)$")
SKIP_TABLES = {"audit_event", "audit_note", "code_value", "region", "municipality",
               "alembic_version", "jobindsats_observation", "jobindsats_fetch",
               "council_attendance_month", "council_referral_stats", "council_enrolled_month",
               "council_summary_state",
               # Rule-set contents come from the project's own files, never from a user.
               "ruleset_version"}
MARKDOWN_KINDS = {"Markdown", "Caption", "Title", "Header", "Subheader", "Error", "Warning",
                  "Info", "Success", "Toast", "Expander", "Tab", "Button", "Checkbox",
                  "Radio", "Selectbox", "Multiselect", "TextInput", "TextArea", "NumberInput",
                  "DateInput", "Metric", "Toggle"}


def free_text_columns() -> list[tuple[str, str, int]]:
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        for col in table.columns:
            if (isinstance(col.type, String) and (col.type.length or 0) >= 30
                    and not NOT_FREE_TEXT.search(col.name)):
                out.append((table.name, col.name, int(col.type.length or 0)))
    return out


@pytest.fixture(scope="module")
def hostile_db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[Engine, int, int]]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("md")) as engine:
        with engine.begin() as conn:  # test set-up: decisions are immutable in the app
            for t in ("screening", "consultation", "consultation_attachment"):
                for verb in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_{verb}")
            for table, column, length in free_text_columns():
                # The row id keeps unique columns (case references) unique.
                conn.execute(text(f'UPDATE "{table}" SET "{column}" = '
                                  f"substr(:v, 1, :n) || ' ' || CAST(id AS TEXT)"),
                             {"v": HOSTILE, "n": length - 8})
        with Session(engine) as s, s.begin():
            scr = s.scalars(select(Screening).join(Task).where(Task.municipality_code == "0253")
                            .order_by(Screening.id.desc()).limit(1)).one()
            cons = Consultation(screening_id=scr.id, **_consultation_defaults())
            s.add(cons)
            s.flush()
            s.add(ConsultationAttachment(consultation_id=cons.id, filename=HOSTILE + ".pdf",
                                         content_type="application/pdf", data=b"%PDF-1.4",
                                         uploaded_by=HOSTILE[:120]))
            ids = (scr.task_id, scr.id)
        yield engine, *ids


def _consultation_defaults() -> dict[str, Any]:
    from nytte.screening.vocabulary import CONSULTATION_LEVELS, CONSULTATION_OUTCOMES

    return {"level": next(iter(CONSULTATION_LEVELS)),
            "outcome": next(iter(CONSULTATION_OUTCOMES)),
            "representative": HOSTILE, "statement_text": HOSTILE, "recorded_by": HOSTILE[:120],
            "written_statement": True}


def _sources(at: Any) -> list[str]:
    out: list[str] = []
    for node in elements(at):
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        if kind in MARKDOWN_KINDS:
            for attr in ("value", "label", "help", "placeholder"):
                try:
                    val = getattr(node, attr, None)
                except Exception:
                    continue
                if isinstance(val, str):
                    out.append(val)
        elif proto is not None and hasattr(proto, "label") and isinstance(proto.label, str):
            out.append(proto.label)  # download buttons and other elements AppTest lacks
    return out


LIVE = ("[klik](", "![b](", "<img", "**fed**", "https://evil", "https:\u2060//evil")


@pytest.mark.parametrize("page", [p.key for p in PAGES])
def test_hostile_values_never_become_markdown(
        page: str, hostile_db: tuple[Engine, int, int], app_db: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    engine, task_id, screening_id = hostile_db
    monkeypatch.setenv("NYTTE_DATABASE_URL", engine.url.render_as_string(False))
    st.cache_resource.clear()
    st.cache_data.clear()
    name = HOSTILE  # the login's name claim
    principals = {
        Role.LEDER: Principal("l", name, Role.LEDER, "0253"),
        Role.KOORDINATOR: Principal("k", name, Role.KOORDINATOR, "0253", frozenset({1, 2})),
        Role.ADMIN: Principal("a", name, Role.ADMIN, "0253"),
        Role.RAAD: Principal("r", name, Role.RAAD, region_code="1085"),
    }
    for role in PAGES_BY_KEY[page].roles:
        at = render_as(page_modules()[page], principals[role]) if page != "opgavescreening" \
            else _screening_with_decision(principals[role], task_id, screening_id)
        assert not at.exception, [e.value for e in at.exception]
        for source in _sources(at):
            live = re.sub(r"\\.", "", source)  # what is left once escaped characters go
            for raw in LIVE:
                assert raw not in live, (page, role, source)
    st.cache_resource.clear()


def _screening_with_decision(principal: Principal, task_id: int, screening_id: int) -> Any:
    from streamlit.testing.v1 import AppTest

    from pages.screening import CURRENT, PENDING
    from tests.trust_helpers import PRINCIPAL_KEY, _render_page

    at = AppTest.from_function(_render_page, args=("pages.screening",), default_timeout=60)
    at.session_state[PRINCIPAL_KEY] = principal
    at.session_state[CURRENT] = (task_id, screening_id)
    at.session_state[PENDING] = task_id  # the task chosen in the list: its decision shows
    at.run()
    labels = " ".join(_sources(at))
    assert "Besluttet af" in labels and "tilkendegivelse" in labels, labels[:500]
    return at


def test_the_walk_would_catch_an_unescaped_value() -> None:
    """The same check on a page that forgets md_escape finds the link."""
    from streamlit.testing.v1 import AppTest

    def bad() -> None:
        import streamlit as st

        st.caption("Besluttet af [klik](https://evil.example/x)")
        st.download_button("Hent ![b](https://evil.example/i.png)", data=b"x")

    at = AppTest.from_function(bad).run()
    assert not at.exception
    found = [raw for s in _sources(at) for raw in LIVE if raw in s]
    assert "[klik](" in found and "![b](" in found

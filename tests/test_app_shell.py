"""AppTest runs app.py for every role and opens every page that role has."""

from __future__ import annotations

import pytest

from nytte.core.auth import Role
from nytte.core.navigation import PAGES, pages_for
from tests.apptest_helpers import open_page

ROLE_PAGES = [(role, spec.key) for role in Role for spec in pages_for(role)]


@pytest.mark.parametrize(
    ("role", "page"), ROLE_PAGES, ids=[f"{r.value}-{p}" for r, p in ROLE_PAGES]
)
def test_every_role_opens_each_of_its_pages(app_db: str, role: Role, page: str) -> None:
    at = open_page(role, page)
    assert not at.exception, [e.value for e in at.exception]
    title = next(p.title for p in PAGES if p.key == page)
    texts = [t.value for t in at.title]
    assert texts and (title in texts[0] or page == "forside"), texts


@pytest.mark.parametrize("role", list(Role))
def test_pages_outside_the_role_are_not_routed(app_db: str, role: Role) -> None:
    allowed = {p.key for p in pages_for(role)}
    for spec in PAGES:
        if spec.key in allowed:
            continue
        at = open_page(role, spec.key)
        assert not at.exception
        # Routed for every role (so a deep link survives choosing a role), but a
        # role without access gets only a Danish refusal, never the page.
        assert spec.title not in [t.value for t in at.title]
        assert [e.value for e in at.error] == [
            f"Du har ikke adgang til siden «{spec.title}» med din rolle."
        ]
        assert not at.dataframe and not at.metric


def test_no_role_chosen_shows_only_the_role_picker(app_db: str) -> None:
    at = open_page(None)
    assert not at.exception
    assert at.selectbox(key="nytte_demo_role").value is None
    assert "demotilstand" in at.markdown[0].value or any(
        "demotilstand" in w.value for w in at.sidebar.warning
    )
    assert not at.metric and not at.dataframe


def test_forside_shows_places_and_enrolled(app_db: str) -> None:
    at = open_page(Role.LEDER, "forside")
    labels = [m.label for m in at.metric]
    assert labels == ["Service++", "Citykorpset"]
    assert all("pladser" in m.value for m in at.metric)

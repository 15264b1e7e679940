"""Text with HTML, script or Markdown from the database is shown as text on every page.

A static check finds no unsafe_allow_html / st.html with non-constant text in pages/
and app.py; a browser check stores hostile text in a unit name, a referral and the
audit trail, opens the pages that show them, and finds nothing executed or rendered."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.core.textsafe import md_escape
from tests.browser_checks import open_as
from tests.server import running_app
from tests.trust_helpers import ROOT, elements, settle, writable_copy

UNIT_NAME = ('<img src=x onerror="window.__xss=1">City**korpset** '
             "[klik](https://evil.example/x)")
CASEWORKER = "<script>window.__xss=3</script>"


def _calls(path: Path) -> list[str]:
    """Calls in a page module that could render text as HTML."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        unsafe = any(k.arg == "unsafe_allow_html" and not (
            isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords)
        html = name.endswith((".html", "components.html")) and name != "st.download_button"
        if (unsafe or html) and not all(isinstance(a, ast.Constant) for a in node.args):
            found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_no_page_renders_non_constant_text_as_html() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    assert [c for f in files for c in _calls(f)] == []


def test_static_check_would_catch_unsafe_html(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\n"
                   "def render(x):\n    st.markdown(x, unsafe_allow_html=True)\n"
                   "    st.html(f'<b>{x}</b>')\n", encoding="utf-8")
    assert len(_calls(bad)) == 2


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**x** [a](b)", r"\*\*x\*\* \[a\](b)"),
        ("Service++", "Service++"),
        ("# overskrift", r"\# overskrift"),
        ("1. punkt", r"1\. punkt"),
        ("https://evil.example", "https\\:\u2060//evil.example"),
        ("se www.evil.example", "se w\u2060ww.evil.example"),
        ("a@b.dk", "a@\u2060b.dk"),
        (":red[x]", r"\:red\[x\]"),
    ],
)
def test_md_escape_shows_markdown_as_typed(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


@pytest.fixture(scope="module")
def hostile_db(demo_sqlite: Engine, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Engine]:
    with writable_copy(demo_sqlite, tmp_path_factory.mktemp("xss")) as engine:
        with Session(engine) as s, s.begin():
            s.execute(text("UPDATE unit SET name = :n WHERE id = 2"), {"n": UNIT_NAME})
            s.execute(text("UPDATE referral SET caseworker_ref = :c WHERE unit_id = 2"),
                      {"c": CASEWORKER})
            record(s, Principal("<b>x</b>", "x", Role.ADMIN, "0253"), "update", "referral",
                   1, reason=CASEWORKER, new={"caseworker_ref": CASEWORKER})
        yield engine


def _nothing_ran(page: Page) -> None:
    main = page.locator("[data-testid='stMain']")
    links = main.locator("a[href*='evil.example']")
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML")
                                for i in range(links.count())]
    assert page.evaluate("window.__xss") is None
    assert main.locator("img[src='x']").count() == 0
    assert page.locator("script", has_text="__xss").count() == 0
    assert main.locator("a[href*='evil.example']").count() == 0
    assert main.locator("strong", has_text="korpset").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.browser
def test_hostile_text_is_shown_as_text(page: Page, hostile_db: Engine) -> None:
    url = hostile_db.url.render_as_string(hide_password=False)
    with running_app({"NYTTE_DATABASE_URL": url}) as base:
        open_as(page, base, "Leder")
        _nothing_ran(page)
        page.get_by_role("link", name="Henvisninger", exact=True).click()
        settle(page)
        page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option").first.click()
        settle(page)
        main = page.inner_text("[data-testid='stMain']")
        assert '<img src=x onerror="window.__xss=1">City**korpset** [klik]' in main
        values = page.locator("[data-testid='stMain'] input").evaluate_all(
            "els => els.map(e => e.value)")
        assert CASEWORKER in values  # the form field holds the stored text as text
        _nothing_ran(page)
        page = page.context.new_page()  # a new session for the administrator
        open_as(page, base, "Administrator")
        page.get_by_role("link", name="Administration", exact=True).click()
        settle(page)
        page.get_by_role("tab", name="Indsigt for en deltager").click()
        page.get_by_label("Sagsreference").last.fill("<img src=x onerror=window.__xss=4>**b**")
        page.get_by_role("button", name="Lav udtræk").click()
        settle(page)
        assert "<img src=x onerror=window.__xss=4>**b**" in page.inner_text(
            "[data-testid='stMain']")
        _nothing_ran(page)


# --- every page: stored text never reaches a Markdown-reading element unescaped ---------

MARKDOWN_ELEMENTS = {"Markdown", "Caption", "Title", "Header", "Subheader", "Error", "Warning",
                     "Info", "Success", "Toast", "Expander", "Tab"}


def _markdown_sources(at: AppTest) -> list[str]:
    out: list[str] = []
    for node in elements(at):
        kind = type(node).__name__
        if kind in MARKDOWN_ELEMENTS:
            out.append(str(getattr(node, "value", "") or getattr(node, "label", "")))
        elif kind == "Metric":
            out.append(str(getattr(node, "label", "")))
    return out


@pytest.mark.parametrize("page", [p.key for p in __import__("nytte.core.navigation",
                                                            fromlist=["PAGES"]).PAGES])
def test_stored_text_is_escaped_in_markdown_on_every_page(
    page: str, hostile_db: Engine, app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    from nytte.core.navigation import PAGES_BY_KEY
    from tests.trust_helpers import page_modules, render_as

    monkeypatch.setenv("NYTTE_DATABASE_URL", hostile_db.url.render_as_string(False))
    st.cache_resource.clear()
    principals = {
        Role.LEDER: Principal("l", "Leder", Role.LEDER, "0253"),
        Role.KOORDINATOR: Principal("k", "K", Role.KOORDINATOR, "0253", frozenset({1, 2})),
        Role.ADMIN: Principal("a", "A", Role.ADMIN, "0253"),
        Role.RAAD: Principal("r", "R", Role.RAAD, region_code="1085"),
    }
    for role in PAGES_BY_KEY[page].roles:
        at = render_as(page_modules()[page], principals[role])
        assert not at.exception, [e.value for e in at.exception]
        for source in _markdown_sources(at):
            live = re.sub(r"\\.", "", source)  # what is left once escaped characters go
            for raw in ("**korpset**", "[klik]", "<img", "<script"):
                assert raw not in live, (page, role, source)
    st.cache_resource.clear()

"""Checks every browser journey runs on every page: no request leaves the app's own
host, and axe-core (WCAG 2.1 A/AA rules) finds no serious or critical violation of
ours. Violations inside Streamlit's own widgets, which we cannot change, are filed
apart, each with its reason (docs/accessibility.md lists them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request

from tests.server import wait_for_run

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = ROOT / "test-results" / "journeys"

# Findings in Streamlit's own rendering that we cannot change (no injected CSS, by the
# project's rule), each with the reason; docs/accessibility.md lists the same. A finding
# is Streamlit's only when the check below confirms it on the page.
DISABLED_LABEL = (
    "The label of a disabled widget is drawn in light grey by Streamlit; WCAG 1.4.3 "
    "exempts inactive user interface components."
)
_IN_DISABLED_WIDGET = """(sel) => {
  const el = document.querySelector(sel);
  const box = el && el.closest("[data-testid='stElementContainer'], .element-container");
  return !!(box && box.querySelector("input:disabled, button:disabled, [aria-disabled='true']"));
}"""


def choose_role(page: Page, label: str, timeout: float = 60_000) -> None:
    """Choose a demo role in the sidebar's picker, as a user does.

    Returns once the run with the chosen role has finished: the sidebar names the
    principal with the role (a page shows the role's content only then, and a click
    on the menu before it can interrupt the run and lose the choice)."""
    sidebar = page.get_by_test_id("stSidebar")
    picker = sidebar.get_by_role("combobox")
    picker.wait_for(timeout=timeout)  # a fresh server's first run can be slow under load
    picker.click()
    page.get_by_role("option", name=label, exact=True).click()
    sidebar.get_by_text(f"({label})").wait_for(timeout=timeout)
    wait_for_run(page)


def open_as(page: Page, base: str, label: str) -> None:
    """Open the app's front address and choose a demo role (see choose_role)."""
    page.goto(base)
    wait_for_run(page)
    choose_role(page, label)


def settle_grid(page: Page) -> None:
    """Wait until the app is idle for a while: buttons that call st.rerun() make two
    runs in a row, and the first run's grid lingers until the second has drawn."""
    for _ in range(20):
        wait_for_run(page)
        page.wait_for_timeout(400)
        idle = page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count()
        if idle and page.get_by_test_id("stDataFrame").count() <= 1:
            return
    raise AssertionError("the app did not settle")


def _is_local(url: str, app_netloc: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.netloc == app_netloc


@dataclass
class RequestLog:
    """Every request the browser makes in a context (pages, fonts, images, sockets)."""

    app_netloc: str
    urls: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> RequestLog:
        context.on("request", self._seen)
        # Websockets are opened by pages (a context has no such event).
        context.on("page", self._watch)
        for page in context.pages:
            self._watch(page)
        return self

    def _watch(self, page: Page) -> None:
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def _seen(self, request: Request) -> None:
        self.urls.append(request.url)

    def outside(self) -> list[str]:
        return sorted({u for u in self.urls if not _is_local(u, self.app_netloc)})


def request_log(context: BrowserContext, base: str) -> RequestLog:
    return RequestLog(urlsplit(base).netloc).attach(context)


@dataclass
class AxeReport:
    ours: list[dict[str, Any]] = field(default_factory=list)
    streamlits: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0


def _streamlit_reason(page: Page, rule: str, target: list[Any]) -> str | None:
    selector = target[0] if target and isinstance(target[0], str) else None
    if rule == "color-contrast" and selector and page.evaluate(_IN_DISABLED_WIDGET, selector):
        return DISABLED_LABEL
    return None


def axe(page: Page, where: str, report: AxeReport) -> None:
    """Run axe-core on the page as it is now; file serious/critical findings."""
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `make browser-deps` (npm ci in tests/js)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        WCAG_TAGS,
    )
    report.pages += 1
    for violation in result:
        if violation.get("impact") not in {"serious", "critical"}:
            continue
        for node in violation["nodes"]:
            target = json.dumps(node.get("target"), ensure_ascii=False)
            reason = _streamlit_reason(page, violation["id"], node.get("target") or [])
            entry = {
                "page": where,
                "rule": violation["id"],
                "impact": violation["impact"],
                "target": target,
                "html": node.get("html", "")[:200],
                "summary": node.get("failureSummary", "")[:300],
            }
            if reason is not None:
                report.streamlits.append({**entry, "reason": reason})
            else:
                report.ours.append(entry)


def format_findings(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{f['page']}: {f['rule']} ({f['impact']}) {f['target']}\n    {f['html']}\n"
        f"    {f['summary']}"
        for f in findings
    )

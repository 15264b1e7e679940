"""Nytte's entry point: a router.

It checks the configuration, decides who the user is and in which role (OIDC login
via st.login when [auth] is configured; otherwise a clearly marked local demo mode),
and draws that role's menu. Every page is routed in every run (so a deep link is
resolved before the role is known and survives choosing a role or logging in), but a
page the role may not open renders only "Du har ikke adgang til …". Streamlit's own
page list is switched off (client.showSidebarNavigation = false); the menu is drawn
with st.page_link from nytte.core.navigation. Every page function checks the role again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from nytte.core.auth import (
    ROLE_LABELS,
    Principal,
    Role,
    demo_principal,
    load_role_rules,
    principal_from_claims,
    validate_auth_section,
)
from nytte.core.config import ConfigError, Settings, load_settings
from nytte.core.navigation import PAGES, PAGES_BY_KEY, may_open, pages_for
from nytte.core.textsafe import md_escape
from pages import (
    absence_notices,
    admin,
    at_risk,
    attendance_overview,
    capacity,
    council,
    home,
    manager,
    portfolio,
    referral_funnel,
    referral_import,
    referrals,
    roll,
    screening,
    screening_policy,
)
from pages.common import (
    PRINCIPAL_KEY,
    database_available_or_last,
    demo_scope_for,
    forget_deep_link,
    remember_deep_link,
    run_page,
    take_deep_link,
)

ROOT = Path(__file__).resolve().parent

# Routing: page key (nytte.core.navigation, also the URL path) -> the function that renders
# it. URL paths are Danish and module names English, so no URL path equals a file in
# pages/.
RENDERERS: dict[str, Callable[[], None]] = {
    "forside": home.render,
    "fremmoede": roll.render,
    # Attendance and capacity
    "fremmoedeoverblik": attendance_overview.render,
    "kapacitet": capacity.render,
    "tragt": referral_funnel.render,
    "fravaer": absence_notices.render,
    "risikoliste": at_risk.render,
    "opgavescreening": screening.render,
    "opgavekatalog": portfolio.render,
    "screeningpolitik": screening_policy.render,
    "ledelse": manager.render,
    "raad": council.render,
    "administration": admin.render,
    "henvisninger": referrals.render,
    "indlaes-henvisninger": referral_import.render,
}

# The names of the modules in pages/ (Streamlit's legacy multipage discovery would
# offer them as URLs): a visit to one goes to the front page.
MODULE_PATHS = sorted(
    p.stem for p in (ROOT / "pages").glob("*.py") if not p.stem.startswith("_")
)

DEMO_ROLE_KEY = "nytte_demo_role"
DEMO_ROLE_KEPT = "nytte_demo_role_kept"
DEMO_ROLE_PARAM = "rolle"  # demo mode: the chosen role in the URL survives a reload
# A local icon: a :material/...: page icon is fetched from fonts.gstatic.com, which
# the content-security policy (docs/deploy/nginx.conf) and privacy both forbid.
FAVICON = str(ROOT / "nytte" / "assets" / "favicon.png")


def _auth_section() -> Mapping[str, Any] | None:
    """The [auth] section of .streamlit/secrets.toml, or None when login is not set up."""
    try:
        if "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except FileNotFoundError:
        return None
    except Exception as exc:  # a secrets.toml that is not valid TOML
        raise ConfigError(f".streamlit/secrets.toml kan ikke læses: {exc}") from exc
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def _page(key: str) -> Callable[[], None]:
    """The function routed to /<key>: the page, or a refusal for a role without access."""

    def run() -> None:
        principal = st.session_state.get(PRINCIPAL_KEY)
        spec = PAGES_BY_KEY[key]
        if principal is None or not may_open(principal, key):
            st.error(f"Du har ikke adgang til siden «{spec.title}» med din rolle.")
            st.page_link(_ROUTES["forside"], label="Gå til forsiden")
            return
        RENDERERS[key]()

    run.__name__ = f"page_{key.replace('-', '_')}"
    return run


def _to_front_page() -> None:
    st.switch_page(_ROUTES["forside"])


def _routes() -> dict[str, st.Page]:
    routes = {
        spec.key: st.Page(_page(spec.key), title=spec.title, url_path=spec.key,
                          default=spec.key == "forside")
        for spec in PAGES
    }
    for name in MODULE_PATHS:
        routes[f"_{name}"] = st.Page(_to_front_page, title="Nytte", url_path=name)
    return routes


_ROUTES: dict[str, st.Page] = {}


def _oidc_principal(settings: Settings, auth: Mapping[str, Any], current: st.Page) -> Principal:
    validate_auth_section(auth)
    if not st.user.is_logged_in:
        st.title("Nytte")
        st.write("Log ind med din kommunes brugerkonto for at fortsætte.")
        st.button("Log ind", on_click=_login, args=(current.url_path,), type="primary")
        st.stop()
    target = take_deep_link()
    if target is not None and target != current.url_path and target in PAGES_BY_KEY:
        st.switch_page(_ROUTES[target])
    rules = load_role_rules(settings.roles_file)
    principal = principal_from_claims(st.user.to_dict(), rules)
    if principal is None:
        st.error("Din bruger har ingen rolle i Nytte. Kontakt kommunens administrator.")
        st.button("Log ud", on_click=st.logout)
        st.stop()
    return principal


def _login(url_path: str) -> None:
    remember_deep_link(url_path)
    st.login()


def _keep_demo_role() -> None:
    choice = st.session_state.get(DEMO_ROLE_KEY)
    st.session_state[DEMO_ROLE_KEPT] = None if choice is None else Role(choice).value
    if choice is None:
        st.query_params.pop(DEMO_ROLE_PARAM, None)
    else:
        st.query_params[DEMO_ROLE_PARAM] = Role(choice).value


def _role_from_url() -> str | None:
    value = st.query_params.get(DEMO_ROLE_PARAM)
    return value if value in {r.value for r in Role} else None


def _demo_principal(settings: Settings) -> Principal:
    st.sidebar.warning("Lokal demotilstand — ingen login. Kun til demo og test.")
    # The choice lives in a plain session key and in the URL (?rolle=…): the picker is
    # drawn afresh on every page, and a reload (F5) starts a new session.
    kept = st.session_state.get(DEMO_ROLE_KEPT) or _role_from_url()
    choice = st.sidebar.selectbox(
        "Vælg rolle",
        options=list(Role),
        format_func=lambda r: ROLE_LABELS[r],
        index=None if kept is None else list(Role).index(Role(kept)),
        placeholder="Vælg en rolle …",
        key=DEMO_ROLE_KEY,
        on_change=_keep_demo_role,
    )
    st.session_state[DEMO_ROLE_KEPT] = None if choice is None else Role(choice).value
    if choice is not None and st.query_params.get(DEMO_ROLE_PARAM) != Role(choice).value:
        st.query_params[DEMO_ROLE_PARAM] = Role(choice).value
    if choice is None:
        st.title("Nytte")
        st.write(
            "Nytte kører i lokal demotilstand uden login. Vælg en rolle i menuen til "
            "venstre for at se demokommunens data."
        )
        st.stop()
    unit_ids, region = demo_scope_for(settings.demo_municipality)
    return demo_principal(Role(choice), settings.demo_municipality, unit_ids, region)


def _menu(principal: Principal, demo: bool) -> None:
    """The role's menu, drawn by the app (never Streamlit's list of files)."""
    params = {DEMO_ROLE_PARAM: principal.role.value} if demo else None
    section = None
    with st.sidebar.container(key="nytte_menu"):
        for spec in pages_for(principal.role):
            if spec.section != section:
                section = spec.section
                st.caption(section)
            st.page_link(_ROUTES[spec.key], label=spec.title, icon=spec.icon,
                         query_params=params)


def main() -> None:
    st.set_page_config(page_title="Nytte", page_icon=FAVICON, layout="wide")
    # On a phone, Streamlit's title size breaks long Danish compounds
    # ("Morgenregistrering") in the middle of the word; a smaller title on narrow
    # screens keeps words whole. A constant: no user text is ever rendered as HTML.
    st.html("<style>@media (max-width: 480px) { h1 { font-size: 1.75rem !important; } }</style>")
    _ROUTES.update(_routes())  # the same keys every run: each run's pages replace the last
    # Every run routes every page (hidden: the menu below is the app's own), so the
    # URL a user opened is resolved before we know who they are.
    current = st.navigation(list(_ROUTES.values()), position="hidden")
    auth: Mapping[str, Any] | None = None
    try:
        settings = load_settings()
        database_available_or_last(settings)
        auth = _auth_section()
        if auth is not None:
            principal = _oidc_principal(settings, auth, current)
        elif settings.require_login:
            raise ConfigError(
                "NYTTE_REQUIRE_LOGIN er sat, men [auth] mangler i .streamlit/secrets.toml; "
                "opsæt login (se README)."
            )
        else:
            principal = _demo_principal(settings)
    except ConfigError as exc:
        st.error(str(exc))
        st.stop()
        return
    st.session_state[PRINCIPAL_KEY] = principal
    st.sidebar.caption(md_escape(principal.label))  # the name comes from the login claims
    if auth is not None:
        st.sidebar.button("Log ud", on_click=_logout)
    _menu(principal, demo=auth is None)
    run_page(current)


def _logout() -> None:
    forget_deep_link()
    st.logout()


main()

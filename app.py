"""Nytte's entry point: a router.

It checks the configuration, decides who the user is and in which role (OIDC login
via st.login when [auth] is configured; otherwise a clearly marked local demo mode),
and builds the st.navigation menu for that role. Pages not passed to st.navigation
cannot be reached by URL. Every page function checks the role again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from nytte.auth import (
    ROLE_LABELS,
    Principal,
    Role,
    demo_principal,
    load_role_rules,
    principal_from_claims,
    validate_auth_section,
)
from nytte.config import ConfigError, Settings, load_settings
from nytte.navigation import pages_for
from nytte.textsafe import md_escape
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
from pages.common import PRINCIPAL_KEY, database_available_or_last, demo_scope_for, run_page

# Routing: page key (nytte.navigation, also the URL path) -> the function that renders
# it. URL paths are Danish and module names English, so no URL path equals a file in
# pages/: Streamlit's legacy discovery of pages/ can then never shadow a routed page.
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

FAVICON = str(Path(__file__).resolve().parent / "nytte" / "assets" / "favicon.png")
DEMO_ROLE_KEY = "nytte_demo_role"
DEMO_ROLE_KEPT = "nytte_demo_role_kept"


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


def _login_screen_menu() -> None:
    """Before login, show no menu at all.

    Without a call to st.navigation in a run, Streamlit lists the files in pages/
    (its legacy multipage discovery) in the sidebar of the login screen. The one
    hidden page takes the home page's URL path. (Not used in the demo role picker:
    there it would swallow the first choice of role.)"""
    st.navigation([st.Page(_nothing, title="Nytte", url_path="forside", default=True)],
                  position="hidden")


def _nothing() -> None:
    return None


def _oidc_principal(settings: Settings, auth: Mapping[str, Any]) -> Principal:
    validate_auth_section(auth)
    if not st.user.is_logged_in:
        _login_screen_menu()
        st.title("Nytte")
        st.write("Log ind med din kommunes brugerkonto for at fortsætte.")
        st.button("Log ind", on_click=st.login, type="primary")
        st.stop()
    rules = load_role_rules(settings.roles_file)
    principal = principal_from_claims(st.user.to_dict(), rules)
    if principal is None:
        _login_screen_menu()
        st.error("Din bruger har ingen rolle i Nytte. Kontakt kommunens administrator.")
        st.button("Log ud", on_click=st.logout)
        st.stop()
    return principal


def _demo_principal(settings: Settings) -> Principal:
    st.sidebar.warning("Lokal demotilstand — ingen login. Kun til demo og test.")
    # A browser page switch renders the picker as a new widget (its state is lost);
    # the choice is kept in a plain session key and handed back as the default.
    kept = st.session_state.get(DEMO_ROLE_KEPT)
    choice = st.sidebar.selectbox(
        "Vælg rolle",
        options=list(Role),
        format_func=lambda r: ROLE_LABELS[r],
        index=None if kept is None else list(Role).index(Role(kept)),
        placeholder="Vælg en rolle …",
        key=DEMO_ROLE_KEY,
    )
    st.session_state[DEMO_ROLE_KEPT] = None if choice is None else Role(choice).value
    if choice is None:
        st.title("Nytte")
        st.write(
            "Nytte kører i lokal demotilstand uden login. Vælg en rolle i menuen til "
            "venstre for at se demokommunens data."
        )
        st.stop()
    unit_ids, region = demo_scope_for(settings.demo_municipality)
    return demo_principal(Role(choice), settings.demo_municipality, unit_ids, region)


def main() -> None:
    # A local icon: a :material/...: icon is fetched from fonts.gstatic.com, which the
    # content-security policy (docs/deploy/nginx.conf) and privacy both forbid.
    st.set_page_config(page_title="Nytte", page_icon=FAVICON, layout="wide")
    try:
        settings = load_settings()
        database_available_or_last(settings)
        auth = _auth_section()
        if auth is not None:
            principal = _oidc_principal(settings, auth)
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
        st.sidebar.button("Log ud", on_click=st.logout)

    sections: dict[str, list[Any]] = {}
    for spec in pages_for(principal.role):
        sections.setdefault(spec.section, []).append(
            st.Page(
                RENDERERS[spec.key],
                title=spec.title,
                icon=spec.icon,
                url_path=spec.key,
                default=spec.key == "forside",
            )
        )
    run_page(st.navigation(sections))


main()

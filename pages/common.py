"""Helpers shared by the page functions: the principal, the guard, the engine."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.audit_guard import require_audit
from nytte.auth import AccessDenied, Principal
from nytte.db import get_engine, session_scope
from nytte.navigation import require_page

PRINCIPAL_KEY = "nytte_principal"


def guard(page_key: str) -> Principal:
    """Check again, inside the page, that the current principal may open it.

    The router already builds the menu from the role; this stops a page that is
    reached any other way (a stale session, a future routing mistake)."""
    try:
        return require_page(st.session_state.get(PRINCIPAL_KEY), page_key)
    except AccessDenied as exc:
        st.error(str(exc))
        st.stop()
        raise  # st.stop() raises; this keeps type checkers content


@st.cache_resource
def engine() -> Engine:
    """One engine (pool) per server process, shared by all sessions."""
    return get_engine()


@contextmanager
def db_session() -> Iterator[Session]:
    """One unit of work for a page. Every write in it must leave an audit event
    (nytte.audit.record): a transaction that writes without one is refused at commit
    (nytte.audit_guard.UnauditedWrite)."""
    with session_scope(engine()) as session:
        require_audit(session)
        yield session


def placeholder(title: str, what: list[str]) -> None:
    st.title(title)
    st.info("Denne side er under udvikling. Her kommer:")
    for line in what:
        st.markdown(f"- {line}")


# --- a deep link across the OIDC login ------------------------------------------------
# st.login always returns to the app's root URL, and the browser starts a new session
# there. The page the user asked for is kept on the server, keyed by a value the
# browser sends in both sessions: the token inside Streamlit's XSRF cookie (its
# printed form is re-masked on every response; the token itself stays the same).

_DEEP_LINK_SECONDS = 600.0


@st.cache_resource
def _deep_links() -> dict[str, tuple[str, float]]:
    return {}


def _browser_key() -> str | None:
    raw = st.context.cookies.get("_streamlit_xsrf")
    if not raw:
        return None
    parts = raw.strip("\"'").split("|")
    try:
        if parts[0] == "2" and len(parts) == 4:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            token = bytes(b ^ mask[i % 4] for i, b in enumerate(masked))
            return hashlib.sha256(token + parts[3].encode()).hexdigest()
    except ValueError:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()


def remember_deep_link(url_path: str) -> None:
    """Before the login redirect: remember which page this browser asked for."""
    key = _browser_key()
    if key is None:
        return
    links = _deep_links()
    now = time.monotonic()
    for k in [k for k, (_, at) in links.items() if now - at > _DEEP_LINK_SECONDS]:
        links.pop(k, None)
    links[key] = (url_path, now)


def take_deep_link() -> str | None:
    """After login: the page this browser asked for before it (once), or None."""
    key = _browser_key()
    if key is None:
        return None
    entry = _deep_links().pop(key, None)
    if entry is None or time.monotonic() - entry[1] > _DEEP_LINK_SECONDS:
        return None
    return entry[0]


def forget_deep_link() -> None:
    key = _browser_key()
    if key is not None:
        _deep_links().pop(key, None)


# --- file uploads -----------------------------------------------------------------------
# Streamlit's uploader has fixed English text ("Upload", "… per file"); a Danish line
# beside it says the same and the real limit. The limit is server.maxUploadSize in
# .streamlit/config.toml, equal to the import reader's (nytte/imports/reader.py) and the
# screening attachment's limit (tests/test_danish_ui.py checks that they agree).
UPLOAD_LIMIT_MB = 5


def upload_note(kinds: str) -> None:
    """The Danish line under a file uploader: how to choose a file and the limit."""
    st.caption(
        f"Vælg en fil med knappen «Upload» eller træk den hertil. Højst "
        f"{UPLOAD_LIMIT_MB} MB pr. fil; {kinds}."
    )

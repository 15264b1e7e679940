"""Helpers shared by the page functions: the principal, the guard, the engine."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.core.audit_guard import guard_engine, require_audit
from nytte.core.auth import AccessDenied, Principal
from nytte.core.concurrency import OUTAGE_MESSAGE, ConcurrentEditError, problem_message
from nytte.core.config import Settings
from nytte.core.db import (
    DatabaseUnavailable,
    check_database,
    get_engine,
    ping_database,
    session_scope,
)
from nytte.core.db_roles import check_app_role
from nytte.core.navigation import require_page
from nytte.core.textsafe import md_escape

PRINCIPAL_KEY = "nytte_principal"
T = TypeVar("T")


def guard(page_key: str) -> Principal:
    """Check again, inside the page, that the current principal may open it.

    The router already builds the menu from the role; this stops a page that is
    reached any other way (a stale session, a future routing mistake)."""
    try:
        return require_page(st.session_state.get(PRINCIPAL_KEY), page_key)
    except AccessDenied as exc:
        st.error(md_escape(str(exc)))  # may quote user or file text
        st.stop()
        raise  # st.stop() raises; this keeps type checkers content


@st.cache_resource
def engine() -> Engine:
    """One engine (pool) per server process, shared by all sessions. Every commit on
    it is checked for an audit event, whatever built the statements."""
    return guard_engine(get_engine())


@st.cache_resource
def _verified() -> dict[tuple[str, bool], bool]:
    """Per process: databases found migrated and safely owned -> development override."""
    return {}


def check_database_ready(settings: Settings) -> None:
    """The database is reachable and migrated, and the app's role does not own the
    audit trail (ConfigError otherwise). With the development override, every page
    says so.

    The schema and the role are checked until they pass once in this process; after
    that a run only asks whether the database answers (one ``SELECT 1``), so a warm
    re-run does not read the catalogue."""
    eng = engine()
    key = (eng.url.render_as_string(hide_password=True), settings.allow_owner_database_role)
    verified = _verified()
    if key in verified:
        ping_database(eng)
        owner_override = verified[key]
    else:
        check_database(eng)
        owner_override = check_app_role(eng, allow_owner=settings.allow_owner_database_role)
        verified[key] = owner_override
    if owner_override:
        st.sidebar.error(
            "UDVIKLINGSTILSTAND: appens databaserolle ejer revisionssporet "
            "(NYTTE_ALLOW_OWNER_DATABASE_ROLE). Må ikke bruges i drift."
        )


@contextmanager
def db_session() -> Iterator[Session]:
    """One unit of work for a page. Every write in it must leave an audit event
    (nytte.core.audit.record): a transaction that writes without one is refused at commit
    (nytte.core.audit_guard.UnauditedWrite)."""
    with session_scope(engine()) as session:
        require_audit(session)
        yield session


def run_or_refuse(
    call: Callable[[Session], T], refused: tuple[type[Exception], ...]
) -> T | None:
    """``call`` in one unit of work. An exception of the ``refused`` kinds is shown as
    an error (escaped: its message may quote what the user typed) and gives None."""
    try:
        with db_session() as session:
            return call(session)
    except refused as exc:
        st.error(md_escape(str(exc)))
        return None


def placeholder(title: str, what: list[str]) -> None:
    st.title(title)
    st.info("Denne side er under udvikling. Her kommer:")
    for line in what:
        st.markdown(f"- {line}")


# --- faults: outage, busy SQLite, unique-key races ------------------------------------

log = logging.getLogger("nytte.pages")

LAST_READ_PREFIX = "nytte_last_read:"


def db_problem_message(exc: BaseException) -> str | None:
    """nytte.core.concurrency.problem_message, also for the page's own exceptions."""
    if isinstance(exc, DatabaseUnavailable):
        return OUTAGE_MESSAGE
    if isinstance(exc, ConcurrentEditError):
        return str(exc)
    return problem_message(exc)


def show_db_problem(exc: BaseException) -> bool:
    """Show the Danish message for a database fault (details to the log); False when
    ``exc`` is not one, so the caller re-raises it."""
    message = db_problem_message(exc)
    if message is None:
        return False
    log.warning("database fault shown to the user as %r: %s", message[:40], exc)
    st.error(message)
    return True


def run_page(page: Any) -> None:
    """Run the routed page; a database fault becomes one Danish sentence, and the
    widgets drawn before it keep what the user typed."""
    try:
        page.run()
    except Exception as exc:
        if not show_db_problem(exc):
            raise


def read_or_last(key: str, read: Callable[[Session], T]) -> T:
    """``read`` in a page session; during an outage, the value this session read last
    (with the outage message) so that a form being filled in stays on the screen."""
    try:
        with db_session() as session:
            value = read(session)
    except Exception as exc:
        last = st.session_state.get(LAST_READ_PREFIX + key)
        if db_problem_message(exc) != OUTAGE_MESSAGE or last is None:
            raise
        if not st.session_state.get("nytte_outage_shown_this_run"):
            st.warning(OUTAGE_MESSAGE)
        return last  # type: ignore[no-any-return]
    st.session_state[LAST_READ_PREFIX + key] = value
    return value


def database_available_or_last(settings: Settings) -> None:
    """At the start of every run: check the database (check_database_ready). During an
    outage, a user already at work keeps their page (reads fall back to what they saw,
    with a warning); before that, the outage stops the run with its message."""
    try:
        check_database_ready(settings)
    except DatabaseUnavailable:
        if st.session_state.get(PRINCIPAL_KEY) is None:
            raise
        log.warning("database unavailable; serving session %s from its last reads",
                    getattr(st.session_state.get(PRINCIPAL_KEY), "user_id", "?"))
        st.warning(OUTAGE_MESSAGE)
        st.session_state["nytte_outage_shown_this_run"] = True
        return
    st.session_state["nytte_outage_shown_this_run"] = False


def demo_scope_for(municipality_code: str) -> tuple[list[int], str]:
    """The demo principal's units and region (read once per session, kept for outages)."""
    from nytte.org.service import demo_scope

    def read(session: Session) -> tuple[list[int], str]:
        unit_ids, region = demo_scope(session, municipality_code)
        return list(unit_ids), region

    return read_or_last(f"demo_scope:{municipality_code}", read)


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
# .streamlit/config.toml, equal to the import reader's (nytte/io/reader.py) and the
# screening attachment's limit (tests/test_danish_ui.py checks that they agree).
UPLOAD_LIMIT_MB = 5


def upload_note(kinds: str) -> None:
    """The Danish line under a file uploader: how to choose a file and the limit."""
    st.caption(
        f"Vælg en fil med knappen «Upload» eller træk den hertil. Højst "
        f"{UPLOAD_LIMIT_MB} MB pr. fil; {kinds}."
    )

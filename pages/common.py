"""Helpers shared by the page functions: the principal, the guard, the engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nytte.audit_guard import guard_engine, require_audit
from nytte.auth import AccessDenied, Principal
from nytte.config import Settings
from nytte.db import check_database, get_engine, session_scope
from nytte.db_roles import check_app_role
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
    """One engine (pool) per server process, shared by all sessions. Every commit on
    it is checked for an audit event, whatever built the statements."""
    return guard_engine(get_engine())


def check_database_ready(settings: Settings) -> None:
    """The database is reachable and migrated, and the app's role does not own the
    audit trail (ConfigError otherwise). With the development override, every page
    says so."""
    check_database(engine())
    if check_app_role(engine(), allow_owner=settings.allow_owner_database_role):
        st.sidebar.error(
            "UDVIKLINGSTILSTAND: appens databaserolle ejer revisionssporet "
            "(NYTTE_ALLOW_OWNER_DATABASE_ROLE). Må ikke bruges i drift."
        )


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

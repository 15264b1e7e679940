"""Running app.py in AppTest as a given demo role, on a given page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nytte.core.auth import Role
from nytte.core.db import dispose_engines

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DEMO_ROLE_KEY = "nytte_demo_role"


def open_page(role: Role | None, page_key: str | None = None, timeout: float = 60) -> AppTest:
    """Run the app as ``role`` (local demo mode) and open ``page_key``.

    Pages are functions routed by st.navigation, which AppTest.switch_page (file
    pages only) cannot reach; a function page's script hash is the hash of its
    url_path, so we select it the way a browser visiting /<url_path> would."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if role is not None:
        at.session_state[DEMO_ROLE_KEY] = role
    at.run()
    if page_key is not None:
        from streamlit.util import calc_hash

        at._page_hash = calc_hash(page_key)
        at.run()
    return at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of the lazy ``st.tabs(..., key=key, on_change="rerun")``
    (only the open tab is drawn), as a click on it does: a run with the new state."""
    at.session_state[key] = label
    at.run()
    return at


@contextmanager
def app_reading(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app, run in AppTest from the repository root, reads the database at ``url``;
    Streamlit's caches start and end empty and the app's engines are closed after."""
    monkeypatch.setenv("NYTTE_DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield url
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        dispose_engines()

"""Running app.py in AppTest as a given demo role, on a given page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from nytte.auth import Role

APP = str(Path(__file__).resolve().parent.parent / "app.py")
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

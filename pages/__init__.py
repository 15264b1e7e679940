"""Streamlit page functions. Modules here only DEFINE functions that app.py routes to:
Streamlit's legacy pages/ discovery would otherwise run a page without app.py's gate.

That legacy discovery is what the very first session of a freshly started server gets
(Streamlit decides per process, and only app.py's first st.navigation call switches it
off): its first run wraps the script in a navigation of its own, listing the files in
pages/ — the run that showed module names as a menu, and that lost the demo role at the
first page switch. This package is imported at the top of that first run (by app.py, or
by the pages/ file a visitor opened directly), so it switches the legacy mode off here
and starts the run again, which app.py's router then answers."""

from __future__ import annotations


def _leave_legacy_pages_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if not PagesManager.uses_pages_directory or get_script_run_ctx() is None:
        return
    PagesManager.uses_pages_directory = False
    import streamlit as st

    st.rerun()


_leave_legacy_pages_mode()

"""Small widgets more than one page draws the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st


def table_or_note(rows: Sequence[Mapping[str, object]], empty: str) -> None:
    """The rows as a table across the page, or, when there are none, ``empty``."""
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(empty)

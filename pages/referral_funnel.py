"""Henvisningstragt."""

from __future__ import annotations

import streamlit as st

from pages.common import guard


def render() -> None:
    guard("tragt")
    st.title("Henvisningstragt")

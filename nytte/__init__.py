"""Nytte: the domain, services and data access for nytteindsats units.

This package never imports Streamlit: the Streamlit pages in ``pages/`` and the
router ``app.py`` are the only entry points that do (tests/test_layers.py).
"""

__version__ = "0.1.0"

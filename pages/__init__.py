"""Streamlit page functions. Modules here only DEFINE functions that app.py routes to:
Streamlit's legacy pages/ discovery would otherwise run a page without app.py's gate."""

"""Shared pieces of the pages: the one cache module (cache.py) and widgets more than
one page draws (widgets.py)."""

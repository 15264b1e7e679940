"""Shared pieces of the pages: the one cache module (cache.py)."""

"""Deterministic demo data: `python -m nytte demo --scale demo|national --seed N`."""

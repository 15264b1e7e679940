"""Imports of people data from the case system (the referral import).

The reading layer every file import shares (size limits, strict CSV, Danish cells,
row-level problems) is nytte/io/reader.py, cells.py and errors.py."""

from nytte.io.errors import ImportProblem, ImportRejected

__all__ = ["ImportProblem", "ImportRejected"]

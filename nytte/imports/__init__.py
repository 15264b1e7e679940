"""Imports from files (CSV, Excel): a reusable reading and validation layer.

`reader.read_table` turns uploaded bytes into rows with their row numbers, after
refusing what must never be parsed (too large, zip bombs, not a workbook, binary or
UTF-16 text). `cells` parses Danish cell values (decimal comma, dd-mm-yyyy) and
refuses formulas. A concrete import (e.g. `referrals`) validates each row with a
pydantic model and writes everything in one transaction, or nothing.
Every problem is an `ImportProblem` naming the row and the field, in Danish."""

from nytte.imports.errors import ImportProblem, ImportRejected

__all__ = ["ImportProblem", "ImportRejected"]

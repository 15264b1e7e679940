"""Problems found in an import: each names the row and the field, in Danish."""

from __future__ import annotations

from dataclasses import dataclass

# Most problems a user needs to see at once; more are summarised in one line.
MAX_LISTED = 50


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import.

    row is the row number as a spreadsheet shows it (the header is row 1); None
    means the file as a whole. field is the column; None when no column applies."""

    row: int | None
    field: str | None
    message: str

    @property
    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Række {self.row}")
        else:
            where.append("Filen")
        if self.field is not None:
            where.append(f"felt '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(ValueError):
    """The import was refused; nothing was written. ``problems`` lists why."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        lines = [p.text for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"… og {len(problems) - MAX_LISTED} fejl mere.")
        super().__init__("Filen blev ikke indlæst; intet er gemt.\n" + "\n".join(lines))

    @classmethod
    def one(cls, row: int | None, field: str | None, message: str) -> ImportRejected:
        return cls([ImportProblem(row, field, message)])

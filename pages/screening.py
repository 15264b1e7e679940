"""Opgavescreening (placeholder until its issue lands)."""

from __future__ import annotations

from pages.common import guard, placeholder


def render() -> None:
    guard("opgavescreening")
    placeholder(
        "Opgavescreening",
        [
            "Screening af opgaver mod værnsreglerne (fortrængning, normeret niveau, "
            "sparet væk, gentagelse, konkurrenceforvridning)",
            "Registrering af TR-høringen og den skriftlige tilkendegivelse",
            "Opgavekatalog og tidligere afgørelser",
        ],
    )

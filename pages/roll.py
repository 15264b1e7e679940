"""Morgenregistrering (placeholder until its issue lands)."""

from __future__ import annotations

from pages.common import guard, placeholder


def render() -> None:
    guard("fremmoede")
    placeholder(
        "Morgenregistrering",
        [
            "Dagens forventede deltagere fra deres ugeskema, «alle mødt» med ét klik "
            "og undtagelserne bagefter",
            "Udskrivbar mødeliste (PDF) og import af papirlisten",
            "Fremmøde- og kapacitetsoverblik, henvisningstragt og fraværslister til jobcentret",
        ],
    )

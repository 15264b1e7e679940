"""Regional gennemgang (placeholder until its issue lands)."""

from __future__ import annotations

from pages.common import guard, placeholder


def render() -> None:
    guard("raad")
    placeholder(
        "Regional gennemgang",
        [
            "Kommunerne i regionen side om side med landstallene",
            "Strategitjekliste ud fra rådets anbefalinger",
            "Mødemateriale til rådet",
        ],
    )

"""Administration (placeholder until its issue lands)."""

from __future__ import annotations

from pages.common import guard, placeholder


def render() -> None:
    guard("administration")
    placeholder(
        "Administration",
        [
            "Kommunens screeningspolitik",
            "Søgning i revisionssporet",
            "Sletning af persondata efter opbevaringsperioden",
        ],
    )

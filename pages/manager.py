"""Ledelsesoverblik (placeholder until its issue lands)."""

from __future__ import annotations

from pages.common import guard, placeholder


def render() -> None:
    guard("ledelse")
    placeholder(
        "Ledelsesoverblik",
        [
            "Pladser mod indskrevne, fremmøde, fremmødeandel for nye henvisninger "
            "og afgange til job og uddannelse",
            "Sammenligning med forrige periode og samme periode sidste år",
            "Årlig evaluering som PDF og Excel",
        ],
    )

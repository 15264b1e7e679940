"""Which role may open which page: one table the router and every page read.

The Streamlit router (app.py) builds the menu from this, and each page function
checks it again, so a page a role may not open is neither listed nor rendered."""

from __future__ import annotations

from dataclasses import dataclass

from nytte.core.auth import AccessDenied, Principal, Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class PageSpec:
    key: str  # also the URL path
    title: str  # Danish menu title
    icon: str
    section: str
    roles: frozenset[Role]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("forside", "Forside", ":material/home:", "Nytte", ALL_ROLES),
    PageSpec(
        "fremmoede",
        "Morgenregistrering",
        ":material/how_to_reg:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "fremmoedeoverblik",
        "Fremmødeoverblik",
        ":material/calendar_month:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "kapacitet",
        "Kapacitet",
        ":material/groups:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "tragt",
        "Henvisningstragt",
        ":material/filter_alt:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "fravaer",
        "Fraværsmeddelelser",
        ":material/event_busy:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "risikoliste",
        "Risikoliste",
        ":material/trending_down:",
        "Fremmøde",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "opgavescreening",
        "Opgavescreening",
        ":material/fact_check:",
        "Opgaver",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "opgavekatalog",
        "Opgavekatalog",
        ":material/inventory_2:",
        "Opgaver",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "screeningpolitik",
        "Screeningspolitik",
        ":material/policy:",
        "Administration",
        frozenset({Role.ADMIN}),
    ),
    PageSpec(
        "henvisninger",
        "Henvisninger",
        ":material/group:",
        "Deltagere",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "indlaes-henvisninger",
        "Indlæs henvisninger",
        ":material/upload_file:",
        "Deltagere",
        frozenset({Role.KOORDINATOR, Role.LEDER}),
    ),
    PageSpec(
        "ledelse", "Ledelsesoverblik", ":material/monitoring:", "Ledelse", frozenset({Role.LEDER})
    ),
    PageSpec(
        "raad", "Regional gennemgang", ":material/account_balance:", "Råd", frozenset({Role.RAAD})
    ),
    PageSpec(
        "administration",
        "Administration",
        ":material/admin_panel_settings:",
        "Administration",
        frozenset({Role.ADMIN}),
    ),
)

PAGES_BY_KEY = {p.key: p for p in PAGES}


def pages_for(role: Role) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def may_open(principal: Principal, key: str) -> bool:
    return principal.role in PAGES_BY_KEY[key].roles


def require_page(principal: Principal | None, key: str) -> Principal:
    """Raise AccessDenied unless ``principal`` may open page ``key``."""
    if principal is None:
        raise AccessDenied("Du er ikke logget ind.")
    spec = PAGES_BY_KEY[key]
    if principal.role not in spec.roles:
        raise AccessDenied("Din rolle giver ikke adgang til denne side.")
    return principal

"""Roles, scopes and the mapping from login claims to a Principal.

Roles are the product's own (OIDC only says who someone is); a configuration file
(config/roles.toml, NYTTE_ROLES_FILE) maps claims such as groups or e-mail to a
role and a scope. Every page and every service that reads or writes checks the
principal again: the menu is a convenience, not the gate."""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

from nytte.core.config import ConfigError


class Role(StrEnum):
    LEDER = "leder"  # manager: the whole municipality
    KOORDINATOR = "koordinator"  # coordinator / team leader: own units
    RAAD = "beskaeftigelsesraad"  # regional council reviewer: aggregates of a region
    ADMIN = "admin"  # municipal system administrator


ROLE_LABELS: dict[Role, str] = {
    Role.LEDER: "Leder",
    Role.KOORDINATOR: "Koordinator / holdleder",
    Role.RAAD: "Regionalt beskæftigelsesråd",
    Role.ADMIN: "Administrator",
}


class AccessDenied(PermissionError):
    """The principal may not do this. The message is shown to the user in Danish."""


@dataclass(frozen=True)
class Principal:
    """Who is acting, in which role, over which scope.

    municipality_code scopes leder, koordinator and admin; unit_ids narrows a
    koordinator to their own units; region_code scopes a council reviewer."""

    user_id: str
    name: str
    role: Role
    municipality_code: str | None = None
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    region_code: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS[self.role]})"


def require_role(principal: Principal | None, *roles: Role) -> Principal:
    if principal is None:
        raise AccessDenied("Du er ikke logget ind.")
    if roles and principal.role not in roles:
        raise AccessDenied("Din rolle giver ikke adgang til dette.")
    return principal


def require_municipality(principal: Principal, municipality_code: str) -> None:
    """Person-level data of a municipality: its own leder, koordinator or admin only."""
    if principal.role is Role.RAAD or principal.municipality_code != municipality_code:
        raise AccessDenied("Du har ikke adgang til data fra denne kommune.")


def require_unit(principal: Principal, municipality_code: str, unit_id: int) -> None:
    """A koordinator only works on their own units; leder and admin on the municipality's."""
    require_municipality(principal, municipality_code)
    if principal.role is Role.KOORDINATOR and unit_id not in principal.unit_ids:
        raise AccessDenied("Du har kun adgang til dine egne enheder.")


def require_region(principal: Principal, region_code: str) -> None:
    if principal.role is not Role.RAAD or principal.region_code != region_code:
        raise AccessDenied("Du har kun adgang til tal for din egen region.")


# --- claims -> principal -------------------------------------------------------------


@dataclass(frozen=True)
class RoleRule:
    """If the login's ``claim`` holds ``value`` (or a list containing it), grant this."""

    claim: str
    value: str
    role: Role
    municipality: str | None = None
    units: frozenset[int] = frozenset()
    region: str | None = None


def parse_role_rules(data: Mapping[str, Any], source: str = "roles.toml") -> list[RoleRule]:
    rules = []
    for i, raw in enumerate(data.get("rule", []), start=1):
        where = f"{source}, regel {i}"
        try:
            role = Role(raw["role"])
            rule = RoleRule(
                claim=str(raw["claim"]),
                value=str(raw["value"]),
                role=role,
                municipality=raw.get("municipality"),
                units=frozenset(int(u) for u in raw.get("units", [])),
                region=raw.get("region"),
            )
        except KeyError as exc:
            raise ConfigError(f"{where} mangler feltet {exc.args[0]!r}.") from exc
        except ValueError as exc:
            raise ConfigError(f"{where} har en ugyldig værdi: {exc}.") from exc
        if role is Role.RAAD and not rule.region:
            raise ConfigError(f"{where}: rollen beskaeftigelsesraad kræver 'region'.")
        if role is not Role.RAAD and not rule.municipality:
            raise ConfigError(f"{where}: rollen {role.value} kræver 'municipality'.")
        rules.append(rule)
    return rules


def load_role_rules(path: Path) -> list[RoleRule]:
    if not path.is_file():
        raise ConfigError(f"Rollefilen {path} mangler; opret den eller ret NYTTE_ROLES_FILE.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Rollefilen {path} er ikke gyldig TOML: {exc}.") from exc
    return parse_role_rules(data, source=path.name)


def _claim_values(claims: Mapping[str, Any], claim: str) -> Iterable[str]:
    value = claims.get(claim)
    if value is None:
        return ()
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return [str(value)]


def principal_from_claims(claims: Mapping[str, Any], rules: Iterable[RoleRule]) -> Principal | None:
    """The first matching rule wins (order them from most to least specific)."""
    user_id = str(claims.get("sub") or claims.get("email") or "")
    name = str(claims.get("name") or claims.get("email") or user_id)
    for rule in rules:
        if rule.value in _claim_values(claims, rule.claim):
            return Principal(
                user_id=user_id,
                name=name,
                role=rule.role,
                municipality_code=rule.municipality,
                unit_ids=rule.units,
                region_code=rule.region,
            )
    return None


# --- the [auth] section of .streamlit/secrets.toml ----------------------------------

AUTH_REQUIRED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_REQUIRED_KEYS = ("client_id", "client_secret", "server_metadata_url")
# Sub-tables of [auth] that are settings of the default provider, not providers
# (Streamlit passes them to the OIDC client as they are).
PROVIDER_SETTINGS = frozenset({"client_kwargs"})

# The command the operator is told to run for a cookie secret (48 random bytes).
SECRET_COMMAND = 'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
MIN_SECRET_CHARS = 32
# Shannon entropy of the secret's own characters, in bits, summed over its length.
# A generated secret (token_urlsafe(32) or more, token_hex(32), base64 of 32 bytes)
# measures 185 bits or more; words, repeats and short keys measure far less.
MIN_SECRET_BITS = 170.0
# Words found in placeholders and hand-made secrets (checked case-insensitively).
PLACEHOLDER_WORDS = (
    "replace", "change", "secret", "example", "random", "character", "password",
    "placeholder", "cookie", "streamlit", "nytte", "hemmelig", "erstat", "adgangskode",
    "tilfaeldig", "tilfældig", "qwerty", "<", ">",
)
# Hand-typed runs ("xxxxxxxx", "12345678", "abcdefgh"): eight in a row. (Five would
# also turn up in one generated hex secret in about ten thousand.)
RUN_LENGTH = 8


def secret_bits(secret: str) -> float:
    """Empirical Shannon entropy of ``secret`` (bits per character times length)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    n = len(secret)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) * n


def _has_run(text: str) -> bool:
    """RUN_LENGTH characters repeated, or counting up by one ("12345678", "abcdefgh")."""
    same = up = 1
    for prev, cur in pairwise(text):
        same = same + 1 if cur == prev else 1
        up = up + 1 if ord(cur) == ord(prev) + 1 else 1
        if same >= RUN_LENGTH or up >= RUN_LENGTH:
            return True
    return False


def weak_secret_reason(secret: str) -> str | None:
    """Why ``secret`` is not fit to sign login cookies, or None when it is."""
    lowered = secret.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS) or _has_run(lowered):
        return "er en pladsholder eller en hjemmelavet tekst"
    if len(secret) < MIN_SECRET_CHARS:
        return f"er for kort ({len(secret)} tegn; mindst {MIN_SECRET_CHARS})"
    if secret_bits(secret) < MIN_SECRET_BITS:
        return "er for let at gætte (for få forskellige tegn)"
    return None


def check_cookie_secret(secret: str) -> None:
    """Refuse a placeholder or guessable cookie secret: whoever knows it can forge a
    login cookie with any name and group, and so any role."""
    reason = weak_secret_reason(secret)
    if reason is not None:
        raise ConfigError(
            f"cookie_secret i [auth] i .streamlit/secrets.toml {reason}; lav en ny med "
            f"kommandoen {SECRET_COMMAND} og start igen."
        )


def _provider_sections(auth: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {
        k: v for k, v in auth.items() if isinstance(v, Mapping) and k not in PROVIDER_SETTINGS
    }


def validate_auth_section(auth: Mapping[str, Any]) -> None:
    """Check an [auth] section the way st.login needs it; ConfigError says what to fix."""
    for key in AUTH_REQUIRED_KEYS:
        if not auth.get(key):
            raise ConfigError(
                f"Afsnittet [auth] i .streamlit/secrets.toml mangler '{key}'; tilføj det."
            )
    providers = _provider_sections(auth)
    sections = providers.items() if providers else [("auth", auth)]
    for name, section in sections:
        where = f"auth.{name}" if providers else "auth"
        for key in PROVIDER_REQUIRED_KEYS:
            if not section.get(key):
                raise ConfigError(
                    f"Afsnittet [{where}] i .streamlit/secrets.toml mangler '{key}'; tilføj det."
                )
        for key in PROVIDER_REQUIRED_KEYS:
            value = str(section[key])
            if "<" in value or ">" in value:
                raise ConfigError(
                    f"'{key}' i [{where}] i .streamlit/secrets.toml er stadig en pladsholder "
                    f"({value!r}); skriv værdien fra jeres identitetsudbyder."
                )
        url = str(section["server_metadata_url"])
        if not url.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise ConfigError(
                f"server_metadata_url i [auth] skal være en https-adresse, ikke {url!r}."
            )
    check_cookie_secret(str(auth["cookie_secret"]))


def demo_principal(
    role: Role, municipality_code: str, unit_ids: Iterable[int], region_code: str
) -> Principal:
    """A principal for the local demo mode (no login configured)."""
    return Principal(
        user_id=f"demo-{role.value}",
        name=f"Demo {ROLE_LABELS[role].lower()}",
        role=role,
        municipality_code=None if role is Role.RAAD else municipality_code,
        unit_ids=frozenset(unit_ids) if role is Role.KOORDINATOR else frozenset(),
        region_code=region_code if role is Role.RAAD else None,
    )

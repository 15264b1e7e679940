"""The access matrix: every role × every page × own/other scope, and every service
function × every role. Forbidden combinations are refused; allowed ones get through.

The page half renders each page *function* (not the router), so it proves each page
checks the role itself; the service half walks the @requires registry, so services
added by any module are covered as soon as they exist."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import nytte
from nytte.core.access import SERVICES, ServiceSpec
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.navigation import PAGES
from nytte.models import Participant, Referral
from tests.trust_helpers import page_modules, render_as, shown_text

GREVE, OTHER_MUNI = "0253", "0101"  # Greve (region 1085) holds all demo data
OWN = {
    Role.LEDER: Principal("l", "Leder Greve", Role.LEDER, GREVE),
    Role.KOORDINATOR: Principal("k", "Koordinator Citykorpset", Role.KOORDINATOR, GREVE,
                                frozenset({2})),
    Role.RAAD: Principal("r", "Rådsmedlem Sjælland", Role.RAAD, region_code="1085"),
    Role.ADMIN: Principal("a", "Admin Greve", Role.ADMIN, GREVE),
}
OTHER = {
    Role.LEDER: Principal("l2", "Leder København", Role.LEDER, OTHER_MUNI),
    Role.KOORDINATOR: Principal("k2", "Koordinator andetsteds", Role.KOORDINATOR, OTHER_MUNI,
                                frozenset({999})),
    Role.RAAD: Principal("r2", "Rådsmedlem Hovedstaden", Role.RAAD, region_code="1084"),
    Role.ADMIN: Principal("a2", "Admin København", Role.ADMIN, OTHER_MUNI),
}
# Text that would only be on screen if Greve's person-level data leaked.
GREVE_MARKERS = ("Service++", "Citykorpset", "SAG-0253", "Greve")
DENIED = "Din rolle giver ikke adgang til denne side."


def import_all_nytte() -> None:
    for mod in pkgutil.walk_packages(nytte.__path__, "nytte."):
        if not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)


# --- services × roles ---------------------------------------------------------------


class Untouchable:
    """Stands in for every argument but the principal: using it means the body ran."""

    def __getattr__(self, name: str) -> Any:
        raise BodyRan(name)

    def __iter__(self) -> Any:
        raise BodyRan("__iter__")

    def __bool__(self) -> bool:
        raise BodyRan("__bool__")

    def __len__(self) -> int:
        raise BodyRan("__len__")

    def __getitem__(self, key: object) -> Any:
        raise BodyRan("__getitem__")

    def __str__(self) -> str:
        raise BodyRan("__str__")

    def __format__(self, spec: str) -> str:
        raise BodyRan("__format__")


class BodyRan(Exception):
    pass


def _callable(spec: ServiceSpec) -> Any:
    module = importlib.import_module(spec.func.__module__)
    return getattr(module, spec.func.__qualname__)


def _call(spec: ServiceSpec, principal: Principal | None) -> None:
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(spec.func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name == spec.principal_param:
            kwargs[name] = principal
        elif param.default is inspect.Parameter.empty:
            kwargs[name] = Untouchable()
    _callable(spec)(**kwargs)


def test_registry_covers_the_services() -> None:
    import_all_nytte()
    names = set(SERVICES)
    assert {
        "nytte.org.service.unit_summaries",
        "nytte.referrals.service.update_referral",
        "nytte.admin.audit_log.search_audit",
        "nytte.admin.audit_log.export_participant_history",
        "nytte.referrals.imports.import_referrals",
    } <= names
    assert any(s.writes for s in SERVICES.values())


def test_every_function_taking_a_principal_is_a_registered_service() -> None:
    """A new service that forgets @requires fails here (auth/audit helpers excepted)."""
    import_all_nytte()
    exempt_modules = {"nytte.core.auth", "nytte.core.audit", "nytte.core.access",
                      "nytte.core.navigation", "nytte.admin.retention", "nytte.org.scope"}
    missing = []
    for mod in pkgutil.walk_packages(nytte.__path__, "nytte."):
        if mod.name in exempt_modules or mod.name.endswith("__main__"):
            continue
        module = importlib.import_module(mod.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ != module.__name__:
                continue
            if "principal" in inspect.signature(obj).parameters and not hasattr(
                obj, "__nytte_service__"
            ):
                missing.append(f"{mod.name}.{name}")
    assert missing == []


@pytest.mark.parametrize("role", list(Role))
def test_every_service_refuses_forbidden_roles_and_admits_allowed(role: Role) -> None:
    import_all_nytte()
    refused, admitted = [], []
    for spec in SERVICES.values():
        if spec.allows(role):
            # The role check passes: the body runs (it touches its arguments, or
            # returns without needing them).
            try:
                _call(spec, OWN[role])
            except AccessDenied:
                pytest.fail(f"{spec.name} refuses {role}, which it declares allowed")
            except Exception:
                pass  # the body ran on dummy arguments and failed there
            admitted.append(spec.name)
        else:
            with pytest.raises(AccessDenied):
                _call(spec, OWN[role])
            refused.append(spec.name)
    assert refused or admitted
    if role is Role.RAAD:
        # The council reviewer never reaches a person-level service.
        assert "nytte.referrals.service.list_referrals" in refused
        assert "nytte.referrals.imports.import_referrals" in refused


def test_every_service_refuses_no_login() -> None:
    import_all_nytte()
    for spec in SERVICES.values():
        with pytest.raises(AccessDenied, match="ikke logget ind"):
            _call(spec, None)


# --- services × own/other scope ------------------------------------------------------


def _referral_in_unit(s: Session, unit_id: int) -> Referral:
    return s.scalars(select(Referral).where(Referral.unit_id == unit_id).limit(1)).one()


def test_referral_services_keep_to_own_units(demo_sqlite: Engine) -> None:
    from nytte.referrals.service import get_referral, list_referrals, update_referral

    with Session(demo_sqlite) as s:
        own = list_referrals(s, OWN[Role.KOORDINATOR])
        assert own and {r.unit_id for r in own} == {2}
        assert {r.unit_id for r in list_referrals(s, OWN[Role.LEDER])} == {1, 2}
        assert list_referrals(s, OTHER[Role.KOORDINATOR]) == []
        assert list_referrals(s, OTHER[Role.LEDER]) == []
        foreign = _referral_in_unit(s, 1)
        with pytest.raises(AccessDenied):
            get_referral(s, OWN[Role.KOORDINATOR], foreign.id)
        with pytest.raises(AccessDenied):
            get_referral(s, OTHER[Role.LEDER], foreign.id)
        values = {"expected_start": foreign.expected_start, "mon_hours": 1, "tue_hours": 1,
                  "wed_hours": 1, "thu_hours": 1, "fri_hours": 1}
        with pytest.raises(AccessDenied):
            update_referral(s, OWN[Role.KOORDINATOR], foreign.id, foreign.version, values)
        with pytest.raises(AccessDenied):
            update_referral(s, OTHER[Role.LEDER], foreign.id, foreign.version, values)
        s.rollback()


def test_unit_summaries_keep_to_scope(demo_sqlite: Engine) -> None:
    from nytte.org.service import unit_summaries

    day = date(2026, 11, 20)
    with Session(demo_sqlite) as s:
        assert [u.unit_id for u in unit_summaries(s, OWN[Role.KOORDINATOR], day)] == [2]
        assert unit_summaries(s, OTHER[Role.LEDER], day) == []
        with pytest.raises(AccessDenied):
            unit_summaries(s, OWN[Role.RAAD], day)


def test_audit_services_keep_to_own_municipality(demo_sqlite: Engine) -> None:
    from nytte.admin.audit_log import AuditFilter, export_participant_history, search_audit

    with Session(demo_sqlite) as s:
        case_ref = s.scalar(select(Participant.case_ref).limit(1))
        assert case_ref
        with pytest.raises(LookupError):
            export_participant_history(s, OTHER[Role.ADMIN], case_ref)
        with pytest.raises(LookupError):
            search_audit(s, OTHER[Role.ADMIN], AuditFilter(case_ref=case_ref))
        s.rollback()


# --- pages × roles × own/other scope --------------------------------------------------

PAGE_MODULES = page_modules()


def test_every_page_in_the_table_is_routed() -> None:
    assert {p.key for p in PAGES} == set(PAGE_MODULES)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", [p.key for p in PAGES])
def test_page_function_checks_role_and_scope(app_db: str, page: str, role: Role) -> None:
    spec = next(p for p in PAGES if p.key == page)
    module = PAGE_MODULES[page]
    own = render_as(module, OWN[role])
    text = shown_text(own)
    if role not in spec.roles:
        # Refused inside the page function: the error and nothing else.
        assert DENIED in text
        assert not own.dataframe and not own.metric and not own.get("form")
        assert not any(m in text for m in GREVE_MARKERS), text[:500]
        return
    assert not own.exception, [e.value for e in own.exception]
    assert DENIED not in text
    if role is Role.RAAD:
        assert "SAG-" not in text  # never person-level rows for the reviewer
    other = render_as(module, OTHER[role])
    assert not other.exception, [e.value for e in other.exception]
    leaked = [m for m in GREVE_MARKERS if m in shown_text(other)]
    assert leaked == [], f"{page} as {role} of another scope shows {leaked}"


@pytest.mark.parametrize("page", [p.key for p in PAGES])
def test_page_function_without_login_shows_nothing(app_db: str, page: str) -> None:
    at = render_as(PAGE_MODULES[page], None)
    text = shown_text(at)
    assert "Du er ikke logget ind." in text
    assert not at.dataframe and not at.metric
    assert not any(m in text for m in GREVE_MARKERS)


@pytest.mark.parametrize("page", ["forside", "henvisninger"])
def test_marker_detection_sees_own_data(app_db: str, page: str) -> None:
    """Positive control for the scope test: own-scope renders do show Greve's data."""
    text = shown_text(render_as(PAGE_MODULES[page], OWN[Role.KOORDINATOR]))
    assert "Citykorpset" in text and "Service++" not in text

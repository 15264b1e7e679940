"""Which role may call which service function: a registry filled by a decorator.

Every service function in nytte that reads or writes data for a principal is
declared with ``@requires(Role..., writes=...)``. The decorator checks the role
before the body runs (the body still checks scope: own units, own municipality,
own region), and records the function in SERVICES so one test can walk every
service × every role and prove the forbidden ones are refused. The registry is
data, so services added by other modules are covered the moment they are imported."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from nytte.core.auth import AccessDenied, Principal, Role, require_role

P = ParamSpec("P")
R = TypeVar("R")

ALL_ROLES = frozenset(Role)
# Roles that may see person-level data of a municipality (never the council reviewer).
PERSON_LEVEL = frozenset({Role.LEDER, Role.KOORDINATOR, Role.ADMIN})


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # "module.function"
    roles: frozenset[Role]
    writes: bool
    func: Callable[..., object]  # the undecorated function
    principal_param: str

    def allows(self, role: Role) -> bool:
        return role in self.roles


SERVICES: dict[str, ServiceSpec] = {}


def _principal_param(func: Callable[..., object]) -> str:
    params = inspect.signature(func).parameters
    if "principal" in params:
        return "principal"
    raise TypeError(f"{func.__qualname__}: a @requires service needs a 'principal' parameter")


def requires(*roles: Role, writes: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the roles that may call a service; refuse everyone else.

    The principal is found by the parameter name ``principal``; a missing or
    None principal is refused as not logged in."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("@requires needs at least one role")

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        param = _principal_param(func)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind_partial(*args, **kwargs)
            principal = bound.arguments.get(param)
            if principal is not None and not isinstance(principal, Principal):
                raise AccessDenied("Ukendt bruger.")
            require_role(principal, *allowed)
            return func(*args, **kwargs)

        name = f"{func.__module__}.{func.__qualname__}"
        SERVICES[name] = ServiceSpec(name, allowed, writes, func, param)
        wrapper.__nytte_service__ = SERVICES[name]  # type: ignore[attr-defined]
        return wrapper

    return decorate


def service_spec(func: Callable[..., object]) -> ServiceSpec | None:
    """The registry entry of a decorated service function, or None."""
    spec = getattr(func, "__nytte_service__", None)
    return spec if isinstance(spec, ServiceSpec) else None

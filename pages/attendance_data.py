"""Cached reads for the attendance and capacity pages.

Keys are small parameters plus the principal's scope (never a DataFrame), so two
users with different scopes never share an entry; every roll save clears them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CACHED: list[Callable[..., Any]] = []


def clear_attendance_caches() -> None:
    for fn in CACHED:
        fn.clear()  # type: ignore[attr-defined]

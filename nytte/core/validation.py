"""Reusable pydantic field types for server-side validation of forms and imports.

Every free-text field in Nytte (notes, caseworker, statements) uses `FreeText` (500
characters) or `ShortText` (80): stripped, no control or direction-override
characters, nothing shaped like a CPR number (nytte.core.privacy)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from nytte.core.privacy import find_cpr_like
from nytte.io.cells import has_control_characters


def check_free_text(value: str) -> str:
    if find_cpr_like(value):
        raise ValueError("ligner et CPR-nummer, som ikke må registreres")
    if has_control_characters(value):
        raise ValueError("indeholder usynlige styretegn")
    return value


FreeText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(check_free_text)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=80), AfterValidator(check_free_text)
]

"""Guards for personal data: Nytte never stores a CPR number.

A CPR number is ten digits, DDMMYY-SSSS, optionally with a dash or a space. We
refuse any free text holding something shaped like one whose first six digits are
a real calendar date; modulus-11 is not required (numbers issued since 2007 may
fail it), so the check errs on the side of refusing.
"""

from __future__ import annotations

import re
from datetime import date

_CPR_RE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[-\s]?(\d{4})(?!\d)")


class PersonalDataError(ValueError):
    """Raised when input holds personal data that Nytte must not store."""


def find_cpr_like(text: str | None) -> str | None:
    """Return the first CPR-shaped substring of ``text``, or None."""
    if not text:
        return None
    for m in _CPR_RE.finditer(text):
        day, month, yy = int(m.group(1)), int(m.group(2)), int(m.group(3))
        # Any century will do: we only ask whether DDMMYY could be a birth date.
        for century in (1900, 2000):
            try:
                date(century + yy, month, day)
            except ValueError:
                continue
            return m.group(0)
    return None


def looks_like_cpr(text: str | None) -> bool:
    """True when ``text`` holds something that could be a CPR number."""
    return find_cpr_like(text) is not None


def ensure_no_cpr(text: str | None, field: str) -> None:
    """Raise PersonalDataError naming ``field`` when ``text`` holds a CPR-like number."""
    if looks_like_cpr(text):
        raise PersonalDataError(
            f"Feltet '{field}' ser ud til at indeholde et CPR-nummer. "
            "Personnumre må ikke registreres i Nytte; brug sagsreferencen."
        )

"""Guards for personal data: Nytte never stores a CPR number. This is the one
detector; every form, import and service asks it.

A CPR number is ten digits, DDMMYY-SSSS. People write it with a dash, a space, a
dot, a slash, an underscore, an en dash, a soft hyphen, " - ", in groups of two,
with non-breaking or zero-width spaces, and in full-width digits. We refuse any text
holding such a shape whose first six digits are a real calendar date; modulus-11 is
not required (numbers issued since 2007 may fail it), so the check errs on the side
of refusing. One exception keeps a legal field usable: a ten-digit number right
after a P-number label ("P-nr. 1003388497") is a production unit's number, not a
person's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Characters that may stand between the groups of a CPR number.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d\u00ad"
_SPACES = " \t\u00a0\u2007\u2009\u200a\u202f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_SEP_CHARS = f"{_DASHES}{_SPACES}{_INVISIBLE}./_\\\\"
# One separator: a run of separator characters (" - ", "  ", "-\u00ad").
_SEP = f"[{_SEP_CHARS}]{{1,3}}"
_D = r"\d"

# DDMMYY then SSSS, with an optional separator between the date and the serial; the
# date itself may be split as DD.MM.YY (the same separator twice) and the serial as
# SS SS ("01 02 90 12 34").
_CPR_RE = re.compile(
    rf"(?<!\d)(?P<dd>{_D}{{2}})(?:(?P<s1>{_SEP})?)(?P<mm>{_D}{{2}})"
    rf"(?(s1)(?P=s1)|)(?P<yy>{_D}{{2}})(?:{_SEP})?(?P<s4a>{_D}{{2}})(?:{_SEP})?"
    rf"(?P<s4b>{_D}{{2}})(?!\d)"
)
# A labelled P-number (production unit, CVR register): "P-nr. ", "P-nummer: ", "pnr ".
_P_LABEL_RE = re.compile(r"(?i)\bp\s*[-.]?\s*(?:nr|nummer|no)\b\.?\s*[:.]?\s*$")


class PersonalDataError(ValueError):
    """Raised when input holds personal data that Nytte must not store."""


def _is_birth_date(dd: str, mm: str, yy: str) -> bool:
    day, month, year = int(dd), int(mm), int(yy)
    # Any century will do: we only ask whether DDMMYY could be a birth date.
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _labelled_p_number(text: str, match: re.Match[str]) -> bool:
    digits = match.group(0)
    return (
        digits.isascii()
        and digits.isdigit()
        and bool(_P_LABEL_RE.search(text[max(0, match.start() - 24) : match.start()]))
    )


def find_cpr_like(text: str | None) -> str | None:
    """Return the first CPR-shaped substring of ``text``, or None."""
    if not text:
        return None
    # Full-width and other compatibility forms become plain digits and dashes.
    text = unicodedata.normalize("NFKC", text)
    for m in _CPR_RE.finditer(text):
        if _is_birth_date(m.group("dd"), m.group("mm"), m.group("yy")) and not (
            _labelled_p_number(text, m)
        ):
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

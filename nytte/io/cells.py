"""Parsing cell values the way Danish spreadsheets write them, and refusing formulas.

Values arrive as text (CSV) or as typed values (Excel: int, float, datetime).
Each parser raises ValueError with a Danish sentence; the caller adds row and field."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

# A cell that a spreadsheet would run as a formula (OWASP "CSV injection"): these
# first characters make Excel and LibreOffice evaluate the cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\ufe62", "\ufe63", "\uff0b")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DANISH_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")

CellValue = str | int | float | bool | date | datetime | None


def looks_like_number(text: str) -> bool:
    t = text.strip().replace("\xa0", "").replace(" ", "")
    return bool(_NUMBER_RE.match(t) or _DANISH_THOUSANDS_RE.match(t))


def is_formula(text: str) -> bool:
    """True when a spreadsheet would treat ``text`` as a formula.

    A leading + or - is a formula unless the whole cell is a plain number
    (a negative number is a number, and is then judged by the field's range)."""
    if not text:
        return False
    stripped = text.lstrip(" \n")
    if not stripped:
        return False
    if text[0] in ("\t", "\r") or stripped[0] in ("=", "@", "\uff1d"):
        return True
    if stripped[0] in ("+", "-", "\ufe62", "\ufe63", "\uff0b"):
        return not looks_like_number(stripped)
    return False


def has_control_characters(text: str) -> bool:
    """Control or direction-override characters: never in honest cell text."""
    return bool(_CONTROL_RE.search(text))


def as_text(value: CellValue) -> str | None:
    """Cell value as stripped text; empty cells become None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_decimal(value: CellValue) -> float:
    """'6,25' or '6.25' or 6.25 -> 6.25; '1.234,5' -> 1234.5 (Danish thousands dots)."""
    if isinstance(value, bool | date):
        raise ValueError("skal være et tal")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = (value or "").strip().replace("\xa0", "").replace(" ", "")
        if _DANISH_THOUSANDS_RE.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif _NUMBER_RE.match(text):
            text = text.replace(",", ".")
        else:
            raise ValueError(f"'{value}' er ikke et tal (skriv fx 6,25)")
        number = float(text)
    if math.isnan(number) or math.isinf(number):
        raise ValueError("skal være et endeligt tal")
    return number


def parse_int(value: CellValue) -> int:
    number = parse_decimal(value)
    if not number.is_integer():
        raise ValueError(f"'{as_text(value)}' skal være et helt tal")
    if abs(number) > 10**9:
        raise ValueError(f"'{as_text(value)}' er alt for stort")
    return int(number)


_DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


def parse_date(value: CellValue) -> date:
    """dd-mm-yyyy (also with . or /) or yyyy-mm-dd; Excel dates as they are."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | int | float):
        raise ValueError(f"'{as_text(value)}' er ikke en dato (skriv dd-mm-åååå)")
    text = (value or "").strip()
    if not re.fullmatch(r"\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{1,2}-\d{1,2}", text):
        raise ValueError(f"'{text}' er ikke en dato (skriv dd-mm-åååå, fx 02-03-2026)")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' er en dato, der ikke findes")


def normalise_case_ref(value: CellValue) -> str:
    """A case reference as stored: full-width forms folded, outer spaces gone, upper
    case ("sag-0253-1" and "SAG-0253-1 " are the same citizen)."""
    text = unicodedata.normalize("NFKC", as_text(value) or "")
    return " ".join(text.split()).upper()

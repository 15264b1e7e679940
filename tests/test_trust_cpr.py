"""The one CPR detector (nytte.core.privacy): every common way of writing a CPR number is
caught, a labelled P-number is not, and every free-text path asks the detector."""

from __future__ import annotations

import pytest

from nytte.core.privacy import find_cpr_like
from nytte.core.validation import check_free_text

# Shapes a CPR number takes in notes, spreadsheets and e-mails (010190-1234 is a
# made-up number on a real date; 311299 and 290200 test the calendar).
CPR_SHAPES = [
    "010190-1234",
    "0101901234",
    "010190 1234",
    "010190  1234",
    "010190.1234",
    "010190/1234",
    "010190_1234",
    "010190\\1234",
    "010190\u20131234",  # en dash
    "010190\u20141234",  # em dash
    "010190\u20111234",  # non-breaking hyphen
    "010190\u22121234",  # minus sign
    "010190\u00ad1234",  # soft hyphen (invisible)
    "010190 - 1234",
    "010190 -1234",
    "010190- 1234",
    "010190\u00a01234",  # non-breaking space
    "010190\u202f1234",  # narrow no-break space
    "010190\u200b1234",  # zero-width space
    "010190\t1234",
    "01.01.90-1234",
    "01.01.90 1234",
    "01-01-90-1234",
    "01/01/90-1234",
    "01 01 90 1234",
    "01 01 90 12 34",
    "010190 12 34",
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14",  # full width
    "311299-4321",
    "290200-1234",  # 29 February 2000
    "cpr 010190-1234",
    "Borger (010190-1234) ringede",
    "ref:0101901234.",
    "SAG-010190-1234",
    "tlf. 12345678, cpr 311299 4321",
]

NOT_CPR = [
    "P-nr. 1003388497",
    "P-nr.: 1003388497",
    "P-nummer 1003388497",
    "p-nr 1003388497",
    "pnr. 1003388497",
    "CVR 29189757",
    "SAG-0253-000123",
    "tlf. 12 34 56 78",
    "Mødt 08.00-12.00",
    "2026-11-23",
    "23-11-2026",
    "Timer: 6,25",
    "320190-1234",  # no 32nd day
    "011390-1234",  # no 13th month
    "010190-12345",  # eleven digits
    "12010190-1234",  # preceded by digits
    "EAN 5790000123456",
    "",
]


def test_the_table_is_big_enough() -> None:
    assert len(CPR_SHAPES) >= 30


@pytest.mark.parametrize("text", CPR_SHAPES)
def test_cpr_shapes_are_found(text: str) -> None:
    assert find_cpr_like(text) is not None
    with pytest.raises(ValueError, match="CPR"):
        check_free_text(text)


@pytest.mark.parametrize("text", NOT_CPR)
def test_other_numbers_are_not_cpr(text: str) -> None:
    assert find_cpr_like(text) is None


def test_an_unlabelled_ten_digit_date_number_is_refused() -> None:
    """The P-number exception needs its label: a bare 1003388497 could be a CPR."""
    assert find_cpr_like("1003388497") is not None
    assert find_cpr_like("ring 1003388497") is not None


def test_no_other_cpr_pattern_in_the_code() -> None:
    """One detector: no module but nytte.core.privacy holds its own CPR regular expression."""
    import re

    from tests.trust_helpers import ROOT

    offenders = []
    for path in [*(ROOT / "nytte").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]:
        if path.name == "privacy.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\\d\{6\}|\\d\{2\}\)\(\\d\{2\}\)|cpr_re", text, re.IGNORECASE):
            offenders.append(path.name)
    assert not offenders

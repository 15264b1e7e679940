"""The demo covers the region: Greve in detail and Region Sjælland's other sixteen
municipalities at a light level, deterministic from the seed, some of them small."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.core.suppression import NO_DATA
from nytte.council import periods
from nytte.council.review import regional_review
from nytte.demo import params as P
from nytte.demo.region import AVERAGE_ENROLLED, iter_region, sizes

CODES = ["0259", "0265", "0269", "0306", "0316", "0320", "0326", "0329", "0330", "0336",
         "0340", "0350", "0360", "0370", "0376", "0390"]  # Sjælland without Greve


def test_council_page_compares_seventeen_municipalities(demo_sqlite: Engine) -> None:
    with demo_sqlite.connect() as conn:
        with_data = conn.execute(text(
            "SELECT COUNT(DISTINCT u.municipality_code) FROM unit u JOIN municipality m "
            "ON m.code = u.municipality_code WHERE m.region_code = '1085'")).scalar_one()
    assert with_data == 17
    with session_scope(demo_sqlite) as s:
        r = regional_review(s, Principal("r", "R", Role.RAAD, region_code="1085"),
                            periods.year(2025))
    assert len(r.funnel.row_labels) == 18 and r.no_data == ()
    shown = r.funnel.display_rows()
    assert NO_DATA not in {c for row in shown for c in row}
    # Small municipalities: suppression is visible.
    assert sum(row.count("..") for row in r.by_gender.display_rows()) >= 4


def test_region_data_is_deterministic_and_drawn_from_the_national_average() -> None:
    a = sizes(1, CODES)
    assert a == sizes(1, CODES) and a != sizes(2, CODES)
    mean = sum(a.values()) / len(a)
    assert abs(mean - AVERAGE_ENROLLED) / AVERAGE_ENROLLED < 0.1
    assert min(a.values()) < 3  # some municipalities are small
    (one,) = iter_region(1, CODES)
    (two,) = iter_region(1, CODES)
    assert (one.attendance["day"] == two.attendance["day"]).all()
    assert one.attendance["day"].max() <= P.DEMO_END


def test_until_cuts_the_region_data() -> None:
    until = date(2026, 6, 30)
    (d,) = iter_region(1, CODES, until=until)
    assert d.attendance["day"].max() <= until
    assert d.referrals["referred_on"].max() <= until
    ended = d.referrals["ended_on"]
    assert (ended[~(ended != ended)] <= until).all()

"""The council page's downloads, in one place for the page and the command line.

``python -m nytte council export`` and the page's download buttons call the same
functions on the same CouncilPage, so the secretariat's files hold exactly the
cells the page shows, with the same suppression."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nytte.core.access import requires
from nytte.core.auth import Principal, Role
from nytte.core.suppression import ProtectedTable
from nytte.council.council_page import CouncilPage, council_page
from nytte.council.exports import tables_csv, tables_xlsx
from nytte.council.pack import meeting_pack_pdf
from nytte.council.periods import Period

REVIEW_KPIS = ("new_referrals", "show_up_rate", "exits", "exits_job_education", "enrolled",
               "attendance_rate", "ji_activated", "national_offered",
               "national_share_of_recipients")
FORMATS = ("xlsx", "csv", "pdf")


def page_tables(page: CouncilPage) -> list[tuple[str, ProtectedTable]]:
    """Every count table of the page, titled, in the page's order."""
    sheets = list(page.review.tables())
    if page.jobindsats.table is not None:
        sheets.append(("Jobindsats: antal aktiverede", page.jobindsats.table))
    return sheets


def page_xlsx(page: CouncilPage) -> bytes:
    return tables_xlsx(page_tables(page), REVIEW_KPIS)


def page_csv(page: CouncilPage) -> bytes:
    r = page.review
    return tables_csv(page_tables(page), f"{r.region_name}: {r.period.label}")


def page_file(page: CouncilPage, fmt: str) -> bytes:
    if fmt == "xlsx":
        return page_xlsx(page)
    if fmt == "csv":
        return page_csv(page)
    if fmt == "pdf":
        return meeting_pack_pdf(page)
    raise ValueError(f"Formatet '{fmt}' kendes ikke: brug xlsx, csv eller pdf.")


def file_name(page: CouncilPage, fmt: str) -> str:
    r = page.review
    stem = "moedemateriale" if fmt == "pdf" else "regional_gennemgang"
    return f"{stem}_{r.region_code}_{r.period.start:%Y-%m}_{r.period.end:%Y-%m}.{fmt}"


@requires(Role.RAAD)
def export_file(session: Session, principal: Principal, period: Period, fmt: str) -> bytes:
    """One of the page's downloads for ``period``, built as the page builds it."""
    if fmt not in FORMATS:
        raise ValueError(f"Formatet '{fmt}' kendes ikke: brug xlsx, csv eller pdf.")
    return page_file(council_page(session, principal, period), fmt)

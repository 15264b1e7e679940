"""Import of follow-up status 3 and 6 months after a course (job, education, neither).

The unit does not know where a participant went after the course; the jobcentre's
case system does. This reads its CSV export (semicolon; dates dd-mm-yyyy), all or
nothing, with one Danish message naming the row and field of the first error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.access import requires
from nytte.core.audit import record
from nytte.core.auth import AccessDenied, Principal, Role, require_role
from nytte.core.data_version import Area, changed
from nytte.io.cells import CellValue, as_text, normalise_case_ref, parse_date
from nytte.io.errors import ImportRejected
from nytte.io.reader import normalise_header, read_checked
from nytte.models import Participant, Referral
from nytte.models.council import ExitFollowUp

OUTCOMES = {"job": "job", "uddannelse": "education", "ingen": "none", "andet": "none"}
COLUMNS = ("sagsreference", "slutdato", "efter 3 mdr", "efter 6 mdr")


class FollowUpImportError(ValueError):
    """The file cannot be imported; nothing was saved."""


@dataclass(frozen=True)
class FollowUpResult:
    rows: int
    saved: int


def _date(value: CellValue, n: int, field: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise FollowUpImportError(f"Række {n}, feltet '{field}': {exc}.") from exc


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    day = min(d.day, 28)
    return date(d.year + y, m + 1, day)


@requires(Role.LEDER, writes=True)
def import_follow_ups(session: Session, principal: Principal, content: bytes,
                      *, today: date | None = None) -> FollowUpResult:
    """Save the file's follow-ups for the principal's municipality, or raise."""
    require_role(principal, Role.LEDER)
    code = principal.municipality_code
    if code is None:
        raise AccessDenied("Din rolle er ikke knyttet til en kommune.")
    today = today or clock.today()
    # The one hardened reader: size, strict CSV, known columns, clean text (CPR too).
    try:
        table = read_checked(content, "opfoelgning.csv",
                             {normalise_header(c): c for c in COLUMNS}, COLUMNS)
    except ImportRejected as exc:
        raise FollowUpImportError(str(exc)) from exc
    found: list[tuple[int, int, str]] = []
    rows = 0
    for n, cells in table.rows:
        rows += 1
        ref_text = normalise_case_ref(cells["sagsreference"])
        ended = _date(cells["slutdato"], n, "slutdato")
        referral_id = session.scalar(
            select(Referral.id).join(Participant, Participant.id == Referral.participant_id)
            .where(Participant.municipality_code == code,
                   func.upper(Participant.case_ref) == ref_text,
                   Referral.ended_on == ended)
        )
        if referral_id is None:
            raise FollowUpImportError(
                f"Række {n}: der er intet forløb for sagsreference '{ref_text}', som sluttede "
                f"{ended:%d-%m-%Y}."
            )
        for months, field in ((3, "efter 3 mdr"), (6, "efter 6 mdr")):
            value = (as_text(cells[field]) or "").lower()
            if not value:
                continue
            if value not in OUTCOMES:
                raise FollowUpImportError(
                    f"Række {n}, feltet '{field}': '{value}' kendes ikke; brug job, "
                    "uddannelse eller ingen."
                )
            if _add_months(ended, months) > today:
                raise FollowUpImportError(
                    f"Række {n}, feltet '{field}': forløbet sluttede {ended:%d-%m-%Y}, så "
                    f"status efter {months} måneder kan endnu ikke kendes."
                )
            found.append((referral_id, months, OUTCOMES[value]))
    for referral_id, months, outcome in found:
        session.execute(delete(ExitFollowUp).where(ExitFollowUp.referral_id == referral_id,
                                                   ExitFollowUp.months_after == months))
        session.add(ExitFollowUp(referral_id=referral_id, months_after=months, outcome=outcome,
                                 source="CSV-import"))
    record(session, principal, "follow_up_imported", "referral", "",
           new={"rows": rows, "saved": len(found)})
    changed(session, Area.FOLLOW_UP)
    return FollowUpResult(rows, len(found))

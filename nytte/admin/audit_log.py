"""The audit trail for administrators: search it, and export one citizen's history.

An administrator sees the events of their own municipality. The export of a
participant's history (the citizen's right of access, GDPR art. 15) is itself an
audited write: who exported whose data, when."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.access import requires
from nytte.core.audit import record, shown
from nytte.core.audit_text import danish_time, describe, describe_values, entity_label, role_label
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.reference import code_labels
from nytte.io.exports import to_csv_bytes
from nytte.models import Attendance, AuditEvent, Participant, Referral, Team, Unit

MAX_RESULTS = 1000


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the user id
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    case_ref: str = ""  # events about this participant
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    event_id: int
    occurred_at: datetime
    actor: str
    actor_role: str
    action: str
    entity: str
    entity_id: str
    participant_id: int | None
    reason: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def _participant_by_case_ref(session: Session, principal: Principal, case_ref: str) -> Participant:
    person = session.scalars(
        select(Participant).where(
            Participant.municipality_code == principal.municipality_code,
            Participant.case_ref == case_ref.strip(),
        )
    ).first()
    if person is None:
        raise LookupError(f"Ingen deltager i kommunen har sagsreferencen '{case_ref.strip()}'.")
    return person


@requires(Role.ADMIN)
def search_audit(
    session: Session, principal: Principal, flt: AuditFilter, *, limit: int = MAX_RESULTS
) -> list[AuditRow]:
    """Events of the administrator's municipality matching the filter, newest first."""
    if principal.municipality_code is None:
        raise AccessDenied("Du er ikke knyttet til en kommune.")
    stmt = select(AuditEvent).where(AuditEvent.municipality_code == principal.municipality_code)
    if flt.actor.strip():
        stmt = stmt.where(AuditEvent.actor.ilike(f"%{_like(flt.actor.strip())}%", escape="\\"))
    if flt.action.strip():
        stmt = stmt.where(AuditEvent.action == flt.action.strip())
    if flt.entity.strip():
        stmt = stmt.where(AuditEvent.entity == flt.entity.strip())
    if flt.entity_id.strip():
        stmt = stmt.where(AuditEvent.entity_id == flt.entity_id.strip())
    if flt.case_ref.strip():
        person = _participant_by_case_ref(session, principal, flt.case_ref)
        stmt = stmt.where(AuditEvent.participant_id == person.id)
    if flt.date_from is not None:
        # The user means Danish days; timestamps are stored as UTC.
        stmt = stmt.where(AuditEvent.occurred_at >= clock.stored_start_of_day(flt.date_from))
    if flt.date_to is not None:
        end = clock.stored_start_of_day(flt.date_to + timedelta(days=1))
        stmt = stmt.where(AuditEvent.occurred_at < end)
    stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    return [
        AuditRow(e.id, e.occurred_at, e.actor, e.actor_role, e.action, e.entity, e.entity_id,
                 e.participant_id, *shown(e))
        for e in session.scalars(stmt)
    ]


def _like(text: str) -> str:
    """User text is data in a LIKE pattern too: escape its wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


AUDIT_CSV_COLUMNS = ["Tidspunkt (dansk tid)", "Bruger", "Rolle", "Hændelse", "Objekt", "Id",
                     "Deltager-id", "Begrundelse", "Før", "Efter"]


def audit_row_cells(r: AuditRow) -> dict[str, object]:
    """One event as the columns the page and the CSV export show: in words, Danish time."""
    return {
        "Tidspunkt (dansk tid)": danish_time(r.occurred_at),
        "Bruger": r.actor,
        "Rolle": role_label(r.actor_role),
        "Hændelse": describe(r.action, r.entity, r.entity_id, r.old, r.new),
        "Objekt": entity_label(r.entity),
        "Id": r.entity_id,
        "Deltager-id": r.participant_id,
        "Begrundelse": r.reason,
        "Før": describe_values(r.old),
        "Efter": describe_values(r.new),
    }


@requires(Role.ADMIN, writes=True)
def export_audit_search(session: Session, principal: Principal, flt: AuditFilter) -> bytes:
    """The search result as CSV (formulas neutralised); the export itself is audited."""
    rows = search_audit(session, principal, flt)
    data = to_csv_bytes([audit_row_cells(r) for r in rows], AUDIT_CSV_COLUMNS)
    # A search by case reference is about that person: the event names them by id and
    # keeps the reference in its note, which retention blanks.
    person = (_participant_by_case_ref(session, principal, flt.case_ref)
              if flt.case_ref.strip() else None)
    record(
        session, principal, "export_audit", "audit_event", "",
        new={"rows": len(rows), "filter": {k: (v.isoformat() if isinstance(v, date) else v)
                                           for k, v in vars(flt).items() if v}},
        participant_id=None if person is None else person.id,
    )
    session.flush()
    return data


@requires(Role.ADMIN)
def audit_actions(session: Session, principal: Principal) -> list[str]:
    stmt = (
        select(AuditEvent.action)
        .where(AuditEvent.municipality_code == principal.municipality_code)
        .distinct()
        .order_by(AuditEvent.action)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class SubjectExport:
    filename: str
    data: bytes
    counts: dict[str, int]


@requires(Role.ADMIN, writes=True)
def export_participant_history(
    session: Session, principal: Principal, case_ref: str
) -> SubjectExport:
    """Everything Nytte holds about one participant, as a zip of CSV files; audited."""
    person = _participant_by_case_ref(session, principal, case_ref)
    outcomes = code_labels(session, "exit_outcome")
    reasons = code_labels(session, "absence_reason")
    benefit = code_labels(session, "benefit_group")
    visitation = code_labels(session, "visitation_group")
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    refs = list(session.scalars(
        select(Referral).where(Referral.participant_id == person.id).order_by(Referral.referred_on)
    ))
    attendance = list(session.scalars(
        select(Attendance).where(Attendance.participant_id == person.id).order_by(Attendance.day)
    ))
    events = list(session.scalars(
        select(AuditEvent).where(AuditEvent.participant_id == person.id).order_by(AuditEvent.id)
    ))
    files = {
        "deltager.csv": to_csv_bytes(
            [{
                "Sagsreference": person.case_ref,
                "Ydelsesgruppe": benefit.get(person.benefit_group, person.benefit_group),
                "Visitationsgruppe": visitation.get(person.visitation_group or "", ""),
                "Køn": person.gender,
                "Fødselsår": person.birth_year,
                "Oprettet": person.created_at,
            }],
            ["Sagsreference", "Ydelsesgruppe", "Visitationsgruppe", "Køn", "Fødselsår",
             "Oprettet"],
        ),
        "henvisninger.csv": to_csv_bytes(
            [{
                "Enhed": units.get(r.unit_id, ""),
                "Hold": teams.get(r.team_id or 0, ""),
                "Henvist": r.referred_on,
                "Forventet start": r.expected_start,
                "Timer pr. uge": sum((r.mon_hours, r.tue_hours, r.wed_hours, r.thu_hours,
                                      r.fri_hours)),
                "Afsluttet": r.ended_on,
                "Afgangsårsag": outcomes.get(r.exit_outcome or "", ""),
                "Sagsbehandler": r.caseworker_ref,
            } for r in refs],
            ["Enhed", "Hold", "Henvist", "Forventet start", "Timer pr. uge", "Afsluttet",
             "Afgangsårsag", "Sagsbehandler"],
        ),
        "fremmoede.csv": to_csv_bytes(
            [{
                "Dato": a.day,
                "Status": "Mødt" if a.status == "present" else "Fraværende",
                "Forventede timer": a.expected_hours,
                "Timer": a.hours,
                "Fraværsårsag": reasons.get(a.reason_code or "", ""),
                "Note": a.note,
            } for a in attendance],
            ["Dato", "Status", "Forventede timer", "Timer", "Fraværsårsag", "Note"],
        ),
        "haendelser.csv": to_csv_bytes(
            [{
                "Tidspunkt (dansk tid)": danish_time(e.occurred_at),
                "Rolle": role_label(e.actor_role),
                "Hændelse": describe(e.action, e.entity, e.entity_id, e.old, e.new),
                "Objekt": entity_label(e.entity),
                "Id": e.entity_id,
                "Begrundelse": reason,
                "Før": describe_values(old),
                "Efter": describe_values(new),
            } for e in events for reason, old, new in [shown(e)]],
            ["Tidspunkt (dansk tid)", "Rolle", "Hændelse", "Objekt", "Id", "Begrundelse",
             "Før", "Efter"],
        ),
    }
    readme = (
        "Indsigt i oplysninger registreret i Nytte (databeskyttelsesforordningens art. 15).\n"
        f"Udtrukket {clock.today().strftime('%d-%m-%Y')} for sagsreference {person.case_ref}.\n"
        "deltager.csv: stamoplysninger; henvisninger.csv: forløb; fremmoede.csv: "
        "registreret fremmøde; haendelser.csv: revisionsspor om deltageren.\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("LAES_MIG.txt", readme)
        for name, content in files.items():
            zf.writestr(name, content)
    counts = {"referrals": len(refs), "attendance": len(attendance), "events": len(events)}
    record(
        session, principal, "export_personal_data", "participant", person.id,
        new={"files": sorted(files), **counts}, participant_id=person.id,
        municipality_code=person.municipality_code,
        reason="Indsigtsanmodning (art. 15)",
    )
    session.flush()
    return SubjectExport(f"indsigt_deltager_{person.id}.zip", buf.getvalue(), counts)

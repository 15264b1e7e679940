"""After retention, nothing of the anonymised person is left anywhere: the test
writes their notes, caseworker and case reference through the audited paths (a
referral correction, an attendance correction with a reason, an audit export
searched by case reference) and a roll draft (an unsaved note about them), runs
retention, then searches every column of every table of the database for those
values."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from nytte.admin.audit_log import AuditFilter, export_audit_search
from nytte.admin.retention import anonymise_expired, due_participants, months_before
from nytte.attendance.roll_draft import save_draft
from nytte.core.audit import record
from nytte.core.auth import Principal, Role
from nytte.demo.params import DEMO_END
from nytte.models import Attendance, Participant, Referral
from nytte.referrals.service import update_referral
from tests.trust_helpers import writable_copy

LEDER = Principal("leder-1", "Lene Leder", Role.LEDER, "0253")
ADMIN = Principal("admin-1", "Ada Admin", Role.ADMIN, "0253")
NOTE = "Indlagt paa psykiatrisk afdeling efter krise"
REASON = "Ringede fra psykiatrisk skadestue"
CASEWORKER = "Birthe Bjerregaard, jobcenter"
DRAFT_NOTE = "Angstanfald i bussen, ringer i morgen"


def _search_everything(engine: Engine, needle: str) -> list[str]:
    """Every table.column whose text holds ``needle``."""
    hits = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for col in inspect(conn).get_columns(table):
                q = conn.execute(text(
                    f'SELECT count(*) FROM "{table}" WHERE CAST("{col["name"]}" AS TEXT) '
                    "LIKE :p"), {"p": f"%{needle}%"}).scalar()
                if q:
                    hits.append(f"{table}.{col['name']}")
    return hits


def test_retention_leaves_nothing_of_the_person_in_any_table(
        demo_engine: Engine, tmp_path: Path) -> None:
    with writable_copy(demo_engine, tmp_path) as engine:
        cutoff = months_before(DEMO_END, 12)
        with Session(engine) as s, s.begin():
            due = {pid for pid, muni in due_participants(s, cutoff) if muni == "0253"}
            att = s.scalars(select(Attendance).where(Attendance.participant_id.in_(due))
                            .order_by(Attendance.id).limit(1)).one()
            pid = att.participant_id
            case_ref = s.get(Participant, pid).case_ref  # type: ignore[union-attr]
            ref = s.get(Referral, att.referral_id)
            assert ref is not None
            # The caseworker, corrected through the referral service (audited).
            values = {k: getattr(ref, k) for k in (
                "expected_start", "ended_on", "exit_outcome", "mon_hours", "tue_hours",
                "wed_hours", "thu_hours", "fri_hours")}
            update_referral(s, LEDER, ref.id, ref.version,
                            {**values, "caseworker_ref": CASEWORKER})
            # An attendance correction with a note and a reason, audited as the roll does.
            old = {"note": att.note, "status": att.status}
            att.note = NOTE
            record(s, LEDER, "attendance.corrected", "attendance", att.id, old=old,
                   new={"note": NOTE, "status": att.status}, participant_id=pid,
                   reason=REASON)
            # A roll typed and not saved: its draft holds a note about the person.
            assert save_draft(s, LEDER, att.unit_id, None, att.day,
                              {att.referral_id: {"note": DRAFT_NOTE}}) is not None
        with Session(engine) as s, s.begin():
            export_audit_search(s, ADMIN, AuditFilter(case_ref=case_ref))
        for needle in ("psykiatrisk", "Bjerregaard", "Angstanfald", case_ref):
            assert _search_everything(engine, needle), f"{needle} was not written at all"
        with Session(engine) as s, s.begin():
            result = anonymise_expired(s, months=12, today=DEMO_END)
        assert result.anonymised > 0
        for needle in ("psykiatrisk", "Bjerregaard", "Angstanfald", case_ref):
            assert _search_everything(engine, needle) == [], needle

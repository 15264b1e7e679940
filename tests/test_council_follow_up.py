"""Follow-up 3 and 6 months after a course: imported all or nothing, then counted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from nytte.core.auth import Principal, Role
from nytte.core.db import session_scope
from nytte.council.follow_up import FollowUpImportError, import_follow_ups
from nytte.council.metrics import Scope, kpi_values, raw_counts
from nytte.council.periods import year
from nytte.models import Participant, Referral
from nytte.models.council import ExitFollowUp
from tests import council_data

LEADER = Principal("leder", "Leder", Role.LEDER, municipality_code="0253")
TODAY = date(2026, 6, 1)


def _ends(engine: Engine, n: int) -> list[tuple[str, date]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Participant.case_ref, Referral.ended_on)
            .join(Referral, Referral.participant_id == Participant.id)
            .where(Participant.municipality_code == "0253").order_by(Participant.id).limit(n)
        ).all()
    return [(r, e) for r, e in rows if e is not None]


def _csv(lines: list[str]) -> bytes:
    return ("\ufeffsagsreference;slutdato;efter 3 mdr;efter 6 mdr\r\n"
            + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _saved(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(ExitFollowUp)) or 0)


def test_import_and_kpi(empty_engine: Engine) -> None:
    council_data.build(empty_engine)
    ends = _ends(empty_engine, 6)
    outcomes = ["job", "uddannelse", "ingen", "job", "ingen", "ingen"]
    lines = [f"{ref};{end:%d-%m-%Y};{o};{'job' if i < 2 else ''}"
             for i, ((ref, end), o) in enumerate(zip(ends, outcomes, strict=True))]
    with session_scope(empty_engine) as s:
        result = import_follow_ups(s, LEADER, _csv(lines), today=TODAY)
    assert (result.rows, result.saved) == (6, 8)
    with session_scope(empty_engine) as s:
        c = raw_counts(s, Scope(("0253",)), year(2025))
    assert (c.follow_up_3m, c.follow_up_3m_je, c.follow_up_6m, c.follow_up_6m_je) == (6, 3, 2, 2)
    values = kpi_values(c)
    assert values["exits_job_education_3m"] == pytest.approx(0.5)
    assert values["exits_job_education_6m"] == pytest.approx(1.0)


@pytest.mark.parametrize(("line", "message"), [
    ("UKENDT-1;{end};job;", "intet forløb for sagsreference 'UKENDT-1'"),
    ("{ref};31-02-2025;job;", "feltet 'slutdato'"),
    ("{ref};{end};pension;", "feltet 'efter 3 mdr': 'pension' kendes ikke"),
    ("010190-1234;{end};job;", "CPR-nummer"),
])
def test_bad_rows_save_nothing(empty_engine: Engine, line: str, message: str) -> None:
    council_data.build(empty_engine)
    (ref, end), (ref2, end2) = _ends(empty_engine, 2)
    good = f"{ref2};{end2:%d-%m-%Y};job;"
    bad = line.format(ref=ref, end=f"{end:%d-%m-%Y}")
    with session_scope(empty_engine) as s, pytest.raises(FollowUpImportError, match=message) \
            as info:
        import_follow_ups(s, LEADER, _csv([good, bad]), today=TODAY)
    assert "Række 3" in str(info.value) or "CPR" in str(info.value)
    assert _saved(empty_engine) == 0


def test_status_not_yet_knowable_is_refused(empty_engine: Engine) -> None:
    council_data.build(empty_engine)
    (ref, end), = _ends(empty_engine, 1)
    with session_scope(empty_engine) as s, pytest.raises(FollowUpImportError,
                                                         match="kan endnu ikke kendes"):
        import_follow_ups(s, LEADER, _csv([f"{ref};{end:%d-%m-%Y};;job"]),
                          today=date(end.year, end.month, 28))

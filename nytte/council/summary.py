"""The summary tables behind the council's figures, and how they stay current.

Three routes keep them right:

* ``refresh_all`` rebuilds everything (``python -m nytte council refresh``).
* ``ensure_fresh`` summarises rows added since the last refresh, found by id (for
  rows loaded in bulk outside the ORM); it rebuilds everything when the gap is large.
  Reads never call it: a read service does not write.
* A session hook re-summarises the unit-months and referrals touched by ORM writes
  (a corrected roll, an ended referral) in the same transaction as the write. It is
  installed in one place, nytte/core/bootstrap.py, by every engine nytte makes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, text

from nytte.models.attendance import Attendance
from nytte.models.base import utcnow
from nytte.models.council import SummaryState
from nytte.models.people import Referral

FULL_REFRESH_ABOVE = 200_000
"""Above this many new attendance rows, one full rebuild is faster than the delta."""

_CHUNK = 500
FAR_FUTURE = date(9999, 12, 31)


def _month_expr(conn: Connection, column: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


_ATT_COLS = ("municipality_code", "expected_days", "present_days", "unexcused_days",
             "expected_hours", "hours")
_REF_COLS = ("unit_id", "municipality_code", "participant_id", "benefit_group",
             "visitation_group", "gender", "birth_year", "expected_start", "ended_on",
             "active_until", "exit_outcome", "first_present", "present_days", "expected_days")


def _on_conflict(keys: str, cols: Iterable[str]) -> str:
    """Upsert (same syntax on SQLite and PostgreSQL): two transactions summarising the
    same unit-month at once, e.g. two team leaders saving rolls, must not collide."""
    return f"ON CONFLICT ({keys}) DO UPDATE SET " + ", ".join(
        f"{c} = excluded.{c}" for c in cols)


def _attendance_month_sql(conn: Connection, where: str, upsert: bool = False) -> str:
    m = _month_expr(conn, "a.day")
    return f"""
        INSERT INTO council_attendance_month
            (unit_id, month, municipality_code, expected_days, present_days,
             unexcused_days, expected_hours, hours)
        SELECT a.unit_id, {m}, u.municipality_code, COUNT(*),
               SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END),
               SUM(CASE WHEN a.status = 'absent' AND a.reason_code = 'unexcused'
                        THEN 1 ELSE 0 END),
               SUM(a.expected_hours), SUM(a.hours)
        FROM attendance a JOIN unit u ON u.id = a.unit_id
        {where or "WHERE 1 = 1"}
        GROUP BY a.unit_id, {m}, u.municipality_code
        {_on_conflict("unit_id, month", _ATT_COLS) if upsert else ""}
    """


def _referral_stats_sql(where: str, att_where: str, upsert: bool = False) -> str:
    return f"""
        INSERT INTO council_referral_stats
            (referral_id, unit_id, municipality_code, participant_id, benefit_group,
             visitation_group, gender, birth_year, expected_start,
             ended_on, active_until, exit_outcome, first_present, present_days, expected_days)
        SELECT r.id, r.unit_id, u.municipality_code, r.participant_id, p.benefit_group,
               p.visitation_group, p.gender, p.birth_year, r.expected_start,
               r.ended_on, COALESCE(r.ended_on, :far), r.exit_outcome, s.first_present,
               COALESCE(s.present_days, 0), COALESCE(s.expected_days, 0)
        FROM referral r
        JOIN unit u ON u.id = r.unit_id
        JOIN participant p ON p.id = r.participant_id
        LEFT JOIN (
            SELECT a.referral_id,
                   MIN(CASE WHEN a.status = 'present' THEN a.day END) AS first_present,
                   SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END) AS present_days,
                   COUNT(*) AS expected_days
            FROM attendance a {att_where}
            GROUP BY a.referral_id
        ) s ON s.referral_id = r.id
        {where or "WHERE 1 = 1"}
        {_on_conflict("referral_id", _REF_COLS) if upsert else ""}
    """


def _max_ids(conn: Connection) -> tuple[int, int]:
    a = conn.execute(select(func.coalesce(func.max(Attendance.id), 0))).scalar_one()
    r = conn.execute(select(func.coalesce(func.max(Referral.id), 0))).scalar_one()
    return int(a), int(r)


def _save_state(conn: Connection, att_max: int, ref_max: int) -> None:
    conn.execute(
        text(
            "INSERT INTO council_summary_state (id, attendance_max_id, referral_max_id, "
            "refreshed_at) VALUES (1, :a, :r, :t) "
            + _on_conflict("id", ("attendance_max_id", "referral_max_id", "refreshed_at"))
        ),
        {"a": att_max, "r": ref_max, "t": utcnow()},
    )


def _add_months(m: date, n: int) -> date:
    y, mo = divmod(m.month - 1 + n, 12)
    return date(m.year + y, mo + 1, 1)


def _ym(value: object) -> tuple[int, int]:
    """(year, month) of a date or an ISO date string (SQLite returns strings)."""
    if isinstance(value, date):
        return value.year, value.month
    text_value = str(value)
    return int(text_value[:4]), int(text_value[5:7])


def refresh_enrolled_months(conn: Connection, codes: Iterable[str] | None = None) -> None:
    """Recount distinct enrolled participants per month for these municipalities (all
    when None), over every month from the first referral to the newest data.

    Bucketed here from one read of the referral summary: counting in SQL with a
    month series rescanned the index once per month (24 s for the national data)."""
    wanted = None if codes is None else sorted(set(codes))
    if wanted == []:
        return
    params: dict[str, Any] = {}
    where = ""
    if wanted is not None:
        where = "WHERE municipality_code IN ({})".format(
            ", ".join(f":c{i}" for i in range(len(wanted))))
        params.update({f"c{i}": c for i, c in enumerate(wanted)})
    conn.execute(text(f"DELETE FROM council_enrolled_month {where}"), params)
    hi_start, hi_att = conn.execute(text(
        "SELECT MAX(expected_start), (SELECT MAX(month) FROM council_attendance_month) "
        "FROM council_referral_stats"
    )).one()
    if hi_start is None:
        return
    last = max(_ym(hi_start), _ym(hi_att) if hi_att is not None else (0, 0))
    seen: dict[tuple[str, int, int], set[int]] = {}
    for code, pid, start, until in conn.execute(text(
        "SELECT municipality_code, participant_id, expected_start, active_until "
        f"FROM council_referral_stats {where}"), params):
        y, m = _ym(start)
        end = min(_ym(until), last)
        while (y, m) <= end:
            seen.setdefault((code, y, m), set()).add(int(pid))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    sqlite = conn.dialect.name == "sqlite"  # store dates as SQLAlchemy's Date does there
    rows = [{"c": c, "m": date(y, m, 1).isoformat() if sqlite else date(y, m, 1), "n": len(p)}
            for (c, y, m), p in seen.items()]
    if rows:
        conn.execute(text(
            "INSERT INTO council_enrolled_month (municipality_code, month, enrolled) "
            "VALUES (:c, :m, :n) " + _on_conflict("municipality_code, month", ("enrolled",))),
            rows)


def refresh_all(conn: Connection) -> dict[str, int]:
    """Rebuild the summaries from scratch, in the caller's transaction."""
    att_max, ref_max = _max_ids(conn)
    conn.execute(text("DELETE FROM council_attendance_month"))
    conn.execute(text("DELETE FROM council_referral_stats"))
    conn.execute(text(_attendance_month_sql(conn, "")))
    conn.execute(text(_referral_stats_sql("", "")), {"far": FAR_FUTURE})
    refresh_enrolled_months(conn)
    _save_state(conn, att_max, ref_max)
    months = conn.execute(text("SELECT COUNT(*) FROM council_attendance_month")).scalar_one()
    refs = conn.execute(text("SELECT COUNT(*) FROM council_referral_stats")).scalar_one()
    return {"unit_months": int(months), "referrals": int(refs)}


def refresh_unit_months(conn: Connection, pairs: Iterable[tuple[int, date]]) -> None:
    """Re-summarise the given (unit, month) pairs; months are any day in the month."""
    for unit_id, day in sorted({(u, _month_start(d)) for u, d in pairs}):
        params = {"u": unit_id, "lo": day, "hi": _next_month(day)}
        conn.execute(
            text(_attendance_month_sql(
                conn, "WHERE a.unit_id = :u AND a.day >= :lo AND a.day < :hi", upsert=True
            )),
            params,
        )
        # A month whose last row was deleted has nothing to upsert: remove it.
        conn.execute(
            text("DELETE FROM council_attendance_month WHERE unit_id = :u AND month = :lo "
                 "AND NOT EXISTS (SELECT 1 FROM attendance WHERE unit_id = :u "
                 "AND day >= :lo AND day < :hi)"),
            params,
        )


def refresh_referrals(
    conn: Connection, referral_ids: Iterable[int], *, dates_changed: bool = False
) -> None:
    """Re-summarise the given referrals (after their attendance or ending changed).

    With ``dates_changed`` (a new referral, a start or end moved) the monthly enrolled
    counts of their municipalities are recounted too."""
    ids = sorted(set(referral_ids))
    codes: set[str] = set()
    for lo in range(0, len(ids), _CHUNK):
        chunk = ids[lo : lo + _CHUNK]
        marks = ", ".join(f":i{i}" for i in range(len(chunk)))
        params: dict[str, Any] = {f"i{i}": v for i, v in enumerate(chunk)}
        params["far"] = FAR_FUTURE
        conn.execute(
            text(_referral_stats_sql(
                f"WHERE r.id IN ({marks})", f"WHERE a.referral_id IN ({marks})", upsert=True
            )),
            params,
        )
        conn.execute(
            text(f"DELETE FROM council_referral_stats WHERE referral_id IN ({marks}) "
                 f"AND referral_id NOT IN (SELECT id FROM referral WHERE id IN ({marks}))"),
            params,
        )
        if dates_changed:
            codes.update(str(c) for c in conn.execute(text(
                "SELECT DISTINCT municipality_code FROM council_referral_stats "
                f"WHERE referral_id IN ({marks})"), params).scalars())
    if codes:
        refresh_enrolled_months(conn, codes)


def refresh_participants(conn: Connection, participant_ids: Iterable[int]) -> None:
    """Re-summarise the referrals of participants whose groups changed."""
    ids = sorted(set(participant_ids))
    refs: list[int] = []
    for lo in range(0, len(ids), _CHUNK):
        chunk = ids[lo : lo + _CHUNK]
        marks = ", ".join(f":i{i}" for i in range(len(chunk)))
        params: dict[str, Any] = {f"i{i}": v for i, v in enumerate(chunk)}
        refs += [int(r) for r in conn.execute(
            text(f"SELECT id FROM referral WHERE participant_id IN ({marks})"), params
        ).scalars()]
    refresh_referrals(conn, refs, dates_changed=True)


def ensure_fresh(conn: Connection) -> str:
    """Summarise rows added since the last refresh. Returns what was done."""
    row = conn.execute(
        select(SummaryState.attendance_max_id, SummaryState.referral_max_id).where(
            SummaryState.id == 1
        )
    ).first()
    att_max, ref_max = _max_ids(conn)
    if row is None:
        refresh_all(conn)
        return "full"
    seen_att, seen_ref = int(row[0]), int(row[1])
    if att_max == seen_att and ref_max == seen_ref:
        return "fresh"
    if att_max - seen_att > FULL_REFRESH_ABOVE or att_max < seen_att or ref_max < seen_ref:
        # A large load, or rows removed in bulk (ids went back): rebuild.
        refresh_all(conn)
        return "full"
    new_att = conn.execute(
        text(
            "SELECT DISTINCT unit_id, day, referral_id FROM attendance "
            "WHERE id > :lo AND id <= :hi"
        ),
        {"lo": seen_att, "hi": att_max},
    ).all()
    new_refs = conn.execute(
        text("SELECT id FROM referral WHERE id > :lo AND id <= :hi"),
        {"lo": seen_ref, "hi": ref_max},
    ).scalars().all()
    refresh_unit_months(conn, [(int(u), _as_date(d)) for u, d, _ in new_att])
    refresh_referrals(conn, [int(r) for _, _, r in new_att])
    refresh_referrals(conn, [int(r) for r in new_refs], dates_changed=True)
    _save_state(conn, att_max, ref_max)
    return "delta"


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])

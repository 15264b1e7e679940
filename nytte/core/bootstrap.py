"""The one place where behaviour is wired into SQLAlchemy sessions.

``bootstrap()`` runs when nytte makes an engine (nytte.core.db.make_engine), before any
session exists, so every unit of work on a nytte database carries the same steps;
importing a module never installs anything.

What it installs: the data-version bump at commit (nytte.core.data_version), and
the council's summary step (nytte.council.hooks). The council's
figures are read from summary tables (council_attendance_month,
council_referral_stats, council_enrolled_month). When a transaction writes
attendance, referrals or participants through the ORM (a roll save, a corrected
referral, an import), the summaries of the touched unit-months and referrals are
recomputed just before that transaction commits, in the same transaction: the
figures are never behind the rows and a rolled-back save leaves both untouched.
Bulk loads outside the ORM (the demo) rebuild the summaries themselves
(nytte.council.summary.refresh_all)."""

from __future__ import annotations

_done = False


def bootstrap() -> None:
    """Install the session steps once per process (idempotent)."""
    global _done
    if _done:
        return
    from nytte.core import data_version
    from nytte.council.hooks import install_session_hooks

    data_version.install_session_hooks()
    install_session_hooks()
    _done = True

"""Two database roles on PostgreSQL, and the audit rule enforced by the database.

The owner role (NYTTE_MIGRATE_DATABASE_URL, used by `nytte migrate` only) owns the
tables. The application's role (NYTTE_DATABASE_URL) gets the grants it needs and no
more: it may read and insert audit events and screening decisions but never change
or delete them, and as it owns no table it cannot disable a trigger. Whoever owns a
table can rewrite it, so the app refuses to start as the owner of the audited tables
(NYTTE_ALLOW_OWNER_DATABASE_ROLE=1 allows it for development, loudly).

The database also enforces the audit rule for the app's role, whatever path the
write takes (ORM, Core, text(), driver SQL): a deferred constraint trigger on every
audited table refuses the commit of a transaction that wrote the table and inserted
no audit event. Each event's tx_id is set by the database (txid_current()). The
owner is exempt (it could drop the trigger anyway); it loads demo data and runs
migrations. These rules are (re)installed by `nytte migrate` after the migrations,
so tables added later are covered too."""

from __future__ import annotations

import logging
import re

from sqlalchemy import Connection, Engine, text

from nytte.core.audit_guard import UNAUDITED_TABLES
from nytte.core.config import ConfigError
from nytte.models import Base

log = logging.getLogger(__name__)

# Tables whose rows are the record itself: the app's role may not own, change or
# delete them.
PROTECTED_TABLES = ("audit_event", "screening", "consultation")
READ_ONLY_TABLES = ("alembic_version",)
# Only retention changes these (blanking text); nobody deletes them.
NO_DELETE_TABLES = ("audit_note",)
REQUIRE_AUDIT_FUNCTION = "nytte_require_audit"
UNAUDITED_MESSAGE = "nytte: unaudited write"

_ROLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$")


def _ident(name: str) -> str:
    if not _ROLE_RE.match(name):
        raise ConfigError(f"Databaserollen {name!r} har et navn, Nytte ikke kan bruge.")
    return '"' + name.replace('"', '""') + '"'


def audited_tables(conn: Connection) -> list[str]:
    """Tables of the schema (those the models know and any others) that need events."""
    names = set(Base.metadata.tables) | {
        str(r[0]) for r in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    }
    return sorted(n for n in names if n not in UNAUDITED_TABLES)


def install_audit_rules(conn: Connection) -> None:
    """PostgreSQL: tx_id set by the database, and the deferred check on every table."""
    conn.execute(text("""
        CREATE OR REPLACE FUNCTION nytte_audit_tx_id() RETURNS trigger AS $$
        BEGIN
            NEW.tx_id := txid_current();
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
    """))
    conn.execute(text("DROP TRIGGER IF EXISTS audit_event_tx_id ON audit_event"))
    conn.execute(text(
        "CREATE TRIGGER audit_event_tx_id BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION nytte_audit_tx_id()"
    ))
    conn.execute(text(f"""
        CREATE OR REPLACE FUNCTION {REQUIRE_AUDIT_FUNCTION}() RETURNS trigger AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM audit_event WHERE tx_id = txid_current()) THEN
                RAISE EXCEPTION '{UNAUDITED_MESSAGE} to %', TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
    """))
    present = {
        str(r[0]) for r in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    }
    for table in audited_tables(conn):
        if table not in present:
            continue
        owner = conn.execute(
            text("SELECT pg_get_userbyid(relowner) FROM pg_class "
                 "WHERE oid = CAST(:t AS regclass)"), {"t": table}
        ).scalar_one()
        trigger = f"{table}_audited"
        conn.execute(text(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"'))
        # The owner (and superusers) are exempt: the WHEN clause runs at the write,
        # so their bulk loads queue nothing.
        conn.execute(text(
            f'CREATE CONSTRAINT TRIGGER "{trigger}" AFTER INSERT OR UPDATE OR DELETE '
            f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
            f"WHEN (NOT pg_has_role(current_user, '{owner}', 'MEMBER')) "
            f"EXECUTE FUNCTION {REQUIRE_AUDIT_FUNCTION}()"
        ))


def grant_app_role(conn: Connection, app_role: str) -> None:
    """Give the application's role what it needs, and take ownership-like rights away."""
    exists = conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": app_role}
    ).first()
    if exists is None:
        raise ConfigError(
            f"Databaserollen '{app_role}' fra NYTTE_DATABASE_URL findes ikke; opret den "
            f"(CREATE ROLE {app_role} LOGIN PASSWORD '…') og kør 'make migrate' igen."
        )
    role = _ident(app_role)
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    conn.execute(text(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
    ))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    protected = ", ".join(f'"{t}"' for t in PROTECTED_TABLES)
    conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {protected} FROM {role}"))
    no_delete = ", ".join(f'"{t}"' for t in NO_DELETE_TABLES)
    conn.execute(text(f"REVOKE DELETE, TRUNCATE ON {no_delete} FROM {role}"))
    read_only = ", ".join(f'"{t}"' for t in READ_ONLY_TABLES)
    conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {read_only} FROM {role}"))


def owned_protected_tables(engine: Engine) -> list[str]:
    """Protected tables whose owner the connected role is, or acts as (superuser,
    member of the owner role). Empty on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relname = ANY(:names) "
                "AND pg_has_role(current_user, c.relowner, 'MEMBER')"
            ),
            {"names": list(PROTECTED_TABLES)},
        )
        return sorted(str(r[0]) for r in rows)


def check_app_role(engine: Engine, *, allow_owner: bool) -> bool:
    """Refuse to run the app as the owner of the audited tables; True when the
    development override was used (the page then says so on every screen)."""
    owned = owned_protected_tables(engine)
    if not owned:
        return False
    if allow_owner:
        log.warning("NYTTE_ALLOW_OWNER_DATABASE_ROLE: the app runs as owner of %s", owned)
        return True
    raise ConfigError(
        "Appens databaserolle ejer revisionssporet og afgørelserne (" + ", ".join(owned)
        + ") og kunne derfor omskrive dem; kør appen med en rolle uden ejerskab "
        "(NYTTE_DATABASE_URL) og migreringer med ejerrollen (NYTTE_MIGRATE_DATABASE_URL), "
        "se README."
    )

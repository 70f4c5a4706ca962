"""Who the app connects to PostgreSQL as, and whether that login could rewrite the audit trail.

The trail's triggers refuse UPDATE, DELETE and TRUNCATE, but a table's owner can
disable or drop its triggers, and a superuser (or a login allowed to set
``session_replication_role``) can switch them off. So migrations run as an owner
role, and jagtui connects as an app role that owns nothing and holds only
SELECT and INSERT on ``audit_log`` (:func:`grant_app_role`, run by the owner
after each upgrade; ``deploy/setup.sh postgres`` does both).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

# Write access on every other table, read and append only on the trail.
_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    # Only `jagtui db upgrade` (the owner) changes the schema or stamps its revision.
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}",
)
_TRAIL_RIGHTS = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER")


@dataclass
class Exposure:
    """What the connected login may do to the trail."""

    database: str
    login: str = ""
    owner: str = ""
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.database == "sqlite":
            return ("Audit trail: SQLite triggers refuse UPDATE, DELETE and REPLACE; anyone "
                    "who can write the database file could still remove them")
        state = "could alter it" if self.warnings else "may only read and append to it"
        return (f"Connected to PostgreSQL as {self.login} (audit_log owned by {self.owner}): "
                f"this login {state}")


def _quoted(role: str) -> str:
    if not role or not all(ch.isalnum() or ch in "_-" for ch in role):
        raise ValueError(f"Not a role name: {role!r}")
    return f'"{role}"'


def grant_app_role(engine: Engine, role: str) -> None:
    """Give ``role`` what the app needs and no more (run as the owner, after each upgrade)."""
    with engine.begin() as conn:
        for statement in _GRANTS:
            conn.exec_driver_sql(statement.format(role=_quoted(role)))


def audit_exposure(engine: Engine) -> Exposure:
    """Whether the login ``engine`` connects as could change or remove audit rows."""
    if engine.dialect.name != "postgresql":
        return Exposure("sqlite")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT current_user, r.rolsuper, t.tableowner, "
            "pg_has_role(current_user, t.tableowner, 'MEMBER') "
            "FROM pg_roles r, pg_tables t "
            "WHERE r.rolname = current_user AND t.schemaname = current_schema() "
            "AND t.tablename = 'audit_log'")).one_or_none()
        if row is None:
            return Exposure("postgresql", warnings=["there is no audit_log table: run "
                                                    "`jagtui db upgrade`"])
        login, superuser, owner, owns = row
        found = Exposure("postgresql", login, owner)
        if superuser:
            found.warnings.append(f"{login} is a superuser: it could switch off or drop the "
                                  "audit trail's triggers and rewrite it")
            return found
        if owns:
            found.warnings.append(f"{login} owns the tables: it could disable the audit "
                                  "trail's triggers and rewrite it")
        rights = [right for right in _TRAIL_RIGHTS if conn.scalar(text(
            "SELECT has_table_privilege(current_user, 'audit_log', :right)"), {"right": right})]
        if rights and not owns:
            found.warnings.append(f"{login} holds {', '.join(rights)} on audit_log")
        # Before PostgreSQL 15 only superusers could set it; from 15 it can be granted.
        if conn.dialect.server_version_info >= (15,) and conn.scalar(text(
                "SELECT has_parameter_privilege(current_user, 'session_replication_role', "
                "'SET')")):
            found.warnings.append(f"{login} may set session_replication_role, which switches "
                                  "the audit trail's triggers off")
    if found.warnings:
        found.warnings.append("connect jagtui as an app role: see docs/access-and-audit.md")
    return found


def startup_warning(engine: Engine) -> str:
    """One line for the start of every session when the login could rewrite the trail
    (the database owner or a superuser on PostgreSQL); "" when it could not, on SQLite,
    or when the server would not say (``jagtui db status`` reports that in full)."""
    try:
        found = audit_exposure(engine)
    except SQLAlchemyError:
        return ""
    if found.database != "postgresql" or not found.warnings:
        return ""
    advice = "connect jagtui as an app role: see docs/access-and-audit.md"
    return "; ".join([*found.warnings, *([] if advice in found.warnings else [advice])])

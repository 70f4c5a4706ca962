"""What was refused is audited: the operating-system login, its role, what it tried.

One ``refused`` row per refusal: a role without the permission (in the app or a
subcommand), or a login that is not registered or is disabled. The row is
written in a transaction of its own, since the refused work is rolled back; a
database that cannot take it does not turn the refusal into a crash (the
refusal stands either way).
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from jagtui.identity import connected_from
from jagtui.store import audit
from jagtui.store.errors import StoreError


def record(session: Session, *, role: str | None, permission: str, doing: str,
           reason: str = "") -> None:
    """Add the audit row for a refusal to ``session`` (the login is the session's)."""
    audit.record(session, "refused", table_name="users", role=role or "none",
                 permission=permission, doing=doing, reason=reason or f"role {role or 'none'}",
                 connected_from=connected_from())


def record_now(store, **refusal) -> bool:
    """The refusal's audit row in a write of its own; False if the database refused it."""
    try:
        with store.write() as session:
            record(session, **refusal)
    except (StoreError, SQLAlchemyError):
        return False
    return True


def record_instead(session: Session, **refusal) -> None:
    """Abandon what ``session`` was doing and commit only the refusal's audit row.

    For a check made inside the caller's transaction, which the refusal then ends."""
    try:
        session.rollback()
        record(session, **refusal)
        session.commit()
    except (StoreError, SQLAlchemyError):
        session.rollback()

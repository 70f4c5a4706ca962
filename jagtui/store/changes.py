"""A cheap answer to "has anyone changed anything since I last looked?".

Every change to a record writes an audit row in the same transaction, so the
newest change row's id moves on exactly when the data does, for every user, on
SQLite and PostgreSQL alike. (SQLite's ``PRAGMA data_version`` would only see
other connections' commits, and PostgreSQL has no equivalent.) Views, searches
and exports are audited too but change nothing, so they are skipped: one user
searching must not make everyone's lists reload.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import AuditEntry

# Audit operations that record reading, not changing. ``import`` is a file opened
# (checked, refused or imported): the rows an import writes have ``create`` rows.
READ_OPERATIONS = ("view", "search", "export", "open", "login", "import")


def latest_change(session: Session) -> int:
    """The id of the newest audit row that records a change (0 for none).

    Walks the primary key backwards and stops at the first change row, so it
    costs a few index reads however long the audit trail grows.
    """
    query = (
        select(AuditEntry.id)
        .where(AuditEntry.operation.not_in(READ_OPERATIONS))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return session.scalar(query) or 0

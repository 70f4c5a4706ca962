"""The audit trail: who saw and changed what.

Changes are captured in one place, a flush hook on every session (installed by
``jagtui.store.hooks``), so no store function can forget them: each insert, update (with before and after values)
and delete of a tracked row becomes one ``audit_log`` row. Views, searches and
exports are recorded explicitly with :func:`record`. The table is append-only;
the migration installs triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlmodel import Session

from jagtui.store.models import AuditEntry, Case, Tracked, utcnow

_INTERNAL = {"id", "created_at", "created_by", "updated_at", "updated_by", "version"}


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _values(obj: Tracked) -> dict[str, Any]:
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in _INTERNAL
    }


def _changes(obj: Tracked) -> dict[str, dict[str, Any]]:
    state = inspect(obj)
    changed = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _INTERNAL:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changed[attr.key] = {"before": _plain(before), "after": _plain(after)}
    return changed


def _case_id(obj: Tracked) -> int | None:
    return obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)


def log_changes(session: Session, _context) -> None:
    """after_flush hook: one audit row per created, changed or deleted tracked row."""
    if not session.info.get("audit", True):
        return
    login = session.info.get("login", "")
    rows = []
    for operation, objects in (("create", session.new), ("update", session.dirty),
                               ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Tracked) or not getattr(obj, "__audited__", True):
                continue
            if operation == "update":
                detail = _changes(obj)
                if not detail:
                    continue
            elif operation == "create":
                detail = {"after": _values(obj)}
            else:
                detail = {"before": _values(obj)}
            rows.append(
                {
                    "at": utcnow(),
                    "login": login,
                    "operation": operation,
                    "table_name": obj.__tablename__,
                    "record_id": obj.id,
                    "case_id": _case_id(obj),
                    "detail": json.loads(json.dumps(detail, default=str)),
                }
            )
    if rows:
        session.execute(insert(AuditEntry), rows)


def record(
    session: Session,
    operation: str,
    *,
    table_name: str = "",
    record_id: int | None = None,
    case_id: int | None = None,
    **detail: Any,
) -> None:
    """Record a view, search, export or erasure (anything not a row change)."""
    session.add(
        AuditEntry(
            login=session.info.get("login", ""),
            operation=operation,
            table_name=table_name,
            record_id=record_id,
            case_id=case_id,
            detail=json.loads(json.dumps(detail, default=str)),
        )
    )


def entries(
    session: Session,
    *,
    login: str | None = None,
    case_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if login:
        query = query.where(AuditEntry.login == login)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return list(session.scalars(query))

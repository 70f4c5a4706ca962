"""Session hooks that every write goes through.

Before a flush: text is checked against column limits (the same refusal on
SQLite, which ignores lengths, as on PostgreSQL, which enforces them), and rows
are stamped with who and when, and their version bumped. After a flush: the
audit trail (``jagtui.store.audit``).
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlmodel import Session

from jagtui.store import notify
from jagtui.store.audit import log_changes
from jagtui.store.errors import Invalid
from jagtui.store.models import Tracked, utcnow


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def check_text(obj: Tracked) -> None:
    """Refuse text no database can keep as typed: too long for its column, or holding NUL."""
    for column in inspect(obj).mapper.columns:
        value = getattr(obj, column.key, None)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise Invalid(f"{_label(column.key)} contains a NUL character, which cannot be stored")
        limit = getattr(column.type, "length", None)
        if limit and len(value) > limit:
            raise Invalid(
                f"{_label(column.key)} is too long: at most {limit} characters (got {len(value)})"
            )


def _before_flush(session: Session, _context, _instances) -> None:
    login = session.info.get("login", "")
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, Tracked):
            check_text(obj)
            obj.created_by = obj.updated_by = login
            obj.created_at = obj.updated_at = now
    # What this flush changes, kept so a refused write (another user's newer
    # version) can be explained with both values (``records.stale_conflict``).
    updating = session.info.setdefault("updating", [])
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            check_text(obj)
            updating.append((type(obj), obj.id, obj.version, _changed(obj)))
            obj.updated_by = login
            obj.updated_at = now
            obj.version = (obj.version or 0) + 1
    for obj in session.deleted:
        if isinstance(obj, Tracked):
            updating.append((type(obj), obj.id, obj.version, {}))


def _changed(obj: Tracked) -> dict:
    state = inspect(obj)
    return {attr.key: state.attrs[attr.key].value for attr in state.mapper.column_attrs
            if attr.key not in Tracked.model_fields and state.attrs[attr.key].history.has_changes()}


def install() -> None:
    """Attach the hooks to every session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", log_changes)
        # Followers of a meeting in other processes hear of its changes (PostgreSQL NOTIFY).
        event.listen(Session, "after_flush", notify.after_flush)

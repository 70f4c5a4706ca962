"""Helpers every aggregate module shares: fetch by id, checked edits."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from jagtui.store.errors import Conflict, Invalid, NotFound
from jagtui.store.models import Tracked

T = TypeVar("T", bound=Tracked)


def fetch(
    session: Session, model: type[T], record_id: int | None, what: str = "", *, lock: bool = False
) -> T:
    """The row, or :class:`NotFound`.

    ``lock`` holds it (FOR UPDATE on PostgreSQL; SQLite's writer already holds the
    whole database) until commit, and re-reads it: without ``populate_existing`` the
    session would hand back the copy it read earlier in this transaction, and a
    version check against that copy would compare a stale version with itself.
    """
    obj = None
    if record_id is not None:
        obj = session.get(model, record_id, with_for_update=lock, populate_existing=lock)
    if obj is None:
        raise NotFound(f"No {what or model.__tablename__.rstrip('s')} with id {record_id}")
    return obj


def describe(obj_or_model) -> str:
    """``case``, ``meeting item``: what a record is called in a message."""
    return obj_or_model.__tablename__.rstrip("s").replace("_", " ")


def conflict(obj: Tracked, yours: dict[str, Any]) -> Conflict:
    """The clash between ``yours`` and the record as it is now (freshly read)."""
    theirs = {key: getattr(obj, key) for key in yours}
    return Conflict(describe(obj), theirs, dict(yours), obj.updated_by, obj.updated_at,
                    version=obj.version, record_id=obj.id, table=obj.__tablename__)


def stale_conflict(engine: Engine, candidates: list[tuple[type, int, int, dict]]) -> Conflict:
    """The Conflict for a write the database refused because a row had moved on.

    ``candidates`` are (model, id, version read, your changes) for the rows the
    refused flush touched; each is read again, as committed now, to find whose
    save came in between and what it holds.
    """
    with Session(engine, expire_on_commit=False) as session:
        for model, record_id, version, yours in reversed(candidates):
            current = session.get(model, record_id)
            if current is None:
                return Conflict(describe(model), {}, yours, "", record_id=record_id,
                                table=model.__tablename__)
            if current.version != version:
                return conflict(current, yours)
    model = candidates[-1][0] if candidates else None
    return Conflict(describe(model) if model else "A record", {}, {}, "",
                    table=model.__tablename__ if model else "")


def edit(session: Session, obj: T, changes: dict[str, Any], expected_version: int | None) -> T:
    """Apply ``changes`` unless the row moved on since the caller read ``expected_version``.

    The version check is what stops two people at two terminals from silently
    overwriting each other: the second gets a :class:`Conflict` with both values.
    ``obj`` must come from ``fetch(..., lock=True)`` so it is the row as committed
    now; the UPDATE itself also carries ``AND version = ?`` (see ``models.Tracked``),
    so a path that forgot the lock still cannot overwrite a newer row.
    """
    unknown = [key for key in changes if key not in type(obj).model_fields or key in Tracked.model_fields]
    if unknown:
        raise Invalid(f"Cannot set {', '.join(unknown)} on {obj.__tablename__}")
    if expected_version is not None and obj.version != expected_version:
        raise conflict(obj, changes)
    for key, value in changes.items():
        setattr(obj, key, value)
    session.flush()
    return obj


def require(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"{what} is required")
    return text


def one_of(value: str, allowed: tuple[str, ...] | list[str], what: str) -> str:
    if value not in allowed:
        raise Invalid(f"{what} must be one of: {', '.join(allowed)} (got {value!r})")
    return value

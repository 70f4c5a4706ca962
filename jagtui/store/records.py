"""Helpers every aggregate module shares: fetch by id, checked edits."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session

from jagtui.store.errors import Conflict, Invalid, NotFound
from jagtui.store.models import Tracked

T = TypeVar("T", bound=Tracked)


def fetch(
    session: Session, model: type[T], record_id: int | None, what: str = "", *, lock: bool = False
) -> T:
    """The row, or :class:`NotFound`. ``lock`` holds it (FOR UPDATE) until commit."""
    obj = session.get(model, record_id, with_for_update=lock) if record_id is not None else None
    if obj is None:
        raise NotFound(f"No {what or model.__tablename__.rstrip('s')} with id {record_id}")
    return obj


def edit(session: Session, obj: T, changes: dict[str, Any], expected_version: int | None) -> T:
    """Apply ``changes`` unless the row moved on since the caller read ``expected_version``.

    The version check is what stops two people at two terminals from silently
    overwriting each other: the second gets a :class:`Conflict` with both values.
    """
    unknown = [key for key in changes if key not in type(obj).model_fields or key in Tracked.model_fields]
    if unknown:
        raise Invalid(f"Cannot set {', '.join(unknown)} on {obj.__tablename__}")
    if expected_version is not None and obj.version != expected_version:
        theirs = {key: getattr(obj, key) for key in changes}
        raise Conflict(obj.__tablename__.rstrip("s").replace("_", " "), theirs, changes, obj.updated_by)
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

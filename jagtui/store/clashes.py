"""A clash resolved by keeping one's own values: recorded as a knowing overwrite.

The row change itself is audited by the flush hook (before and after); this row
says that the "before" was another user's save the user was shown and chose to
replace, so the trail tells a deliberate overwrite from an ordinary edit.
"""

from __future__ import annotations

from sqlmodel import Session

from jagtui.store import audit
from jagtui.store.errors import Conflict
from jagtui.store.models import Case, Tracked

OVERWRITE = "overwrite"


def _model_of(table: str) -> type[Tracked] | None:
    # Looked up when the clash is recorded: tables in other modules (referrals,
    # partner reports, follow messages) subclass Tracked after models.py is imported.
    return next((m for m in Tracked.__subclasses__()
                 if getattr(m, "__tablename__", None) == table
                 and getattr(m, "__table__", None) is not None), None)


def _case_of(session: Session, clash: Conflict) -> int | None:
    model = _model_of(clash.table)
    if model is None or clash.record_id is None:
        return None
    if model is Case:
        return clash.record_id
    row = session.get(model, clash.record_id)
    return getattr(row, "case_id", None) if row is not None else None


def record_overwrite(session: Session, clash: Conflict, how: str,
                     fields: list[str] | None = None) -> None:
    """One audit row: ``fields`` (default: all the clash's) of ``clash.by``'s save were
    replaced, ``how`` ("kept mine", or "edited" when the user changed the form after
    seeing theirs). Field names only: the values are in the update's own audit row."""
    audit.record(session, OVERWRITE, table_name=clash.table, record_id=clash.record_id,
                 case_id=_case_of(session, clash), fields=fields or clash.fields, over=clash.by,
                 their_save_at=clash.at, their_version=clash.version, how=how)

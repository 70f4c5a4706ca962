"""The whole action log as plain rows, for the CSV and Excel exports.

One query, no ORM objects: a county's log is 20,000 actions, and loading each
as an ``Action`` with its updates costs most of a second before anything is
written. The latest update of each action comes from a window function
(SQLite 3.25+ and PostgreSQL alike).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.store.models import Action, ActionUpdate, Case


class LogRow(NamedTuple):
    ref: str
    case_reference: str
    text: str
    owner: str
    owner_agency: str
    due_on: date | None
    status: str
    update_text: str
    update_on: date | None
    case_id: int | None


def log_rows(session: Session, *, status: str | None = "open") -> list[LogRow]:
    """Every action (or those with ``status``), undated last then oldest due first, each
    with its case reference and latest update (the newest by date, then by entry)."""
    ranked = select(
        ActionUpdate.action_id, ActionUpdate.text, ActionUpdate.updated_on,
        func.row_number().over(partition_by=ActionUpdate.action_id,
                               order_by=(ActionUpdate.updated_on.desc(), ActionUpdate.id.desc()))
        .label("n"),
    ).subquery()
    query = (
        select(Action.ref, func.coalesce(Case.reference, ""), Action.text, Action.owner,
               Action.owner_agency, Action.due_on, Action.status,
               func.coalesce(ranked.c.text, ""), ranked.c.updated_on, Action.case_id)
        .outerjoin(Case, Case.id == Action.case_id)
        .outerjoin(ranked, (ranked.c.action_id == Action.id) & (ranked.c.n == 1))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    if status:
        query = query.where(Action.status == status)
    return [LogRow(*row) for row in session.execute(query)]

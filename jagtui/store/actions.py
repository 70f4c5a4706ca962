"""The action log: who does what by when, with an update at each meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import Action, ActionUpdate, Case
from jagtui.store.records import edit, fetch, one_of, require

STATUSES = ("open", "complete", "cancelled")


def add_action(
    session: Session,
    *,
    ref: str,
    text: str,
    owner: str,
    owner_agency: str = "",
    due_on: date | None = None,
    case_id: int | None = None,
    meeting_id: int | None = None,
    item_id: int | None = None,
) -> Action:
    action = Action(ref=require(ref, "A reference"), text=require(text, "The action"),
                    owner=require(owner, "An owner"), owner_agency=owner_agency, due_on=due_on,
                    case_id=case_id, meeting_id=meeting_id, item_id=item_id)
    session.add(action)
    session.flush()
    return action


def add_update(session: Session, action_id: int, updated_on: date, text: str, *,
               status: str = "open", meeting_id: int | None = None) -> ActionUpdate:
    """An update; a status other than ``open`` also closes the action."""
    action = fetch(session, Action, action_id, "action", lock=True)
    update = ActionUpdate(action_id=action_id, updated_on=updated_on, text=require(text, "An update"),
                          status=one_of(status, STATUSES, "Status"), meeting_id=meeting_id)
    session.add(update)
    if status != action.status:
        action.status = status
        action.completed_on = updated_on if status == "complete" else None
    session.flush()
    return update


def update_action(session: Session, action_id: int, expected_version: int | None, **changes) -> Action:
    if "status" in changes:
        one_of(changes["status"], STATUSES, "Status")
    return edit(session, fetch(session, Action, action_id, "action", lock=True), changes,
                expected_version)


@dataclass(frozen=True)
class ActionRow:
    action: Action
    case_reference: str
    latest_update: ActionUpdate | None


def action_rows(session: Session, *, status: str | None = "open", case_id: int | None = None,
                meeting_id: int | None = None) -> list[ActionRow]:
    """Actions with their case reference and latest update, oldest due first."""
    query = select(Action, Case.reference).outerjoin(Case, Case.id == Action.case_id)
    if status:
        query = query.where(Action.status == status)
    if case_id is not None:
        query = query.where(Action.case_id == case_id)
    if meeting_id is not None:
        query = query.where(Action.meeting_id == meeting_id)
    rows = list(session.execute(query.order_by(Action.due_on, Action.id)))
    latest: dict[int, ActionUpdate] = {}
    if rows:
        ids = [action.id for action, _ in rows]
        for update in session.scalars(
            select(ActionUpdate).where(ActionUpdate.action_id.in_(ids))
            .order_by(ActionUpdate.updated_on, ActionUpdate.id)
        ):
            latest[update.action_id] = update
    return [ActionRow(action, ref or "", latest.get(action.id)) for action, ref in rows]


def updates(session: Session, action_id: int) -> list[ActionUpdate]:
    return list(session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == action_id)
        .order_by(ActionUpdate.updated_on, ActionUpdate.id)
    ))

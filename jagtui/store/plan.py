"""The partnership action plan: priorities, objectives, actions, quarterly updates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import PLAN_STATUSES, PlanAction, PlanObjective, PlanPriority, PlanUpdate
from jagtui.store.records import conflict, edit, fetch, one_of, require


def add_priority(session: Session, key: str, title: str, period: str = "") -> PlanPriority:
    priority = PlanPriority(key=require(key, "A key"), title=require(title, "A title"), period=period)
    session.add(priority)
    session.flush()
    return priority


def add_objective(session: Session, priority_id: int, number: int, title: str,
                  strategy: str = "") -> PlanObjective:
    fetch(session, PlanPriority, priority_id, "priority")
    objective = PlanObjective(priority_id=priority_id, number=number,
                              title=require(title, "A title"), strategy=strategy)
    session.add(objective)
    session.flush()
    return objective


def add_plan_action(session: Session, objective_id: int, number: int, text: str, **fields) -> PlanAction:
    fetch(session, PlanObjective, objective_id, "objective")
    action = PlanAction(objective_id=objective_id, number=number, text=require(text, "The action"),
                        **fields)
    session.add(action)
    session.flush()
    return action


def set_update(session: Session, action_id: int, quarter: str, status: str, text: str,
               expected_version: int | None = None) -> PlanUpdate:
    """This quarter's update for an action: one per quarter, replaced if entered again.

    ``expected_version`` is the version of the quarter's update the user saw (0: they
    saw none); if someone else entered or changed it since, :class:`Conflict`. None
    replaces whatever is there (loading the plan from a file, the demo).
    """
    # Locked, so two first entries for the same quarter queue rather than collide.
    fetch(session, PlanAction, action_id, "plan action", lock=True)
    one_of(status, PLAN_STATUSES, "Status")
    update = session.scalar(
        select(PlanUpdate).where(PlanUpdate.action_id == action_id, PlanUpdate.quarter == quarter)
        .execution_options(populate_existing=True))
    if update is None:
        update = PlanUpdate(action_id=action_id, quarter=quarter, status=status, text=text)
        session.add(update)
        session.flush()
        return update
    changes = {"status": status, "text": text}
    if expected_version == 0:
        raise conflict(update, changes)
    return edit(session, update, changes, expected_version)


@dataclass(frozen=True)
class PlanLine:
    priority: PlanPriority
    objective: PlanObjective
    action: PlanAction
    updates: tuple[PlanUpdate, ...]


def plan_lines(session: Session) -> list[PlanLine]:
    """The whole plan in order, each action with its updates (oldest quarter first)."""
    rows = list(session.execute(
        select(PlanPriority, PlanObjective, PlanAction)
        .join(PlanObjective, PlanObjective.priority_id == PlanPriority.id)
        .join(PlanAction, PlanAction.objective_id == PlanObjective.id)
        .order_by(PlanPriority.key, PlanObjective.number, PlanAction.number)
    ))
    updates: dict[int, list[PlanUpdate]] = {action.id: [] for _, _, action in rows}
    if rows:
        for update in session.scalars(
            select(PlanUpdate).where(PlanUpdate.action_id.in_(list(updates)))
            .order_by(PlanUpdate.quarter)
        ):
            updates[update.action_id].append(update)
    return [PlanLine(p, o, a, tuple(updates[a.id])) for p, o, a in rows]

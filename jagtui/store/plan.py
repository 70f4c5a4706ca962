"""The partnership action plan: priorities, objectives, actions, quarterly updates.

The plan editor adds, edits, reorders and retires priorities, objectives and
actions here. Every edit is checked against the version the user read (a clash is
a :class:`Conflict`, never last-save-wins) and audited by the session hooks. A
retired item keeps its rows and updates (history) but leaves the current plan, so
progress reports count only what the partnership is still doing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.store.errors import Invalid
from jagtui.store.measures import MEASURES
from jagtui.store.models import (
    PLAN_STATUSES, PlanAction, PlanObjective, PlanPriority, PlanUpdate, Tracked, utcnow,
)
from jagtui.store.records import conflict, edit, fetch, one_of, require

Measures = tuple[tuple[str, str], ...]  # (key, name): MEASURES, or measures_of(cfg)
PRIORITY_FIELDS = ("key", "title", "period")
OBJECTIVE_FIELDS = ("title", "strategy")
ACTION_FIELDS = ("text", "lead", "time_scales", "ends_on", "resources", "measures", "baseline",
                 "target", "measure_key")
# What the editor calls each kind of item, and the column that orders it among its siblings.
KINDS: dict[type[Tracked], tuple[str, str, str]] = {
    PlanPriority: ("priority", "position", ""),
    PlanObjective: ("objective", "number", "priority_id"),
    PlanAction: ("plan action", "number", "objective_id"),
}


def measure_name(key: str, known: Measures = MEASURES) -> str:
    return dict(known).get(key, key)


def _measure_key(value: str, known: Measures) -> str:
    value = (value or "").strip()
    if value and value not in dict(known):
        names = ", ".join(f"{k} ({n})" for k, n in known)
        raise Invalid(f"Measure must be one of: {names} (got {value!r})")
    return value


def _clean(fields: dict[str, Any], allowed: tuple[str, ...],
           known: Measures = MEASURES) -> dict[str, Any]:
    unknown = [key for key in fields if key not in allowed]
    if unknown:
        raise Invalid(f"Cannot set {', '.join(unknown)} on a plan item")
    out = {key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()}
    if "measure_key" in out:
        out["measure_key"] = _measure_key(out["measure_key"], known)
    return out


def _next(session: Session, column, parent=None, parent_id: int | None = None) -> int:
    query = select(func.max(column))
    if parent is not None:
        query = query.where(parent == parent_id)
    return (session.scalar(query) or 0) + 1


def _free_key(session: Session, key: str, own_id: int | None = None) -> str:
    key = require(key, "A key")
    # "p1" beside "P1" would read as the same priority on every export: refused too.
    found = session.scalars(select(PlanPriority).where(
        func.lower(PlanPriority.key) == key.lower(), PlanPriority.id != (own_id or -1))).first()
    if found is not None:
        raise Invalid(f"There is already a priority {found.key!r}: choose another key")
    return key


# --- adding ------------------------------------------------------------------------------------

def add_priority(session: Session, key: str, title: str, period: str = "") -> PlanPriority:
    priority = PlanPriority(key=_free_key(session, key), title=require(title, "A title"),
                            period=(period or "").strip(),
                            position=_next(session, PlanPriority.position))
    session.add(priority)
    session.flush()
    return priority


def add_objective(session: Session, priority_id: int, number: int | None, title: str,
                  strategy: str = "") -> PlanObjective:
    """An objective under a priority; ``number`` None: after the last one."""
    fetch(session, PlanPriority, priority_id, "priority", lock=True)
    if number is None:
        number = _next(session, PlanObjective.number, PlanObjective.priority_id, priority_id)
    objective = PlanObjective(priority_id=priority_id, number=number,
                              title=require(title, "A title"), strategy=(strategy or "").strip())
    session.add(objective)
    session.flush()
    return objective


def add_plan_action(session: Session, objective_id: int, number: int | None, text: str, *,
                    known_measures: Measures = MEASURES, **fields) -> PlanAction:
    """An action under an objective; ``number`` None: after the last one. Its measure key
    is one of ``known_measures`` (pass ``measures_of(cfg)`` for the referral measures)."""
    fetch(session, PlanObjective, objective_id, "objective", lock=True)
    fields = _clean(fields, ACTION_FIELDS, known_measures)
    if number is None:
        number = _next(session, PlanAction.number, PlanAction.objective_id, objective_id)
    action = PlanAction(objective_id=objective_id, number=number, text=require(text, "The action"),
                        **fields)
    session.add(action)
    session.flush()
    return action


# --- editing -----------------------------------------------------------------------------------

def edit_priority(session: Session, priority_id: int, changes: dict[str, Any],
                  expected_version: int | None) -> PlanPriority:
    priority = fetch(session, PlanPriority, priority_id, "priority", lock=True)
    changes = _clean(changes, PRIORITY_FIELDS)
    if expected_version is not None and priority.version != expected_version:
        raise conflict(priority, changes)
    if "key" in changes:
        changes["key"] = _free_key(session, changes["key"], priority_id)
    if "title" in changes:
        require(changes["title"], "A title")
    return edit(session, priority, changes, expected_version)


def edit_objective(session: Session, objective_id: int, changes: dict[str, Any],
                   expected_version: int | None) -> PlanObjective:
    objective = fetch(session, PlanObjective, objective_id, "objective", lock=True)
    changes = _clean(changes, OBJECTIVE_FIELDS)
    if "title" in changes:
        require(changes["title"], "A title")
    return edit(session, objective, changes, expected_version)


def edit_plan_action(session: Session, action_id: int, changes: dict[str, Any],
                     expected_version: int | None, known_measures: Measures = MEASURES
                     ) -> PlanAction:
    action = fetch(session, PlanAction, action_id, "plan action", lock=True)
    changes = _clean(changes, ACTION_FIELDS, known_measures)
    if "text" in changes:
        require(changes["text"], "The action")
    return edit(session, action, changes, expected_version)


def retire(session: Session, model: type[Tracked], record_id: int, expected_version: int | None,
           retired: bool = True) -> Tracked:
    """Retire (or bring back) a priority, objective or action. Its rows and updates stay:
    retired, it is left out of the current plan and of progress, not deleted."""
    what = KINDS[model][0]
    row = fetch(session, model, record_id, what, lock=True)
    if retired == (row.retired_at is not None):
        if expected_version is not None and row.version != expected_version:
            raise conflict(row, {"retired_at": utcnow() if retired else None})
        raise Invalid(f"This {what} is already {'retired' if retired else 'current'}")
    return edit(session, row, {"retired_at": utcnow() if retired else None}, expected_version)


def move(session: Session, model: type[Tracked], record_id: int, step: int,
         expected_version: int | None) -> Tracked | None:
    """Swap an item with its previous (``step`` -1) or next (+1) current sibling.

    Returns the sibling it swapped with, or None when it is already first or last.
    The item is version-checked; the sibling is locked and its number moves with it.
    """
    what, order, parent = KINDS[model]
    row = fetch(session, model, record_id, what, lock=True)
    if expected_version is not None and row.version != expected_version:
        raise conflict(row, {order: getattr(row, order)})
    if row.retired_at is not None:
        raise Invalid(f"This {what} is retired: bring it back (x) before moving it")
    column = getattr(model, order)
    query = select(model).where(model.retired_at.is_(None), model.id != row.id)
    if parent:
        query = query.where(getattr(model, parent) == getattr(row, parent))
    mine = getattr(row, order)
    if step < 0:
        query = query.where((column < mine) | ((column == mine) & (model.id < row.id)))
        query = query.order_by(column.desc(), model.id.desc())
    else:
        query = query.where((column > mine) | ((column == mine) & (model.id > row.id)))
        query = query.order_by(column, model.id)
    other = session.scalars(query.limit(1).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if other is None:
        return None
    theirs = getattr(other, order)
    if theirs == mine:  # equal numbers (an old plan): make them differ
        theirs = mine - 1 if step < 0 else mine + 1
    edit(session, other, {order: mine}, None)
    edit(session, row, {order: theirs}, expected_version)
    return other


# --- quarterly progress ------------------------------------------------------------------------

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


# --- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanLine:
    priority: PlanPriority
    objective: PlanObjective
    action: PlanAction
    updates: tuple[PlanUpdate, ...]


def _order():
    return (PlanPriority.position, PlanPriority.key, PlanObjective.number, PlanObjective.id,
            PlanAction.number, PlanAction.id)


def _updates(session: Session, action_ids: list[int]) -> dict[int, list[PlanUpdate]]:
    updates: dict[int, list[PlanUpdate]] = {action_id: [] for action_id in action_ids}
    if action_ids:
        for update in session.scalars(
            select(PlanUpdate).where(PlanUpdate.action_id.in_(action_ids))
            .order_by(PlanUpdate.quarter)
        ):
            updates[update.action_id].append(update)
    return updates


def updates_of(session: Session, action_id: int) -> list[PlanUpdate]:
    """An action's quarterly updates, oldest quarter first."""
    return _updates(session, [action_id])[action_id]


def plan_lines(session: Session) -> list[PlanLine]:
    """The current plan in order (nothing retired), each action with its updates
    (oldest quarter first)."""
    rows = list(session.execute(
        select(PlanPriority, PlanObjective, PlanAction)
        .join(PlanObjective, PlanObjective.priority_id == PlanPriority.id)
        .join(PlanAction, PlanAction.objective_id == PlanObjective.id)
        .where(PlanPriority.retired_at.is_(None), PlanObjective.retired_at.is_(None),
               PlanAction.retired_at.is_(None))
        .order_by(*_order())
    ))
    updates = _updates(session, [action.id for _, _, action in rows])
    return [PlanLine(p, o, a, tuple(updates[a.id])) for p, o, a in rows]


def current_priorities(session: Session) -> list[PlanPriority]:
    """The priorities not retired, in the plan's order."""
    return list(session.scalars(select(PlanPriority).where(PlanPriority.retired_at.is_(None))
                                .order_by(PlanPriority.position, PlanPriority.key)))


@dataclass
class ObjectiveNode:
    objective: PlanObjective
    actions: list[PlanLine] = field(default_factory=list)


@dataclass
class PriorityNode:
    priority: PlanPriority
    objectives: list[ObjectiveNode] = field(default_factory=list)


def plan_tree(session: Session, *, retired: bool = False) -> list[PriorityNode]:
    """The whole plan for the editor, empty priorities and objectives included; with
    ``retired`` the retired items too (shown as such, kept as history)."""
    priorities = select(PlanPriority).order_by(PlanPriority.position, PlanPriority.key)
    objectives = select(PlanObjective).order_by(PlanObjective.number, PlanObjective.id)
    actions = select(PlanAction).order_by(PlanAction.number, PlanAction.id)
    if not retired:
        priorities = priorities.where(PlanPriority.retired_at.is_(None))
        objectives = objectives.where(PlanObjective.retired_at.is_(None))
        actions = actions.where(PlanAction.retired_at.is_(None))
    nodes = [PriorityNode(p) for p in session.scalars(priorities)]
    by_priority = {node.priority.id: node for node in nodes}
    by_objective: dict[int, ObjectiveNode] = {}
    for objective in session.scalars(objectives):
        parent = by_priority.get(objective.priority_id)
        if parent is not None:
            node = by_objective[objective.id] = ObjectiveNode(objective)
            parent.objectives.append(node)
    found = [a for a in session.scalars(actions) if a.objective_id in by_objective]
    updates = _updates(session, [a.id for a in found])
    for action in found:
        node = by_objective[action.objective_id]
        priority = by_priority[node.objective.priority_id].priority
        node.actions.append(PlanLine(priority, node.objective, action, tuple(updates[action.id])))
    return nodes

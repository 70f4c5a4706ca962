"""The plan editor's writes, raced by two users (deterministic interleaving, as in
test_edit_races): A reads a plan item, B saves it, A saves -> A is refused with both
values and who; the database keeps B's change and the audit trail has exactly B's.
Then the same race through the form: the clash panel, keep mine or take theirs.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from textual.widgets import Input

from jagtui.screens.forms.plan_items import PlanActionForm
from jagtui.store import plan
from jagtui.store.errors import Invalid
from jagtui.store.models import PlanAction, PlanObjective, PlanPriority

from clash_help import open_form, settle
from test_clash_case_forms import panel_shows, type_into
from test_clash_other_forms import overwrites_of
from test_edit_races import check, pair, race  # noqa: F401  (pair is a fixture)

TODAY = date(2026, 11, 22)


def _plan(store) -> tuple[int, int, int, int]:
    """(priority id, objective id, first action id, second action id)."""
    with store.write() as session:
        priority = plan.add_priority(session, "P1", "Reduce ASB")
        objective = plan.add_objective(session, priority.id, None, "Fewer repeat callers")
        first = plan.add_plan_action(session, objective.id, None, "Patrols", target="10% fewer")
        second = plan.add_plan_action(session, objective.id, None, "Diversion")
        return priority.id, objective.id, first.id, second.id


def _version(store, model, record_id) -> int:
    with store.read() as session:
        return session.get(model, record_id).version


def test_editing_the_same_plan_action(store, pair):
    alice, bob = pair
    _p, _o, action_id, _ = _plan(store)
    seen = _version(store, PlanAction, action_id)
    clash = race(alice, bob, "plan_actions",
                 lambda s: plan.edit_plan_action(s, action_id, {"target": "20% fewer"}, seen),
                 lambda s: plan.edit_plan_action(s, action_id, {"target": "5% fewer"}, seen))
    check(clash, store, "plan_actions", action_id, "target", "10% fewer", "5% fewer", "20% fewer")


def test_editing_the_same_priority(store, pair):
    alice, bob = pair
    priority_id, *_ = _plan(store)
    seen = _version(store, PlanPriority, priority_id)
    clash = race(alice, bob, "plan_priorities",
                 lambda s: plan.edit_priority(s, priority_id, {"title": "Mine"}, seen),
                 lambda s: plan.edit_priority(s, priority_id, {"title": "Theirs"}, seen))
    check(clash, store, "plan_priorities", priority_id, "title", "Reduce ASB", "Theirs", "Mine")


def test_editing_the_same_objective(store, pair):
    alice, bob = pair
    _p, objective_id, *_ = _plan(store)
    seen = _version(store, PlanObjective, objective_id)
    clash = race(alice, bob, "plan_objectives",
                 lambda s: plan.edit_objective(s, objective_id, {"title": "Mine"}, seen),
                 lambda s: plan.edit_objective(s, objective_id, {"title": "Theirs"}, seen))
    check(clash, store, "plan_objectives", objective_id, "title", "Fewer repeat callers",
          "Theirs", "Mine")


def test_retiring_an_action_someone_just_edited(store, pair):
    alice, bob = pair
    _p, _o, action_id, _ = _plan(store)
    seen = _version(store, PlanAction, action_id)
    clash = race(alice, bob, "plan_actions",
                 lambda s: plan.retire(s, PlanAction, action_id, seen),
                 lambda s: plan.edit_plan_action(s, action_id, {"lead": "Police"}, seen))
    assert clash.by == "bob" and clash.record_id == action_id and "retired_at" in clash.yours
    with store.read() as session:
        action = session.get(PlanAction, action_id)
        assert action.retired_at is None and action.lead == "Police"


def test_two_moves_of_the_same_action(store, pair):
    """Both press [ on the second action: B's move lands, A's is refused (not moved twice)."""
    alice, bob = pair
    _p, _o, first, second = _plan(store)
    seen = _version(store, PlanAction, second)
    clash = race(alice, bob, "plan_actions",
                 lambda s: plan.move(s, PlanAction, second, -1, seen),
                 lambda s: plan.move(s, PlanAction, second, -1, seen))
    assert clash.by == "bob" and clash.record_id == second
    with store.read() as session:
        assert {a.id: a.number for a in session.scalars(select(PlanAction))} == {
            first: 2, second: 1}


def test_store_refusals_in_words(store):
    priority_id, objective_id, action_id, _ = _plan(store)
    with store.write() as session:
        with pytest.raises(Invalid, match="already a priority 'P1'"):
            plan.add_priority(session, "P1", "Another")
    for written in ("p1", " P1 "):  # the same key in another case or with spaces
        with store.write() as session, pytest.raises(Invalid, match="already a priority 'P1'"):
            plan.add_priority(session, written, "Another")
    with store.write() as session:
        plan.add_priority(session, "P2", "Second")
        [own] = session.scalars(select(PlanPriority).where(PlanPriority.key == "P1")).all()
        plan.edit_priority(session, own.id, {"key": "p1"}, None)  # its own key, re-cased: fine
        with pytest.raises(Invalid, match="already a priority 'P2'"):
            plan.edit_priority(session, own.id, {"key": "p2"}, None)
    with store.write() as session:
        with pytest.raises(Invalid, match="Measure must be one of"):
            plan.edit_plan_action(session, action_id, {"measure_key": "nonsense"}, None)
    with store.write() as session:
        assert plan.move(session, PlanAction, action_id, -1, None) is None  # already first
        plan.retire(session, PlanObjective, objective_id, None)
    with store.write() as session:
        with pytest.raises(Invalid, match="already retired"):
            plan.retire(session, PlanObjective, objective_id, None)
    with store.read() as session:
        assert plan.plan_lines(session) == []  # the objective's actions went with it
        tree = plan.plan_tree(session, retired=True)
        assert [len(o.actions) for o in tree[0].objectives] == [2]  # kept as history
    with store.write() as session:
        plan.retire(session, PlanObjective, objective_id, None, retired=False)
    with store.read() as session:
        assert len(plan.plan_lines(session)) == 2  # brought back, with its actions


@pytest.mark.parametrize("choice", ["mine", "theirs"])
async def test_the_action_form_shows_the_clash(pair, cfg, choice):
    alice, bob = pair
    _p, objective_id, action_id, _ = _plan(alice)
    with alice.read() as session:
        objective = session.get(PlanObjective, objective_id)
        action = session.get(PlanAction, action_id)
    form = PlanActionForm(objective, TODAY, action)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:
            plan.edit_plan_action(session, action_id, {"target": "5% fewer"}, action.version)
        await type_into(form, pilot, "target", "20% fewer")
        await panel_shows(app, pilot, ("Target", "20% fewer", "5% fewer"))
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        if choice == "theirs":
            assert app.screen is form
            assert form.query_one("#target", Input).value == "5% fewer"
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.screen is not form
    with alice.read() as session:
        assert session.get(PlanAction, action_id).target == (
            "20% fewer" if choice == "mine" else "5% fewer")
    assert overwrites_of(alice, "plan_actions", action_id) == (
        [("alice", ["target"], "bob", "kept mine")] if choice == "mine" else [])

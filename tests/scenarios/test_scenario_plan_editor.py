"""A partnership enters its plan on a FRESH database (no demo) with keys alone: a priority,
an objective, two actions with every field, then edits, reorders, retires, records
progress and exports plan progress; the database and the exported file are checked
after each step. On SQLite and PostgreSQL, at 80x24.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from textual.widgets import Tree

from jagtui.app import JagApp
from jagtui.export.plan_progress import export_plan
from jagtui.screens.case_list import CaseListScreen
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.forms.plan_items import ObjectiveForm, PlanActionForm, PriorityForm
from jagtui.screens.plan import PlanScreen
from jagtui.store import plan
from jagtui.store.models import AuditEntry, PlanAction, PlanObjective, PlanPriority, PlanUpdate

from scenario_chair import Chair

TODAY = date(2026, 11, 22)
HOSTILE = "Zoë O'Brien-Łukasz [bold]x[/]"


def _app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, role="admin", user_name="Insp. Rhea Chairwoman", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def _rows(store, model):
    with store.read() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def _audited(store, table: str) -> list[tuple[str, int]]:
    with store.read() as session:
        return [(e.operation, e.record_id) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id))]


def _export(store, cfg) -> str:
    paths = export_plan(store, cfg, formats=["md"], today=TODAY)
    return next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")


async def _to(chair: Chair, screen: PlanScreen, kind: str, row_id: int) -> None:
    """Arrow keys until the tree's cursor is on the item."""
    tree = screen.query_one("#plan", Tree)
    await chair.wait_for(lambda: any(k == kind and r.id == row_id
                                     for k, r in screen.tree_items.values()), f"{kind} {row_id}")
    for _ in range(40):
        if screen.highlighted_item() == (kind, row_id):
            return
        await chair.press("down" if tree.cursor_line < _line(screen, kind, row_id) else "up")
    raise AssertionError(f"cursor never reached {kind} {row_id}")


def _line(screen: PlanScreen, kind: str, row_id: int) -> int:
    tree = screen.query_one("#plan", Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and screen.tree_items.get(node.id, ("", None))[0] == kind \
                and screen.tree_items[node.id][1].id == row_id:
            return line
    raise AssertionError(f"no line for {kind} {row_id}")


async def _settled(chair: Chair, screen: PlanScreen, want) -> None:
    await chair.wait_for(lambda: chair.app.screen is screen and want(), "the plan to reload")


async def test_enter_edit_reorder_retire_progress_and_export_a_plan(scenario_store, scfg):
    store, cfg = scenario_store, scfg
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        chair = Chair(app, pilot)
        await chair.wait_screen(CaseListScreen)
        await chair.press("6")
        screen = await chair.wait_screen(PlanScreen)
        assert "No partnership action plan is recorded yet" in chair.text_of("#plan-status")

        # p: a priority.
        await chair.press("p")
        await chair.wait_screen(PriorityForm)
        await chair.fill("key", "P1")
        await chair.fill("title", "Safeguarding communities from abuse and violent offences")
        await chair.fill("period", "2023-26")
        await chair.save()
        [priority] = _rows(store, PlanPriority)
        assert (priority.key, priority.period, priority.position) == ("P1", "2023-26", 1)
        assert ("create", priority.id) in _audited(store, "plan_priorities")
        assert "P1: Safeguarding communities" in _export(store, cfg)

        # o: an objective under it (the cursor is on the new priority).
        await _settled(chair, screen, lambda: screen.highlighted_item() == ("priority", priority.id))
        await chair.press("o")
        await chair.wait_screen(ObjectiveForm)
        await chair.fill("title", "Reduce repeat victims of domestic abuse")
        await chair.fill("strategy", HOSTILE)
        await chair.save()
        [objective] = _rows(store, PlanObjective)
        assert (objective.priority_id, objective.number, objective.strategy) == (
            priority.id, 1, HOSTILE)

        # a: an action with every field of the 2017/18 plan layout.
        await _settled(chair, screen, lambda: screen.highlighted_item() == ("objective", objective.id))
        await chair.press("a")
        await chair.wait_screen(PlanActionForm)
        await chair.fill("text", "Refer repeat victims to outreach support")
        await chair.fill("lead", "Strategic Group")
        await chair.fill("time_scales", "Quarterly")
        await chair.fill("ends_on", "2027-03-31")
        await chair.fill("resources", "Officer time")
        await chair.fill("measures", "Outcome - fewer repeat victims")
        await chair.fill("baseline", "2022/23: 41")
        await chair.fill("target", "10% fewer")
        await chair.choose("measure_key", "Repeat victims")
        await chair.save()
        [first] = _rows(store, PlanAction)
        assert (first.text, first.lead, first.time_scales, first.ends_on, first.resources,
                first.measures, first.baseline, first.target, first.measure_key, first.number) == (
            "Refer repeat victims to outreach support", "Strategic Group", "Quarterly",
            date(2027, 3, 31), "Officer time", "Outcome - fewer repeat victims", "2022/23: 41",
            "10% fewer", "repeat_victims", 1)
        md = _export(store, cfg)
        assert "1.1 Refer repeat victims to outreach support" in md
        assert "Quarterly, by 31 Mar 2027" in md
        assert "Baseline: 2022/23: 41; Target: 10% fewer; Tracked by: Repeat victims identified" in md

        # a again on the action: a second action under the same objective.
        await _settled(chair, screen, lambda: screen.highlighted_item() == ("action", first.id))
        await chair.press("a")
        await chair.wait_screen(PlanActionForm)
        await chair.fill("text", "Run two awareness campaigns")
        await chair.save()
        second = _rows(store, PlanAction)[1]
        assert (second.objective_id, second.number) == (objective.id, 2)

        # ]: no, [ moves the second action up: numbers swap, both audited.
        await _settled(chair, screen, lambda: screen.highlighted_item() == ("action", second.id))
        await chair.press("left_square_bracket")
        await _settled(chair, screen, lambda: [a.number for a in _rows(store, PlanAction)] == [2, 1])
        assert ("update", first.id) in _audited(store, "plan_actions")
        md = _export(store, cfg)
        assert md.index("1.1 Run two awareness campaigns") < md.index("1.2 Refer repeat victims")

        # e: edit the first action's target; version-checked and audited.
        await _to(chair, screen, "action", first.id)
        await chair.press("e")
        await chair.wait_screen(PlanActionForm)
        await chair.fill("target", "15% fewer")
        await chair.save()
        edited = next(a for a in _rows(store, PlanAction) if a.id == first.id)
        assert edited.target == "15% fewer" and edited.version > first.version
        assert "Target: 15% fewer" in _export(store, cfg)

        # u: this quarter's progress on it.
        await _settled(chair, screen, lambda: screen.highlighted_item() == ("action", first.id))
        await chair.press("u")
        await chair.wait_for(lambda: chair.focused_id == "progress", "the progress form")
        await chair.type("Twelve referrals made")
        await chair.save()
        [update] = _rows(store, PlanUpdate)
        assert (update.action_id, update.quarter, update.text) == (first.id, "2026/27 Q3",
                                                                   "Twelve referrals made")
        assert "Twelve referrals made" in _export(store, cfg)

        # x, y: retire the awareness action; it leaves progress, its row stays.
        await _to(chair, screen, "action", second.id)
        await chair.press("x")
        await chair.wait_screen(ConfirmScreen)
        await chair.press("y")
        await _settled(chair, screen, lambda: next(
            a for a in _rows(store, PlanAction) if a.id == second.id).retired_at is not None)
        with store.read() as session:
            assert [line.action.id for line in plan.plan_lines(session)] == [first.id]
        assert ("update", second.id) in _audited(store, "plan_actions")
        md = _export(store, cfg)
        assert "awareness campaigns" not in md and "Refer repeat victims" in md
        assert "Run two awareness campaigns" not in chair.all_text()

        # r shows retired items again (history), marked as such.
        await chair.press("r")
        await chair.wait_for(lambda: any(k == "action" and r.id == second.id
                                         for k, r in screen.tree_items.values()), "retired shown")
        # x on the retired action asks to bring it back; y does, audited.
        await _to(chair, screen, "action", second.id)
        assert "retired" in chair.text_of("#plan-detail").lower()
        await chair.press("x")
        confirm = await chair.wait_screen(ConfirmScreen)
        assert "Bring back this action" in confirm.question
        await chair.press("y")
        await _settled(chair, screen, lambda: next(
            a for a in _rows(store, PlanAction) if a.id == second.id).retired_at is None)
        assert "Run two awareness campaigns" in _export(store, cfg)
        # Hostile text saved elsewhere shows as text: no markup, escape or direction change.
        with store.write() as session:
            plan.edit_objective(session, objective.id,
                                {"strategy": HOSTILE + " \x1b[31mred\u202eevil"}, None)
        await chair.press("f5")
        await _to(chair, screen, "objective", objective.id)
        await chair.wait_for(lambda: "red" in chair.text_of("#plan-detail"), "the new strategy")
        detail = chair.text_of("#plan-detail")
        assert "[bold]x[/]" in detail and "Zoë O'Brien-Łukasz" in detail
        assert "\u202e" not in detail and "\x1b" not in detail


async def test_a_move_or_retire_of_an_item_someone_just_changed_is_refused_and_said(
        scenario_store, scfg):
    from jagtui.store.db import open_store

    store, cfg = scenario_store, scfg
    with store.write() as session:
        priority = plan.add_priority(session, "P1", "Safety")
        objective = plan.add_objective(session, priority.id, None, "Fewer victims")
        first = plan.add_plan_action(session, objective.id, None, "Patrols")
        second = plan.add_plan_action(session, objective.id, None, "Visits")
    bob = open_store(store.engine.url.render_as_string(hide_password=False), "bob")
    app = _app(store, cfg)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            chair = Chair(app, pilot)
            await chair.wait_screen(CaseListScreen)
            await chair.press("6")
            screen = await chair.wait_screen(PlanScreen)
            await _to(chair, screen, "action", second.id)
            with bob.write() as session:  # Bob edits the action the chair has highlighted
                plan.edit_plan_action(session, second.id, {"lead": "Police"}, second.version)
            await chair.press("left_square_bracket")
            await chair.wait_for(lambda: any("changed by bob" in m for m in chair.told),
                                 "the refusal")
            assert [a.number for a in _rows(store, PlanAction)] == [1, 2]  # not moved
            # The screen has the plan as it now is: the same key now moves it.
            await chair.wait_for(lambda: screen.lines.get(second.id) is not None
                                 and screen.lines[second.id].action.lead == "Police", "reload")
            await _to(chair, screen, "action", second.id)
            await chair.press("left_square_bracket")
            await _settled(chair, screen,
                           lambda: [a.number for a in _rows(store, PlanAction)] == [2, 1])
            # Retiring: Bob changes it again between the question and the answer.
            await _to(chair, screen, "action", first.id)
            await chair.press("x")
            await chair.wait_screen(ConfirmScreen)
            with bob.write() as session:
                now = session.get(PlanAction, first.id)
                plan.edit_plan_action(session, first.id, {"target": "All"}, now.version)
            told = len(chair.told)
            await chair.press("y")
            await chair.wait_for(lambda: any("changed by bob" in m for m in chair.told[told:]),
                                 "the second refusal")
            assert next(a for a in _rows(store, PlanAction) if a.id == first.id).retired_at is None
    finally:
        bob.dispose()


async def test_the_palette_task_adds_a_priority_from_another_screen(scenario_store, scfg):
    from jagtui.screens.palette import TASKS

    app = _app(scenario_store, scfg)
    async with app.run_test(size=(80, 24)) as pilot:
        chair = Chair(app, pilot)
        await chair.wait_screen(CaseListScreen)
        task = next(t for t in TASKS if t.title == "Add a plan priority")
        await app.run_task(task)
        await chair.wait_screen(PriorityForm)
        await chair.fill("key", "P1")
        await chair.fill("title", "Reduce criminal exploitation")
        await chair.save()
        assert isinstance(app.screen, PlanScreen)
        assert [(p.key, p.title) for p in _rows(scenario_store, PlanPriority)] == [
            ("P1", "Reduce criminal exploitation")]

"""Defects a chair found walking the agenda runner at 80x24 and 160x48, driven by keys
and checked on screen and in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jagtui.store import actions
from jagtui.store.models import Action, ActionUpdate

from meeting_data import TODAY
from test_meeting_quick_keys import (  # noqa: F401  (fixtures)
    _app, frozen_clocks, on_action, open_runner, press, running, screen_text, settle,
)


def _more_actions(store, ids) -> list[int]:
    """Four more dated actions on the log, so the carried one has others after it."""
    with store.write() as session:
        earlier = session.get(Action, ids.open_action)
        added = [actions.add_action(session, ref="111026 Item 1", text=f"Task number {n} for the group",
                                    owner="Dee Housing", due_on=TODAY - timedelta(days=2 - n),
                                    meeting_id=earlier.meeting_id, item_id=earlier.item_id).id
                 for n in range(4)]
    return added


def _row_ids(runner) -> list[int]:
    table = runner.query_one("#review")
    return [int(table.coordinate_to_cell_key((n, 0)).row_key.value) for n in range(table.row_count)]


def _highlighted(runner) -> int:
    table = runner.query_one("#review")
    return int(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)


async def test_f_keeps_the_order_and_the_highlight_moves_to_the_action_below(running, cfg):
    store, meeting_id, ids = running
    _more_actions(store, ids)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        order = [row.action.id for row in runner.view.review]
        third = order[2]
        await on_action(app, pilot, runner, third)
        assert _highlighted(runner) == third
        await press(app, pilot, "f", "ctrl+s")
        assert app.screen is runner
        await settle(app, pilot)
        assert _row_ids(runner) == order            # not re-sorted by the new date
        assert _highlighted(runner) == order[3]     # the action that was below it
        await press(app, pilot, "c", "ctrl+s")
        await settle(app, pilot)
        assert _row_ids(runner) == order
        assert _highlighted(runner) == order[4]
    with store.read() as session:
        carried = session.get(Action, third)
        assert (carried.status, carried.due_on) == ("open", runner.view.next_on)
        assert session.get(Action, order[3]).status == "complete"
        assert session.scalars(select(ActionUpdate.action_id).where(
            ActionUpdate.meeting_id == meeting_id).order_by(ActionUpdate.id)).all() == [third, order[3]]


def _many_interventions(store, cfg, case_id: int) -> None:
    """Seven interventions on the case, the newest issued today: more than 80x24 shows."""
    from jagtui.store import interventions

    with store.write() as session:
        for n in range(7):
            interventions.record_intervention(
                session, case_id=case_id, step="ADVICE" if n < 6 else "ABC",
                steps=[s.key for s in cfg.ladder], issuing_agency="CBC-ASB",
                issued_on=TODAY - timedelta(days=70 - 10 * n), notes=f"Visit number {n}")
        actions.add_action(session, ref="111026 Item 1", text="Speak to the parents",
                           owner="PC Hale", case_id=case_id, due_on=TODAY + timedelta(days=7))


async def test_the_case_summary_lists_the_newest_first_and_scrolls_with_keys(running, cfg):
    from test_meeting_quick_keys import to_item

    store, meeting_id, ids = running
    _many_interventions(store, cfg, ids.due)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda i: i.case_id == ids.due)
        await settle(app, pilot)
        first = screen_text(app)
        summary = str(runner.query_one("#item-info").content)
        assert summary.index("Visit number 6") < summary.index("Visit number 0")  # newest first
        assert "Visit number 6" in first
        assert "Lead:" not in first and "Speak to the" not in first  # below the pane, for now
        assert "▼ more below: Tab to here, then PgDn" in first       # and the pane says how
        seen = first
        for _ in range(6):  # the chair scrolls the summary with keys alone
            await press(app, pilot, "tab")
            if runner.focused is not None and runner.focused.id == "info-scroll":
                break
        assert runner.focused is not None and runner.focused.id == "info-scroll"
        for _ in range(4):
            await press(app, pilot, "pagedown")
            seen += screen_text(app)
            if "Lead:" in screen_text(app):
                break
        assert runner.item.case_id == ids.due   # PageDown scrolled, it did not leave the item
        assert "Speak to the" in seen and "Lead:" in seen
        assert "▼ more below" not in screen_text(app)               # at the end: nothing hidden
        footer = screen_text(app).splitlines()[-1]
    assert "PgDn More" in footer and "PgUp Up" in footer, footer


async def _action_log_rows(app, pilot, runner) -> list[str]:
    from test_meeting_quick_keys import to_item

    await to_item(app, pilot, runner, lambda i: i.kind == "actions")
    await settle(app, pilot)
    return [line.split("▕", 1)[-1] for line in screen_text(app).splitlines()]


async def test_the_action_log_gives_the_action_the_room_and_says_late(running, cfg):
    store, meeting_id, ids = running
    for size, words in (((80, 24), "Visit the shop o"), ((160, 48), "Visit the shop owners o")):
        app = _app(store, cfg)
        async with app.run_test(size=size) as pilot:
            runner = await open_runner(app, pilot, meeting_id)
            rows = await _action_log_rows(app, pilot, runner)
            overdue = next(line for line in rows if "Housing" in line and "Visit" in line)
            undated = next(line for line in rows if "Share the" in line)
            assert words in overdue, (size, overdue)
            assert ("late" if size[0] == 80 else "overdue") in overdue, overdue
            assert "open" in undated and "late" not in undated and "overdue" not in undated
    with store.read() as session:  # the due date is what makes it late: 19 Nov, before the meeting
        late = session.get(Action, ids.open_action)
        assert (late.status, late.due_on < TODAY) == ("open", True)


async def test_x_warns_of_the_cases_open_actions_and_the_minute_says_they_remain(running, cfg):
    from jagtui.store import agenda, meetings
    from jagtui.store.models import Case
    from test_meeting_quick_keys import to_item

    store, meeting_id, ids = running
    with store.write() as session:
        actions.add_action(session, ref="111026 Item 4", text="Speak to the parents",
                           owner="PC Hale", case_id=ids.due, due_on=TODAY + timedelta(days=7))
        actions.add_action(session, ref="111026 Item 5", text="Letter to the landlord",
                           owner="Dee Housing", case_id=ids.due)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda i: i.case_id == ids.due)
        await press(app, pilot, "x")
        form = app.screen
        shown = screen_text(app)
        assert "2 open actions" in shown and "111026 Item 4" in shown and "111026 Item 5" in shown
        assert "stay open" in shown
        await pilot.press(*"No incidents for three months", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner, str(form.query_one("#form-status").content)
    with store.read() as session:
        case = session.get(Case, ids.due)
        assert case.status == "closed"
        assert [a.status for a in session.scalars(select(Action).where(Action.case_id == ids.due))] \
            == ["open", "open"]
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.due)
        minute = meetings.notes(session, [item.id])[item.id][-1]
    assert minute.kind == "agreed"
    assert minute.text.startswith("That the case be closed: No incidents for three months")
    assert "2 open actions remain open: 111026 Item 4" in minute.text and "111026 Item 5" in minute.text

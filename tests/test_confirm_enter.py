"""Enter never says yes to a yes/no question (ConfirmScreen): the questions guard what
cannot be undone, and an Enter meant for the form underneath must not discard it.
Driven by keys in the running meeting, on SQLite and PostgreSQL."""

from __future__ import annotations


import pytest

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen, LeaveMeeting
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.store import interventions, meeting_run

from meeting_data import TODAY, frozen_clocks, seed, start_jag  # noqa: F401 (autouse)
from pilot_help import settle




@pytest.fixture
def running(store, cfg):
    ids = seed(store, cfg)
    return store, start_jag(store, cfg), ids


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, rounds=1)
    await settle(app, pilot)


async def to_case(app, pilot, meeting_id: int, case_id: int) -> AgendaRunnerScreen:
    await settle(app, pilot)
    runner = AgendaRunnerScreen(meeting_id)
    app.push_screen(runner)
    await settle(app, pilot)
    for _ in range(len(runner.view.items)):
        if runner.item.case_id == case_id:
            break
        await press(app, pilot, "n")
    assert runner.item.case_id == case_id
    return runner


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_enter_does_not_discard_what_was_typed_in_a_form(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        runner = await to_case(app, pilot, meeting_id, ids.due)
        await press(app, pilot, "e")
        form = app.screen
        assert form.focused.id == "step"
        await press(app, pilot, "tab")
        assert form.focused.id == "notes"
        await pilot.press(*"Warned about conduct")
        await press(app, pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(app, pilot, "enter")       # not a yes: the question stays
        assert isinstance(app.screen, ConfirmScreen)
        await press(app, pilot, "n")           # no: back to the form, the typing kept
        assert app.screen is form
        assert form.query_one("#notes").value == "Warned about conduct"
        await press(app, pilot, "escape", "escape")  # Esc on the question is no as well
        assert app.screen is form
        await press(app, pilot, "escape", "y")  # y discards
        assert app.screen is runner
    with store.read() as session:
        assert [i.step for i, _ in interventions.for_case(session, ids.due)] == ["ABC"]


async def test_enter_does_not_leave_the_meeting(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        runner = await to_case(app, pilot, meeting_id, ids.due)
        await press(app, pilot, "escape")
        assert isinstance(app.screen, LeaveMeeting)
        await press(app, pilot, "enter")
        assert isinstance(app.screen, LeaveMeeting)
        await press(app, pilot, "n")
        assert app.screen is runner
        await press(app, pilot, "escape", "y")
        assert app.screen is not runner and not isinstance(app.screen, LeaveMeeting)

"""A point typed under an item but never added (ctrl+s) must not vanish from the
minutes unnoticed when the chair ends the meeting: ctrl+s on the End screen names it
and asks; n goes back with nothing ended, y ends without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.store.models import Draft, ItemNote, Meeting

from meeting_data import TODAY, frozen_clocks, seed, start_jag  # noqa: F401 (autouse)
from pilot_help import settle

TYPED = "Half typed point \u202e about Bob [b]x[/b]"


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, rounds=1)
    await settle(app, pilot)


@pytest.mark.parametrize("answer", ["n", "y"])
async def test_ending_with_a_point_typed_but_not_added_asks_first(store, cfg, answer):
    seed(store, cfg)
    meeting_id = start_jag(store, cfg)
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        runner = AgendaRunnerScreen(meeting_id)
        app.push_screen(runner)
        await settle(app, pilot)
        await press(app, pilot, "n", "n", "n", "n")  # a case item
        number = runner.item.number
        await press(app, pilot, "i")
        await pilot.press(*TYPED.replace("\u202e", ""))
        await press(app, pilot, "escape")  # "Done": but the point was never added
        await press(app, pilot, "E")
        assert isinstance(app.screen, MeetingEndScreen)
        await pilot.pause(0.3)
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.question)
        assert f"item {number}" in question and "Half typed point" in question
        await press(app, pilot, answer)
        await pilot.pause(0.3)
        await settle(app, pilot)
        with store.read() as session:
            status = session.get(Meeting, meeting_id).status
            notes = session.scalars(select(ItemNote.text)).all()
        assert not any("Half typed point" in note for note in notes)
        if answer == "n":
            assert status != "final" and isinstance(app.screen, MeetingEndScreen)
        else:
            assert status == "final"
            with store.read() as session:  # the unadded point is not kept after the end
                assert not session.scalars(select(Draft).where(
                    Draft.key.like(f"meeting:{meeting_id}:item:%"))).all()

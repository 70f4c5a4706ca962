"""The footer fits 80 columns on every screen (issue 11, "Layout for the room").

Textual's Footer never leaves a key out: at 80x24 the keys past the edge ran under
the right-docked palette key ("^t Privacy" under "^p palette" on the case list and
the runner). Each screen's footer is checked where the chair meets it: every key's
region inside the screen, none overlapping, and ``?`` (which lists every key) and
the palette key always shown.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from textual.widgets._footer import FooterKey

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.footer import KeysFooter
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.screens.nav import NAV
from jagtui.store import meeting_run
from jagtui.store.meeting_run import Attendee

from meeting_data import TODAY, seed
from pilot_help import settle

WIDTH, HEIGHT = 80, 24


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, cfg):
    from jagtui.demo import build_demo
    from jagtui.store.db import create_store

    store = create_store(f"sqlite:///{tmp_path_factory.mktemp('footer') / 'demo.db'}", "tester")
    build_demo(store, cfg, TODAY)
    yield store
    store.dispose()


def assert_fits(app, where: str, width: int = WIDTH, height: int = HEIGHT) -> list[FooterKey]:
    screen = app.screen
    keys = [key for key in screen.query(FooterKey) if key.display]
    assert keys, f"{where}: no footer keys"
    assert not [type(f).__name__ for f in screen.query("Footer") if not isinstance(f, KeysFooter)], \
        f"{where}: a plain Footer, which does not fit its keys to the width"
    for key in keys:
        region = key.region
        assert region.width > 0, f"{where}: {key.key_display} has no room"
        assert 0 <= region.x and region.right <= width and region.y == height - 1, \
            f"{where}: {key.key_display} {key.description} at {region} is off the screen"
    for n, key in enumerate(keys):
        for other in keys[n + 1:]:
            assert not key.region.overlaps(other.region), \
                f"{where}: {key.key_display} {key.description} overlaps {other.key_display}"
    shown = {key.key for key in keys}
    offered = {"question_mark", app.COMMAND_PALETTE_BINDING} & set(screen.active_bindings)
    assert offered <= shown, f"{where}: ? or palette missing"  # a form offers neither
    return keys


@pytest.mark.parametrize("entry", NAV, ids=[entry.name for entry in NAV])
async def test_every_top_level_screens_footer_fits_80_columns(demo_store, cfg, entry):
    app = JagApp(demo_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(app, pilot)
        await pilot.press(entry.key)
        await settle(app, pilot)
        assert app.current_mode == entry.name
        assert_fits(app, entry.title)


async def test_the_case_view_and_the_forms_footer_fits(demo_store, cfg):
    app = JagApp(demo_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(app, pilot)
        for keys, where in ((("n",), "new case form"), (("f",), "case filter"),
                            (("enter",), "case view"), (("enter", "r"), "risk form")):
            await pilot.press(*keys)
            await settle(app, pilot)
            assert_fits(app, where)
            while len(app.screen_stack) > 1:
                app.pop_screen()
                await settle(app, pilot)


async def test_the_runner_and_end_screen_footers_fit(sqlite_store, cfg, monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)
    seed(sqlite_store, cfg)
    with sqlite_store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"), present=[],
            apologies=[])
        meeting_run.acknowledge(session, meeting.id, at=datetime(2026, 11, 22, 10, tzinfo=timezone.utc))
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(app, pilot)
        app.push_screen(AgendaRunnerScreen(meeting.id))
        await settle(app, pilot)
        for step in range(12):  # apologies, minutes, action log, each case, AOB, next meeting
            assert_fits(app, f"runner item {step + 1}")
            await pilot.press("n")
            await settle(app, pilot)
        app.push_screen(MeetingEndScreen(meeting.id))
        await settle(app, pilot)
        assert_fits(app, "end of meeting")


async def test_keys_left_out_at_80_columns_come_back_when_the_terminal_widens(demo_store, cfg):
    app = JagApp(demo_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(app, pilot)
        narrow = {key.key for key in assert_fits(app, "case list")}
        assert "ctrl+t" not in narrow  # the case list's own keys come first
        await pilot.resize_terminal(160, 40)
        await settle(app, pilot)
        wide = {key.key for key in assert_fits(app, "case list at 160", 160, 40)}
        assert narrow < wide and {"ctrl+t", "f5"} <= wide
        await pilot.resize_terminal(WIDTH, HEIGHT)
        await settle(app, pilot)
        assert {key.key for key in assert_fits(app, "case list again")} == narrow

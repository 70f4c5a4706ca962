"""At 80x24 every key is findable without overflowing the footer: in the footer, or
(left out for room) on a line the screen shows, with ``?`` help and the palette
listing it too. The Flags screen's count line keeps to one line. Keys through Pilot,
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.forms.referral import ReferralForm
from jagtui.screens.help import key_groups
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.screens.palette import binding_commands
from jagtui.store import agenda, meeting_run
from jagtui.store.meeting_run import Attendee

from export_fixture import exports_cfg
from meeting_data import TODAY, seed
from pilot_help import settle
from test_flags_screen import seed as seed_flags
from test_footer_fits import assert_fits

STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_ticking(monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


def screen_text(app) -> str:
    """The terminal's text, as the user reads it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


def findable(app, key: str, said: str) -> None:
    """``key`` is in the footer, or the screen says ``said`` on a line in view; and
    ? help and the palette list it."""
    footer = {k.key for k in app.screen.query(FooterKey) if k.display}
    assert key in footer or said in screen_text(app), f"{key}: not in the footer nor on screen"
    helped = [keys for _heading, rows in key_groups(app.screen) for keys, _what in rows]
    assert key in helped, f"? help does not list {key}"
    assert any(c.title.endswith(f"({key})") for c in binding_commands(app.screen)), \
        f"the palette does not list {key}"


def start(store, cfg) -> int:
    seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"), present=[],
            apologies=[])
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
    return meeting.id


async def test_the_runners_case_item_says_r_refers(store, cfg):
    meeting_id = start(store, cfg)
    with store.write() as session:
        items = agenda.items(session, meeting_id)
        first_case = next(n for n, item in enumerate(items) if item.case_id is not None)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(AgendaRunnerScreen(meeting_id))
        await settle(app, pilot)
        assert "R refer" not in screen_text(app)  # not a case: no R to offer
        await pilot.press(*["n"] * first_case)
        await settle(app, pilot)
        runner = app.screen
        assert runner.item.case_id is not None
        assert_fits(app, "case item")
        findable(app, "R", "R refer someone")
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ReferralForm)


async def test_the_end_screen_says_p_exports_the_plan_progress(store, cfg, tmp_path):
    meeting_id = start(store, cfg)
    with store.write() as session:
        meeting_run.end_meeting(session, cfg, meeting_id, TODAY + timedelta(weeks=6))
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    app = JagApp(store, ecfg, role="chair", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(MeetingEndScreen(meeting_id))
        await settle(app, pilot)
        end = app.screen
        assert end.final
        assert_fits(app, "end of meeting, final")
        findable(app, "p", "p the plan progress")
        await pilot.press("p")
        await settle(app, pilot)
        assert dict(end.exported)["plan"]


async def test_the_flags_count_line_keeps_to_one_line(store, cfg):
    seed_flags(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        line = app.screen.query_one("#flags-kinds", Static)
        for _kind in range(7):  # every filter f steps through, and all flags again
            assert line.region.height == 1, str(line.content)
            assert len(str(line.content)) <= 78
            await pilot.press("f")
            await settle(app, pilot)
        # Wider, the kind shown is named again.
        await pilot.resize_terminal(160, 48)
        await settle(app, pilot)
        assert line.region.height == 1 and str(line.content).startswith("Showing: All flags")

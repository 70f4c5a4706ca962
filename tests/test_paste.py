"""A paste holding escape codes keeps its order, shows its control characters, and
reaches the database and the minutes as typed (issue 11, defect 15)."""

from __future__ import annotations


import pytest
from textual import events
from textual.widgets import Input, TextArea, Tree

from export_fixture import exports_cfg
from jagtui.app import JagApp
from jagtui.export.minutes import export_minutes
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.forms.plan_update import PlanUpdateForm
from jagtui.screens.pasting import PasteGuard, neutralise
from jagtui.store import agenda, meeting_run, meetings, plan
from jagtui.store.meeting_run import Attendee
from textual._xterm_parser import XTermParser

from meeting_data import FROZEN, TODAY, frozen_clocks, seed  # noqa: F401 (autouse)
from pilot_help import settle

PASTED = "alpha \x1b[31mRED \x1b[0m omega"
SHOWN = "alpha \u241b[31mRED \u241b[0m omega"



def _app(store, cfg):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_a_pasted_note_keeps_its_order_in_the_database_and_the_minutes(store, cfg, tmp_path):
    seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")], apologies=[])
        meeting_run.acknowledge(session, meeting.id, at=FROZEN)
        meeting_id = meeting.id
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(AgendaRunnerScreen(meeting_id))
        await settle(app, pilot)
        await pilot.press("i", *"Said: ")
        await settle(app, pilot)
        box = app.screen.focused
        assert isinstance(box, TextArea)
        app.post_message(events.Paste(PASTED))  # as the terminal delivers it
        await settle(app, pilot)
        await pilot.press(*" (end)")
        assert box.text == f"Said: {SHOWN} (end)"  # in order, the codes visible
        await pilot.press("ctrl+s")
        await settle(app, pilot, 3)
    with store.read() as session:
        items = agenda.items(session, meeting_id)
        notes = meetings.notes(session, [i.id for i in items])
        texts = [n.text for found in notes.values() for n in found]
    assert f"Said: {SHOWN} (end)" in texts
    md, _docx = export_minutes(store, exports_cfg(cfg, tmp_path / "exports"), meeting_id)
    minutes = md.read_text()
    assert "Said: " in minutes and minutes.index("alpha") < minutes.index("RED") \
        < minutes.index("omega") < minutes.index("(end)")
    assert "\x1b" not in minutes


async def test_a_pasted_progress_line_is_stored_in_order(store, cfg):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        tree = app.screen.query_one("#plan", Tree)
        while tree.cursor_node is None or tree.cursor_node.data is None:
            await pilot.press("down")
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanUpdateForm)
        await pilot.press(*"Start ")
        app.post_message(events.Paste(PASTED))
        await settle(app, pilot)
        await pilot.press(*" end")
        assert app.screen.query_one("#progress", Input).value == f"Start {SHOWN} end"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    with store.read() as session:
        (line, *_rest) = plan.plan_lines(session)
    assert [u.text for u in line.updates] == [f"Start {SHOWN} end"]


def _events(chunks: list[str]) -> list[tuple[str, str]]:
    guard, parser = PasteGuard(), XTermParser()
    found = []
    for chunk in [*chunks, ""]:
        for event in parser.feed(guard(chunk) if chunk else ""):
            found.append((type(event).__name__, getattr(event, "text", "") or event.key))
    return found


def test_the_terminal_reader_keeps_a_paste_with_escape_codes_whole():
    raw = f"x\x1b[200~{PASTED}\x1b[201~y"
    expected = [("Key", "x"), ("Paste", SHOWN), ("Key", "y")]
    # Without the guard Textual's reader turns the codes into key presses, ahead of the text.
    parser = XTermParser()
    unguarded = [type(e).__name__ for e in [*parser.feed(raw), *parser.feed("")]]
    assert unguarded.count("Key") > 2
    # With it, one paste, in order, wherever the terminal's reads split the bytes.
    for cut in range(1, len(raw)):
        assert _events([raw[:cut], raw[cut:]]) == expected, cut
    assert _events(["\x1b"]) == [("Key", "escape")]  # a lone Esc is not held back


def test_control_characters_become_pictures_one_for_one():
    assert neutralise("a\x1b[1mb\x07c\x7fd\x9be\tf\ng") == "a␛[1mb␇c␡d␛[e\tf\ng"

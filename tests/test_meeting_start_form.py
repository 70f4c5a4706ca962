"""Starting a meeting with keys only, as a chair would, at 80x24 and 160x48; the
attendance then checked in the database. Also the Meetings screen: o resumes the
meeting in progress where it was left, and n asks before a second meeting on a
day whose meeting is already held. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from textual.widgets import Input, OptionList, Static

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.forms.meeting_start import StartMeetingForm
from jagtui.screens.meeting import ConfidentialityScreen, MeetingsScreen
from jagtui.store import agenda, meeting_run, meetings
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import Meeting
from sqlalchemy import select

from meeting_data import TODAY, seed
from pilot_help import settle

STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)
SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


@pytest.fixture(autouse=True)
def no_ticking(monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def press(app, pilot, *keys) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, rounds=1)
    await settle(app, pilot)


async def _open_start_form(app, pilot) -> StartMeetingForm:
    await settle(app, pilot)
    await press(app, pilot, "5")
    assert isinstance(app.screen, MeetingsScreen)
    await press(app, pilot, "n")
    assert isinstance(app.screen, StartMeetingForm)
    return app.screen


async def _add(app, pilot, typed: str, key: str = "enter") -> None:
    await press(app, pilot, *typed, key)


def _attendance(store, meeting_id):
    with store.read() as session:
        meeting = meetings.get_meeting(session, meeting_id)
        rows = [(row.name, row.kind) for row in meetings.attendance(session, meeting_id)]
        return meeting.chair, rows


def _visible(widget) -> bool:
    """On screen, whole: inside the screen and the form's box, not clipped."""
    region = widget.region
    screen = widget.screen.region
    return (region.width > 0 and region.height > 0 and region.x >= screen.x
            and region.right <= screen.right and region.bottom <= screen.bottom)


@SIZES
async def test_the_chair_sets_chair_minutes_late_arrival_and_removes_a_wrong_attendee(store, cfg, size):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        form = await _open_start_form(app, pilot)
        # Part of each name, Enter: present (the first chairs); ctrl+r: apologies.
        await _add(app, pilot, "dee")                 # Dee Housing: present, chair for now
        await _add(app, pilot, "rhea")                # Insp. Rhea Chairwoman
        await _add(app, pilot, "sam")                 # Sam Officer
        await _add(app, pilot, "pat", "ctrl+r")       # Pat Apology: apologies
        assert form.shown_present == ["Dee Housing", "Insp. Rhea Chairwoman", "Sam Officer"]
        # Tab Tab: the present list, its first person highlighted.
        await press(app, pilot, "tab", "tab")
        present = form.query_one("#present", OptionList)
        assert app.focused is present
        # m on the first (Dee): Dee takes the minutes, and so no longer chairs: Rhea does.
        await press(app, pilot, "m")
        assert present.highlighted == 0
        assert form.roll.kind_of("Dee Housing") == "minutes"
        # c on Rhea makes her the chair, whoever chaired before.
        await press(app, pilot, "down", "c")
        assert form.roll.chair == "Insp. Rhea Chairwoman"
        # Sam was added by mistake: d removes him, the cursor stays in the list.
        await press(app, pilot, "down", "d")
        assert form.shown_present == ["Dee Housing", "Insp. Rhea Chairwoman"]
        assert present.highlighted == 1
        # Pat arrived after all: p in the apologies list moves her to present.
        await press(app, pilot, "tab")
        assert app.focused is form.query_one("#apologies", OptionList)
        await press(app, pilot, "p")
        assert form.shown_apologies == [] and "Pat Apology" in form.shown_present
        # And someone not in the directory sent apologies: ctrl+n, name, organisation.
        await press(app, pilot, "shift+tab", "shift+tab", "shift+tab")
        assert app.focused.id == "people_search"
        await press(app, pilot, "ctrl+n", *"Val Newcomer", "tab", *"Youth Offending Service")
        await press(app, pilot, "tab", "enter", "down", "enter")  # Attending: apologies
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, StartMeetingForm)
        assert form.shown_apologies == ["Val Newcomer"]
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ConfidentialityScreen)
        await press(app, pilot, "y")
        assert isinstance(app.screen, AgendaRunnerScreen)
        meeting_id = app.screen.meeting_id
    chair, rows = _attendance(store, meeting_id)
    assert chair == "Insp. Rhea Chairwoman"
    assert sorted(rows) == sorted([
        ("Insp. Rhea Chairwoman", "present"), ("Pat Apology", "present"),
        ("Dee Housing", "minutes"), ("Val Newcomer", "apology")])


@SIZES
async def test_every_field_of_the_start_form_is_reachable_and_whole(store, cfg, size):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        form = await _open_start_form(app, pilot)
        await _add(app, pilot, "dee")
        await _add(app, pilot, "pat", "ctrl+r")
        seen = []
        for _ in range(10):
            await press(app, pilot, "tab")
            seen.append(app.focused.id)
            assert _visible(app.focused), app.focused.id
        assert {"subgroup", "held_on", "starts_at", "place", "people_search", "directory",
                "present", "apologies"} <= set(seen)
        # The line under the lists says what the keys do where the cursor is, in one line.
        for name in ("present", "apologies", "people_search"):
            form.query_one(f"#{name}").focus()
            await settle(app, pilot)
            hint = form.query_one("#people-hint", Static)
            assert hint.region.height == 1 and _visible(hint)
        for name in ("present", "apologies", "directory"):
            listing = form.query_one(f"#{name}", OptionList)
            assert listing.region.height >= 5 and _visible(listing)
        assert _visible(form.query_one("#form-foot"))


async def test_o_resumes_the_meeting_in_progress_where_it_was_left(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        # A planned meeting of the Youth JAG, later: it sorts first in the list.
        session.add(Meeting(held_on=TODAY.replace(day=29), subgroup="YJAG", status="planned"))
        meeting_id = meeting.id
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5")
        screen = app.screen
        assert screen.rows[0].status == "planned"  # the highlighted row is the planned one
        await press(app, pilot, "o")
        runner = app.screen
        assert isinstance(runner, AgendaRunnerScreen) and runner.meeting_id == meeting_id
        assert runner.index == 0
        hint = str(screen.query_one("#meetings-hint", Static).content)
        assert "In progress: JAG 22 Nov 2026 (o resumes it)" in hint
        await press(app, pilot, "n", "n", "n", "n", "n")
        left_at = runner.item
        assert left_at.case_id == ids.red
        await press(app, pilot, "escape", "y")  # leave: it stays in progress
        assert app.screen is screen
        await press(app, pilot, "o")
        assert isinstance(app.screen, AgendaRunnerScreen)
        assert app.screen.item.id == left_at.id
        # Cut off without leaving (a dropped connection): the latest record says where.
        await press(app, pilot, "b", "i", *"Patrols are working", "ctrl+s")
        noted = app.screen.item
        assert noted.case_id == ids.high_risk
    with store.read() as session:
        assert [m.id for m in meeting_run.in_progress(session)] == [meeting_id]
        assert not any(m.status == "in progress" and m.subgroup == "YJAG"
                       for m in meetings.list_meetings(session))
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5", "o")
        assert isinstance(app.screen, AgendaRunnerScreen)
        assert app.screen.item.id == noted.id


async def _hold_todays_meeting(store, cfg) -> int:
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        meeting_run.end_meeting(session, cfg, meeting.id)
        return meeting.id


def _jag_meetings_today(store) -> list[Meeting]:
    with store.read() as session:
        return list(session.scalars(select(Meeting).where(
            Meeting.subgroup == "JAG", Meeting.held_on == TODAY)))


async def test_n_asks_before_a_second_meeting_on_a_day_whose_meeting_is_held(store, cfg):
    seed(store, cfg)
    held = await _hold_todays_meeting(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5", "n")
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "JAG meeting of 22 Nov 2026" in question and "Insp. Rhea Chairwoman" in question
        # Esc: no, stay on the meetings list; nothing is started.
        await press(app, pilot, "escape")
        assert isinstance(app.screen, MeetingsScreen)
        assert [m.id for m in _jag_meetings_today(store)] == [held]
        # Asked again, y: the start form for a second meeting; saved, no second question.
        await press(app, pilot, "n", "y")
        form = app.screen
        assert isinstance(form, StartMeetingForm)
        await press(app, pilot, *"dee", "enter", "ctrl+s")
        assert isinstance(app.screen, ConfidentialityScreen)
    today = _jag_meetings_today(store)
    assert len(today) == 2 and {m.status for m in today} == {"final", "in progress"}


async def test_the_start_form_asks_when_its_date_is_changed_to_a_held_meetings_day(store, cfg):
    seed(store, cfg)  # the JAG met on 11 Oct 2026; its minutes are final
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_start_form(app, pilot)
        await press(app, pilot, *"dee", "enter", "shift+tab", "shift+tab", "shift+tab")
        assert app.focused is form.query_one("#held_on", Input)
        await press(app, pilot, "end", "ctrl+u", *"11/10/2026", "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "JAG meeting of 11 Oct 2026" in app.screen.question
        await press(app, pilot, "escape")
        assert app.screen is form  # no: back in the form, what was typed kept
        assert form.shown_present == ["Dee Housing"]
    with store.read() as session:
        assert [m.status for m in meetings.list_meetings(session)] == ["final"]


async def test_a_meeting_without_items_recorded_resumes_at_the_start(store, cfg):
    seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        first = agenda.items(session, meeting.id)[0]
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5", "o")
        assert isinstance(app.screen, AgendaRunnerScreen)
        assert app.screen.item.id == first.id


async def test_a_dropped_connection_resumes_at_the_item_entered_not_the_last_record(store, cfg):
    """Enter item 3 (nothing recorded there), the session is cut off without leaving:
    5 o returns to item 3, not to the start or an earlier item's record."""
    seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        third = agenda.items(session, meeting.id)[2]
    assert third.case_id is None  # no case opened there: only the kept place says where
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5", "o")
        assert isinstance(app.screen, AgendaRunnerScreen)
        await press(app, pilot, "n", "n")
        assert app.screen.item.id == third.id
    # The app ended without Esc (the connection dropped): reopened, o goes back there.
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "5", "o")
        assert isinstance(app.screen, AgendaRunnerScreen)
        assert app.screen.index == 2 and app.screen.item.id == third.id

"""Someone who sent apologies arrives after all: `w` in the runner records them present,
moved from the apologies and minuted as arriving late (the same store step a follower's
"present" takes). Someone already present, or an apology twice, is still refused.
SQLite and PostgreSQL; the runner by keys."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from jagtui.export.document import render_markdown
from jagtui.export.minutes import build_minutes
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.store import follow, meeting_run, meetings
from jagtui.store.errors import Invalid
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.meeting_run import Attendee
from jagtui.store.minutes import minutes_data

from meeting_data import TODAY, seed
from pilot_help import settle
from test_meeting_quick_keys import _app, open_runner, press


@pytest.fixture
def running(store, cfg):
    """A meeting under way (the statement just acknowledged): Gareth Osmer sent
    apologies, Dee Housing is present."""
    seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")],
            apologies=[Attendee("Gareth Osmer", "Registered housing provider")])
        # Begun once the roll was taken: anyone added from now on came in late.
        meeting_run.acknowledge(session, meeting.id, at=datetime.now(timezone.utc))
    return meeting.id


def _roll(store, cfg, meeting_id):
    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
    return data, {a.name: a for a in data.present}, [a.name for a in data.apologies]


def test_an_apology_arriving_is_moved_to_present_and_minuted_late(store, cfg, running):
    with store.write() as session:
        row = meeting_run.add_attendance(session, running, Attendee(" gareth osmer ", ""))
        assert (row.name, row.kind, row.organisation) == (
            "Gareth Osmer", "present", "Registered housing provider")
    data, present, apologies = _roll(store, cfg, running)
    assert apologies == [] and present["Gareth Osmer"].arrived_at is not None
    assert present["Dee Housing"].arrived_at is None
    minutes = render_markdown(build_minutes(data, cfg)).decode()
    # Named once: among the present, arriving late (not under the apologies too).
    assert minutes.count("Gareth Osmer") == 1 and "No apologies were received" in minutes
    line = next(line for line in minutes.splitlines() if "Gareth Osmer" in line)
    assert "(arrived at " in line, line
    # Present already, or sending apologies twice: refused as before.
    for name, kind in (("Gareth Osmer", "present"), ("Dee Housing", "apology"),
                       ("Gareth Osmer", "apology")):
        with pytest.raises(Invalid, match="already on the attendance list"):
            with store.write() as session:
                meeting_run.add_attendance(session, running, Attendee(name, ""), kind)
    with store.read() as session:
        kinds = [(a.name, a.kind) for a in meetings.attendance(session, running)]
    assert sorted(kinds) == [("Dee Housing", "present"), ("Gareth Osmer", "present"),
                             ("Insp. Rhea Chairwoman", "present")]


def test_a_follower_who_sent_apologies_is_minuted_arriving_late(store, cfg, running):
    with store.write() as session:
        message = FollowMessage(meeting_id=running, kind="present", text="joined remotely",
                                sender="gosmer", sender_name="Gareth Osmer", organisation="")
        session.add(message)
        session.flush()
        follow.decide(session, message.id, message.version, accept=True)
    _data, present, apologies = _roll(store, cfg, running)
    assert apologies == [] and present["Gareth Osmer"].arrived_at is not None
    assert present["Gareth Osmer"].organisation == "Registered housing provider"


async def test_w_in_the_runner_marks_an_apology_present(store, cfg, running, monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)
    app = _app(store, cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(app, pilot, running)
        await press(app, pilot, "w")
        assert app.screen is not runner
        await pilot.press(*"Gareth Osmer")
        await press(app, pilot, "tab", *"Registered housing provider")
        await press(app, pilot, "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner
    _data, present, apologies = _roll(store, cfg, running)
    assert apologies == [] and present["Gareth Osmer"].arrived_at is not None


@pytest.mark.parametrize("typed", ["dee  HOUSING", " Dee\tHousing ", "Dee Housing"])
def test_a_name_typed_with_other_spaces_is_the_same_person(store, cfg, running, typed):
    """"ben  HARROWELL" was taken as a second attendee beside "Ben Harrowell"."""
    with pytest.raises(Invalid, match="already on the attendance list"):
        with store.write() as session:
            meeting_run.add_attendance(session, running, Attendee(typed, ""), "present")
    with store.write() as session:  # an apology arriving, typed loosely, is moved
        meeting_run.add_attendance(session, running, Attendee("gareth   osmer", ""), "present")
    with store.read() as session:
        kinds = sorted((a.name, a.kind) for a in meetings.attendance(session, running))
    assert kinds == [("Dee Housing", "present"), ("Gareth Osmer", "present"),
                     ("Insp. Rhea Chairwoman", "present")]

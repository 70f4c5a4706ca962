"""The minutes read as the seed minutes do: "AT 10AM", "Mr G. Feavyour arrived at 2.05pm"
as "(arrived at 2.05pm)", a completed action's update not repeating its status, a
location not naming its locality twice. SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from export_fixture import TODAY, build_meeting, exports_cfg, still_draft
from jagtui.export.minutes import clock, export_minutes
from jagtui.rules.dates import action_ref
from jagtui.store import actions, cases, meetings, people
from jagtui.store.models import Attendance

BEGAN = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_clock_reads_as_the_seeds():
    assert [clock(t) for t in ("10:00", "13:30", "14:05", "00:15", "12:00", "9:5x")] == [
        "10am", "1.30pm", "2.05pm", "12.15am", "12pm", "9:5x"]


def test_minutes_wording(store, cfg, tmp_path, utc):
    with store.write() as session:
        built = build_meeting(session, cfg, n_cases=1)
        meeting = meetings.get_meeting(session, built.meeting_id)
        meeting.confidentiality_ack_at = BEGAN
        # Present from the start, and one who came in an hour in (as the runner's w adds).
        with still_draft(session, meeting.id):
            late = meetings.add_attendee(session, meeting.id, "Gordon Feavyour",
                                         "Loughborough BID")
        session.execute(update(Attendance).where(Attendance.meeting_id == meeting.id)
                        .values(created_at=BEGAN - timedelta(minutes=5)))
        session.execute(update(Attendance).where(Attendance.id == late.id)
                        .values(created_at=BEGAN + timedelta(minutes=63)))
        # Typed up from paper the next day: not a late arrival.
        with still_draft(session, meeting.id):
            typed = meetings.add_attendee(session, meeting.id, "Hazel Later", "OPCC")
        session.execute(update(Attendance).where(Attendance.id == typed.id)
                        .values(created_at=BEGAN + timedelta(days=1)))
        done = actions.add_action(session, ref=action_ref(TODAY, 4), text="Fit a door chain",
                                  owner="Tim McCabe", meeting_id=built.previous_id)
        actions.add_update(session, done.id, TODAY, "Complete", status="complete",
                           meeting_id=meeting.id)
        wanlip = people.add_location(session, "Wanlip", address="", postcode="LE4 4ZZ",
                                     beat="61", locality="Wanlip")
        cases.link_party(session, built.case_ids[0], "location of concern", location_id=wanlip.id)
    md = export_minutes(store, exports_cfg(cfg, tmp_path / "x"), built.meeting_id,
                        formats=["md"])[0].read_text()
    assert "SUNDAY 22 NOVEMBER 2026 AT 10AM" in md and "10:00" not in md
    assert "(Acknowledged by the meeting at 10.02am.)" in md
    assert "Gordon Feavyour - Loughborough BID (arrived at 11.05am)" in md
    assert "Tim McCabe - Charnwood Borough Council  \n" in md  # on time: nothing added
    assert "Hazel Later - OPCC  \n" in md
    assert "| Complete (22 Nov 2026) |" in md and "Complete.<br>Complete" not in md
    assert "Location of concern: Wanlip, LE4 4ZZ" in md and "LE4 4ZZ, Wanlip" not in md
    assert "at 10am, Council Offices" in md  # the next meeting

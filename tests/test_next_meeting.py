""""next meeting" means one date everywhere: the group's next meeting after today.

The case view's risk form, the risk form in the running meeting, the action forms
and the store's own defaults (the agenda's last item, the end of a meeting) all ask
one store query and one rule. Keys only; the database checked; SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.case_view import CaseScreen
from jagtui.screens.forms.risk_form import RiskForm
from jagtui.store import casefile, meeting_run, meetings, risk
from jagtui.store.meeting_run import Attendee
from jagtui.store.meeting_view import meeting_view
from jagtui.store.models import Meeting

from meeting_data import PREVIOUS, TODAY, seed
from pilot_help import settle

STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)
SIX_WEEKS_ON = TODAY + timedelta(weeks=6)  # 3 Jan 2027


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def _start(store, cfg) -> int:
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        return meeting.id


async def _review_risk_typing_next_meeting(app, pilot, cfg) -> None:
    """In an open risk form: answer every question, then type "next meeting" as the review date."""
    assert isinstance(app.screen, RiskForm)
    await pilot.press("y", "3", *["n"] * (len(cfg.risk.questions) - 2))
    for _ in range(6):
        if app.focused is not None and app.focused.id == "review_due":
            break
        await pilot.press("tab")
    assert app.focused.id == "review_due"
    await pilot.press("end", "ctrl+u", *"next meeting", "ctrl+s")
    await settle(app, pilot)


async def test_next_meeting_is_the_same_date_in_the_case_view_and_the_meeting(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)  # the JAG meets today: its next meeting is after it
    app = _app(store, cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        # The case view (cases list, highest risk first: Bob Highrisk's case).
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == ids.high_risk
        await pilot.press("r")
        await settle(app, pilot)
        await _review_risk_typing_next_meeting(app, pilot, cfg)
        assert isinstance(app.screen, CaseScreen)
        # The running meeting: the same case's item, the same form.
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        runner = app.screen
        assert isinstance(runner, AgendaRunnerScreen)
        while runner.item.case_id != ids.high_risk:
            await pilot.press("n")
            await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await _review_risk_typing_next_meeting(app, pilot, cfg)
        assert app.screen is runner
    with store.read() as session:
        reviews = [a.review_due for a in risk.history(session, ids.high_risk)
                   if a.assessed_on == TODAY]
        assert meeting_view(session, cfg, TODAY, meeting_id).next_on == SIX_WEEKS_ON
    assert reviews == [SIX_WEEKS_ON, SIX_WEEKS_ON]


def _next_everywhere(session, cfg, case_id, meeting_id=None) -> set[date]:
    """What each place that offers "next meeting" would offer today."""
    found = {
        casefile.case_file(session, cfg, TODAY, case_id).next_meeting,
        meetings.next_meeting_on(session, cfg.meetings.cadence_weeks, TODAY, "JAG"),
    }
    if meeting_id is not None:
        found.add(meeting_view(session, cfg, TODAY, meeting_id).next_on)
    return found


def test_the_date_the_last_meeting_agreed_is_the_next_meeting(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        # The last meeting agreed 3 Dec (not the cadence's 22 Nov), and nothing is planned.
        meetings.get_meeting(session, ids.previous_meeting).next_meeting_on = date(2026, 12, 3)
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk) == {date(2026, 12, 3)}


def test_a_planned_meeting_after_today_is_the_next_meeting(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        session.add(Meeting(held_on=TODAY, subgroup="JAG", status="planned"))
        session.add(Meeting(held_on=date(2026, 12, 10), subgroup="JAG", status="planned"))
        session.add(Meeting(held_on=date(2026, 11, 29), subgroup="YJAG", status="planned"))
    with store.read() as session:
        # After today, always: today's own meeting, planned or by the cadence, is not "next".
        assert _next_everywhere(session, cfg, ids.high_risk) == {date(2026, 12, 10)}
    meeting_id = _start(store, cfg)  # today's planned meeting starts
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk, meeting_id) == {date(2026, 12, 10)}
    with store.write() as session:
        meeting_run.end_meeting(session, cfg, meeting_id)
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk) == {date(2026, 12, 10)}
        assert meetings.get_meeting(session, meeting_id).next_meeting_on == date(2026, 12, 10)


def test_the_date_agreed_in_the_meeting_is_the_next_meeting_everywhere(store, cfg):
    """Once the chair sets the next date (d), the runner's forms and the case view take it."""
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.set_next_meeting(session, meeting_id, date(2026, 12, 17))
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk, meeting_id) == {date(2026, 12, 17)}

    assert PREVIOUS + timedelta(weeks=6) == TODAY  # the cadence alone would say today


def test_the_cadence_landing_on_today_gives_the_step_after(store, cfg):
    """No meeting yet today, the cadence from 11 Oct lands on today: "next meeting" is
    the one after today, in the case view as at the start of today's meeting."""
    ids = seed(store, cfg)
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk) == {SIX_WEEKS_ON}
    meeting_id = _start(store, cfg)
    with store.read() as session:
        assert _next_everywhere(session, cfg, ids.high_risk, meeting_id) == {SIX_WEEKS_ON}

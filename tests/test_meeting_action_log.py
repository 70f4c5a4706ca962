"""The action log item of a running meeting, driven by keys, on SQLite and PostgreSQL:
a completed action is not reopened by u or f (the store refuses it on every path),
↓ moves the highlighted action as soon as the item is shown, the minutes and the
meeting's action-log export list the actions the item reviewed (completed ones as
Complete, with the date), and an action's ref names a real meeting and item.
"""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.rules.dates import fmt_date
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.store import actions, meeting_run
from jagtui.store.db import create_store
from jagtui.store.errors import Invalid
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import Action, ActionUpdate, AuditEntry

from export_fixture import exports_cfg
from meeting_data import PREVIOUS, STARTED, TODAY, frozen_clocks, seed  # noqa: F401 (autouse)
from pilot_help import settle

PARTNER_DONE = "Leaflets delivered to every flat"



@pytest.fixture
def running(store, db_url, cfg):
    """A JAG under way whose action log shows an action a partner (member1, Sam Officer)
    completed at their own desk since the last meeting: first on the log, its date the
    earliest. Returns the store, the seeded ids, that action's id and the meeting's."""
    ids = seed(store, cfg)
    with store.write() as session:
        done = actions.add_action(
            session, ref="111026 Item 1", text="Leaflet the flats on Pine Road",
            owner="Sam Officer", owner_agency="CBC-ASB", due_on=PREVIOUS + timedelta(days=7),
            meeting_id=ids.previous_meeting)
    partner = create_store(db_url, "member1")
    try:
        with partner.write() as session:
            actions.add_update(session, done.id, TODAY - timedelta(days=4), PARTNER_DONE,
                               status="complete")
    finally:
        partner.dispose()
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")])
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
    return store, ids, done.id, meeting.id


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, rounds=1)
    await settle(app, pilot)


async def open_runner(app, pilot, meeting_id: int) -> AgendaRunnerScreen:
    await settle(app, pilot)
    runner = AgendaRunnerScreen(meeting_id)
    app.push_screen(runner)
    await settle(app, pilot)
    return runner


async def to_action_log(app, pilot, runner) -> None:
    """n until the action log is the item shown, as the chair steps there."""
    for _ in range(len(runner.view.items)):
        if runner.item.kind == "actions":
            return
        await press(app, pilot, "n")
    assert runner.item.kind == "actions"


def _status(store, action_id):
    with store.read() as session:
        action = session.get(Action, action_id)
        return action.status, action.completed_on


# --- 1. a completed action is not reopened ------------------------------------------------------

def _meeting_updates(store, action_id, meeting_id):
    with store.read() as session:
        return session.scalars(select(ActionUpdate).where(
            ActionUpdate.action_id == action_id, ActionUpdate.meeting_id == meeting_id)).all()


def _status_changes(store, action_id):
    with store.read() as session:
        return [entry.detail["status"] for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "actions",
                                     AuditEntry.record_id == action_id,
                                     AuditEntry.operation == "update").order_by(AuditEntry.id))
                if "status" in entry.detail]


@pytest.mark.parametrize("key", ["u", "f", "c"])
async def test_u_f_or_c_on_a_completed_action_is_refused_and_it_stays_complete(running, cfg, key):
    """The partner's completed action is first on the log, shown as done: u (update), f
    (carry forward) or c (complete) says it is complete, as the Actions screen does, and
    opens no form. (c once added a second "Complete." that pushed the partner's own
    completing update out of the minutes and the action log.)"""
    store, _ids, done_id, meeting_id = running
    app = _app(store, cfg)
    told: list[str] = []
    shown = app.notify
    app.notify = lambda message, *a, **k: (told.append(str(message)), shown(message, *a, **k))[1]
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_action_log(app, pilot, runner)
        assert runner.pane.review_row(runner.view).action.id == done_id
        await press(app, pilot, key)
        assert app.screen is runner  # no form: nothing to type into and lose
        assert any("already complete" in message for message in told), told
    assert _status(store, done_id) == ("complete", TODAY - timedelta(days=4))
    assert _meeting_updates(store, done_id, meeting_id) == []
    assert _status_changes(store, done_id) == [{"before": "open", "after": "complete"}]


async def test_the_store_refuses_to_reopen_a_completed_action_from_the_meetings_form(running, cfg):
    """The rule lives in the store: the review form saved on an action already complete
    (as the runner read it) is refused with the reason, not saved as open."""
    from jagtui.screens.forms.meeting_forms import MeetingReviewForm

    store, _ids, done_id, meeting_id = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        row = next(r for r in runner.view.review if r.action.id == done_id)
        form = MeetingReviewForm(row, runner.view.meeting, cfg)
        app.push_screen(form)
        await settle(app, pilot)
        await pilot.press(*"Still going", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "already complete" in str(form.query_one("#form-status").content)
    assert _status(store, done_id) == ("complete", TODAY - timedelta(days=4))
    assert _meeting_updates(store, done_id, meeting_id) == []
    with store.write() as session:
        with pytest.raises(Invalid, match="already complete"):
            actions.add_update(session, done_id, TODAY, "Reopened?", status="open")


async def test_c_then_u_on_the_same_action_does_not_reopen_it(running, cfg):
    """An open action completed at this meeting stays on the log as done: a u pressed on
    it afterwards (the cursor moved on, then back) is refused."""
    store, ids, _done_id, meeting_id = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_action_log(app, pilot, runner)
        order = [r.action.id for r in runner.view.review]
        await press(app, pilot, *["down"] * order.index(ids.open_action))
        assert runner.pane.review_row(runner.view).action.id == ids.open_action
        await press(app, pilot, "c", "ctrl+s")
        assert app.screen is runner
        await press(app, pilot, "up", "u")
        assert runner.pane.review_row(runner.view).action.id == ids.open_action
        assert app.screen is runner
    assert _status(store, ids.open_action) == ("complete", TODAY)
    assert [u.status for u in _meeting_updates(store, ids.open_action, meeting_id)] == ["complete"]


async def test_down_moves_the_highlighted_action_as_soon_as_the_log_is_shown(running, cfg):
    store, _ids, _done_id, meeting_id = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_action_log(app, pilot, runner)
        table = runner.query_one("#review", DataTable)
        assert app.focused is table and table.cursor_row == 0
        await press(app, pilot, "down")
        assert table.cursor_row == 1


# --- 2. the minutes and the export list the log the item reviewed ------------------------------

def _csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


async def test_the_minutes_and_the_export_list_the_log_the_item_showed_with_its_status(
        running, cfg, tmp_path):
    """c on the open action, then E, ctrl+s, m and l: the minutes' ACTION LOG and the
    meeting's action-log export hold the actions the runner's log showed, the one a
    partner completed before the meeting as Complete with its date; the End screen
    counts the same log."""
    from jagtui.screens.meeting_end import MeetingEndScreen

    store, ids, done_id, meeting_id = running
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    app = _app(store, ecfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_action_log(app, pilot, runner)
        shown = {r.action.id: r.action.text for r in runner.view.review}
        assert done_id in shown and "Already done" not in shown.values()
        order = list(shown)
        await press(app, pilot, *["down"] * order.index(ids.open_action), "c", "ctrl+s")
        assert app.screen is runner
        await press(app, pilot, "E")
        end = app.screen
        assert isinstance(end, MeetingEndScreen)
        summary = str(end.query_one("#summary").content)
        assert ("Action log reviewed: 3 actions (2 complete, 1 open) · updated at this "
                "meeting (1)") in summary, summary
        await press(app, pilot, "ctrl+s")
        assert end.final
        await press(app, pilot, "m")
        await press(app, pilot, "l")
        written = dict(end.exported)
    by_suffix = {path.suffix: path for path in written["actions"]}
    rows = {row["Action"]: row for row in _csv(by_suffix[".csv"])}
    assert set(rows) == set(shown.values())  # nothing raised here: the log alone
    partner = rows["Leaflet the flats on Pine Road"]
    assert (partner["Status"], partner["Latest update"], partner["Update date"]) == (
        "complete", PARTNER_DONE, (TODAY - timedelta(days=4)).isoformat())
    assert rows["Visit the shop owners on Market Street"]["Status"] == "complete"
    assert rows["Share the patrol plan"]["Status"] == "open"
    minutes = next(p for p in written["minutes"] if p.suffix == ".md").read_text(encoding="utf-8")
    log = minutes[minutes.index("ACTION LOG"):]
    line = next(row for row in log.splitlines() if "Leaflet the flats on Pine Road" in row)
    assert "Complete." in line and f"{PARTNER_DONE} ({fmt_date(TODAY - timedelta(days=4))})" in line
    assert "Already done" not in minutes


# --- 3. an action's ref names a real meeting and item --------------------------------------------

async def test_an_action_raised_in_the_meeting_keeps_its_items_ref(running, cfg):
    """o on a case item: the ref is shown, not a box to type over; the action saved is
    this meeting's code and the item. The store refuses any other ref for it."""
    from jagtui.rules.dates import action_ref
    from jagtui.screens.forms.meeting_forms import MeetingActionForm
    from jagtui.store import meeting_entries

    store, ids, _done_id, meeting_id = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        for _ in range(len(runner.view.items)):
            if runner.item.case_id == ids.high_risk:
                break
            await press(app, pilot, "n")
        item = runner.item
        await press(app, pilot, "o")
        form = app.screen
        assert isinstance(form, MeetingActionForm)
        ref = form.query_one("#ref")
        assert not ref.focusable and not hasattr(ref, "value")  # shown, never typed over
        assert str(ref.content) == action_ref(TODAY, item.number)
        await pilot.press(*"Fit a video doorbell", "tab", *"Dee Housing")
        await press(app, pilot, "ctrl+s")
        assert app.screen is runner
    with store.read() as session:
        saved = session.scalars(select(Action).where(Action.text == "Fit a video doorbell")).one()
    assert (saved.ref, saved.meeting_id, saved.item_id) == (
        action_ref(TODAY, item.number), meeting_id, item.id)
    with store.write() as session:
        with pytest.raises(Invalid, match="its ref is not changed"):
            meeting_entries.raise_action(session, item.id, text="x", owner="Dee Housing",
                                         ref="999999 Item 99")


@pytest.mark.parametrize("typed, said", [
    ("2026-13-01", "Type a meeting's code and item, e.g. 200521 Item 7, or leave it empty"),
    ("999999 Item 99", "999999 is not a date"),
    ("011126 Item 2", "no meeting on 1 Nov 2026 is recorded"),
    ("111026 Item 9", "the meeting on 11 Oct 2026 has no item 9"),
])
async def test_the_actions_screen_refuses_a_ref_that_names_no_meeting_item(
        running, cfg, typed, said):
    from jagtui.screens.forms.action import ActionForm

    store, *_rest = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "4", "a")
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press(*"Fix the gate", "tab", *"Dee Housing", "shift+tab", "shift+tab")
        await settle(app, pilot)
        assert form.focused.id == "ref"
        await pilot.press(*typed)
        await press(app, pilot, "ctrl+s")
        assert app.screen is form
        status = str(form.query_one("#form-status").content)
        assert "Not saved" in status and said in status, status
    with store.read() as session:
        assert session.scalars(select(Action).where(Action.text == "Fix the gate")).all() == []


async def test_the_actions_screen_takes_a_ref_naming_a_recorded_item(running, cfg):
    """A real meeting's code and item (typed loosely) is kept as the log writes it, and
    the action is that item's; left empty, it says outside a meeting and when."""
    store, ids, *_rest = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "4", "a")
        await pilot.press(*"Fix the gate", "tab", *"Dee Housing", "shift+tab", "shift+tab",
                          *"111026 item 1")
        await press(app, pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ActionsScreen"
    with store.read() as session:
        saved = session.scalars(select(Action).where(Action.text == "Fix the gate")).one()
    assert (saved.ref, saved.meeting_id) == ("111026 Item 1", ids.previous_meeting)
    assert saved.item_id is not None


async def test_after_a_note_on_the_action_log_down_moves_the_highlighted_action(running, cfg):
    """i, a point typed, ctrl+s, Esc: back on the log's table, not the agenda behind it,
    so ↓ moves the highlighted action without three Tabs first."""
    store, _ids, _done_id, meeting_id = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_action_log(app, pilot, runner)
        await press(app, pilot, "i")
        await pilot.press(*"Partners asked to update before the meeting", "ctrl+s")
        await press(app, pilot, "escape")
        table = runner.query_one("#review", DataTable)
        assert app.focused is table
        await press(app, pilot, "down")
        assert table.cursor_row == 1 and runner.index == [
            i.kind for i in runner.view.items].index("actions")

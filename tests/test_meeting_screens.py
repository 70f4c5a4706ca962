"""The meeting and plan screens driven by keys: reorder, privacy, permissions, plan
updates, and snapshots of the agenda runner at 80x24 and 160x48.

Deterministic: a fixed today, the small fixed JAG (meeting_data), the
statement acknowledged at a fixed time, the clocks frozen, no background polling.
Regenerate snapshots with ``pytest tests/test_meeting_screens.py --snapshot-update``.
"""

from __future__ import annotations


import pytest
from rich.console import Console
from textual.widgets import OptionList, Static, Tree

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.help import HelpScreen
from jagtui.screens.meeting import ConfidentialityScreen, MeetingsScreen
from jagtui.screens.plan import PlanScreen
from jagtui.store import actions, agenda, cases, interventions, meeting_run, plan, risk
from jagtui.store.meeting_run import Attendee

from meeting_data import STARTED, TODAY, frozen_clocks, seed  # noqa: F401 (autouse)
from pilot_help import settle




@pytest.fixture
def running(sqlite_store, cfg):
    """A JAG meeting under way: statement acknowledged, notes on the high-risk case."""
    ids = seed(sqlite_store, cfg)
    with sqlite_store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")],
            apologies=[Attendee("Pat Apology", "Probation Service")])
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        high = next(i for i in agenda.items(session, meeting.id) if i.case_id == ids.high_risk)
        meeting_run.record_note(session, high.id, "Bob Highrisk reported two further incidents; "
                                "he is afraid to go out.")
        meeting_run.record_note(session, high.id, "That the police increase patrols.", "agreed")
    return sqlite_store, meeting.id, ids


def _app(store, cfg, role="admin"):
    app = JagApp(store, cfg, role=role, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def _runner(app, pilot, meeting_id, *keys):
    await settle(app, pilot)
    app.push_screen(AgendaRunnerScreen(meeting_id))
    await settle(app, pilot)
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)
    return app.screen


def _titles(store, meeting_id):
    with store.read() as session:
        return [(item.number, item.kind) for item in agenda.items(session, meeting_id)]


# The item a snapshot shows: keys from the first item.
RUNNER_VIEWS = {"case": ("n",) * 7, "action_log": ("n", "n")}


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("view", list(RUNNER_VIEWS))
def test_agenda_runner_snapshot(snap_compare, running, cfg, view, size):
    """A case item (ladder, interventions and open actions in view) and the action log
    (owner, due date and status in view, abbreviated at 80 columns)."""
    store, meeting_id, ids = running
    with store.write() as session:
        actions.add_action(session, ref="111026 Item 1", text="Speak to Cal's parents at home",
                           owner="PC Hale", owner_agency="POLICE", case_id=ids.due,
                           due_on=TODAY.replace(day=29))
    app = _app(store, cfg)

    async def run_before(pilot):
        await _runner(pilot.app, pilot, meeting_id, *RUNNER_VIEWS[view])
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)


async def test_the_chair_reorders_the_agenda_and_it_is_saved(running, cfg):
    store, meeting_id, ids = running
    before = _titles(store, meeting_id)
    app = _app(store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id)
        await pilot.press("g", "9", "enter")
        await settle(app, pilot)
        assert runner.item.case_id == ids.green and runner.item.number == 9
        for _ in range(4):
            await pilot.press("left_square_bracket")
            await settle(app, pilot)
        assert runner.item.case_id == ids.green and runner.item.number == 5
        assert "Closure JAG-25-0001" in str(runner.query_one("#agenda", OptionList).get_option_at_index(4).prompt)
    after = _titles(store, meeting_id)
    assert after[4] == (5, "closure")
    assert [kind for _, kind in after[5:9]] == [kind for _, kind in before[4:8]]


async def test_privacy_mode_masks_the_case_subject_on_the_runner(running, cfg):
    store, meeting_id, _ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n", "n", "n", "n")
        summary = str(runner.query_one("#item-info", Static).content)
        notes = str(runner.query_one("#notes", Static).content)
        assert "Bob Highrisk" in summary and "Bob Highrisk" in notes
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        summary = str(runner.query_one("#item-info", Static).content)
        notes = str(runner.query_one("#notes", Static).content)
        assert "Highrisk" not in summary and "Highrisk" not in notes
        assert "B.H." in summary and "B.H. reported" in notes


async def test_a_member_sees_the_meeting_but_cannot_record_in_it(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg, role="member")
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n", "n", "n", "n")
        await pilot.press("i", *"Late", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape", "a")
        await settle(app, pilot)
        assert app.screen is runner
        assert any("cannot chair meetings" in n.message for n in app._notifications)
    with store.read() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.high_risk)
        from jagtui.store import meetings

        assert len(meetings.notes(session, [item.id])[item.id]) == 2


async def test_escape_asks_before_leaving_the_running_meeting(running, cfg):
    from jagtui.screens.agenda_runner import LeaveMeeting

    store, meeting_id, _ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LeaveMeeting)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is runner
        # From the notes box the first Esc only goes back to the agenda.
        await pilot.press("i", "escape")
        await settle(app, pilot)
        assert app.screen is runner
        # Esc means "no, stay" in every confirmation; y leaves.
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert app.screen is runner
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert app.screen is not runner and not isinstance(app.screen, LeaveMeeting)
    with store.read() as session:
        assert [m.id for m in meeting_run.in_progress(session)] == [meeting_id]


async def test_a_hang_up_keeps_the_note_being_typed_in_the_meeting(running, cfg):
    import signal

    from jagtui.store import drafts
    from jagtui.store.meeting_view import note_draft_key

    store, meeting_id, _ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n")
        item = runner.item
        # Typed and cut off at once, well inside the one-second debounce.
        await pilot.press("i", *"Cut off mid-sentence")
        app.stop_on_signal(signal.SIGHUP)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGHUP
    with store.read() as session:
        assert drafts.load(session, note_draft_key(item)) == {"note_draft": "Cut off mid-sentence"}


async def test_notes_are_numbered_in_the_order_typed_and_drafts_kept(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n", "n", "n", "n", "n")
        assert runner.item.case_id == ids.red
        await pilot.press("i", *"First", "ctrl+s", *"Second", "ctrl+g", *"Unfinished")
        await settle(app, pilot)
        await pilot.press("escape", "b")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert runner.query_one("#note_draft").text == "Unfinished"
        notes = str(runner.query_one("#notes", Static).content)
        assert "(i) First" in notes and "AGREED 1. Second" in notes


async def test_the_plan_screen_enters_this_quarters_update(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        tree = screen.query_one("#plan", Tree)
        while tree.cursor_node is None or tree.cursor_node.data is None:
            await pilot.press("down")
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press(*"Two diversion projects funded")
        await pilot.press("shift+tab", "enter", "down", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        detail = str(screen.query_one("#plan-detail", Static).content)
        assert "2026/27 Q3 [on track]" in detail and "Two diversion projects funded" in detail
        assert "1 of 2 actions updated this quarter" in str(screen.query_one("#plan-status", Static).content)
        # Entered again, the quarter's update is replaced, not added.
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press("ctrl+u", *"Both projects running", "ctrl+s")
        await settle(app, pilot)
    with sqlite_store.read() as session:
        (line, *_rest) = plan.plan_lines(session)
    assert [(u.quarter, u.status, u.text) for u in line.updates] == [
        ("2026/27 Q3", "on track", "Both projects running")]


async def test_a_viewer_cannot_update_the_plan(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = _app(sqlite_store, cfg, role="viewer")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        tree = app.screen.query_one("#plan", Tree)
        while tree.cursor_node is None or tree.cursor_node.data is None:
            await pilot.press("down")
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        assert any("cannot make changes" in n.message for n in app._notifications)


async def test_the_agenda_opens_only_after_the_statement(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    with sqlite_store.write() as session:
        meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY,
                                  chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfidentialityScreen)
        statement = str(app.screen.query_one("#statement-text", Static).content)
        assert statement == cfg.partnership.confidentiality_statement
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MeetingsScreen)
        await pilot.press("o", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaRunnerScreen)
        # ? lists every key of the runner, including those not in the footer.
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True)
        console.print(app.screen.query_one("#help-body Static", Static).content)
        keys = console.export_text()
        for words in ("Jump to an item", "Move this item up", "Next item",
                      "Summary of what changed"):
            assert words in keys


async def test_the_start_form_keeps_who_is_here_as_a_draft(sqlite_store, cfg):
    seed(sqlite_store, cfg)

    async def open_form(app, pilot):
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot, rounds=3)
        return app.screen

    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(app, pilot)
        await pilot.press(*"dee", "enter")
        await settle(app, pilot)
        await pilot.press(*"pat", "ctrl+r")
        await settle(app, pilot)
        typed = form.roll
        # The app stops with the form open (a quit here; a hang-up saves the same way).
        await pilot.press("ctrl+q")
    # The next time the form opens, who was here comes back.
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(app, pilot)
        await settle(app, pilot, rounds=3)
        assert form.roll == typed and form.roll.chair == "Dee Housing"
        assert [a.name for a, kind in form.roll.people if kind == "apology"] == ["Pat Apology"]


async def test_case_quick_keys_record_under_the_item(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await _runner(app, pilot, meeting_id, "n", "n", "n", "n", "n", "n", "n")
        assert runner.item.case_id == ids.due
        await pilot.press("e")                      # intervention: the step the ladder suggests
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("r")                      # RAG: opens on amber, the rating now
        await settle(app, pilot)
        await pilot.press("r", "ctrl+s")            # RED chosen by its letter
        await settle(app, pilot)
        await pilot.press("s")                      # risk: refused, no victim on this case
        await settle(app, pilot)
        assert app.screen is runner
        await pilot.press("x", *"Resolved", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner
        notes = str(runner.query_one("#notes", Static).content)
    assert "(i) Intervention recorded: Community Protection Warning" in notes  # the ladder's next
    assert "AGREED 1. That the RAG rating be changed from amber to red." in notes
    assert "Risk reviewed" not in notes
    assert "AGREED 2. That the case be closed: Resolved" in notes
    with store.read() as session:
        case = cases.get_case(session, ids.due)
        assert (case.status, case.rag, case.closure_reason) == ("closed", "red", "Resolved")
        assert [i.step for i, _ in interventions.for_case(session, ids.due)] == ["ABC", "CPW"]
        assert risk.latest(session, ids.due) is None  # the questionnaire is a victim's


async def test_a_name_typed_and_entered_at_once_adds_that_person(sqlite_store, cfg):
    from jagtui.screens.forms.meeting_start import StartMeetingForm

    seed(sqlite_store, cfg)
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StartMeetingForm)
        # Enter in the same moment as the typing: the directory search has not answered yet
        # (on a slow link keys arrive together; Pilot waits between presses, so set it here).
        from textual.widgets import Input

        box = form.query_one("#people_search", Input)
        box.value = "Dee Hou"
        form.pick_from_directory("present")
        box.value = "Pat Apo"
        form.pick_from_directory("apology")
        await settle(app, pilot)
        assert any("Dee Housing" in name for name in form.shown_present)
        assert any("Pat Apology" in name for name in form.shown_apologies)

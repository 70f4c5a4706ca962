"""The actions screen, driven by keys only."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable, OptionList, Static

from jagtui.app import JagApp
from jagtui.store import actions, cases, meetings, people, users
from pilot_help import settle

TODAY = date(2026, 11, 22)


def seed(store):
    with store.write() as session:
        users.add_user(session, "s.officer", "Sam Officer", "CBC-ASB")
        person = people.add_person(session, "Ann Example", address="1 Larkspur Close")
        case = cases.open_case(session, case_type="victim", title="Ann Example household",
                               subgroup="JAG", lead_agency="POLICE", opened_on=TODAY - timedelta(60),
                               reference="JAG-26-0001")
        cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
        meeting = meetings.create_meeting(session, held_on=date(2026, 10, 15), subgroup="JAG")
        meetings.add_item(session, meeting.id, "minutes", "Minutes")
        meetings.add_item(session, meeting.id, "case", "Ann Example", case.id)
        meetings.create_meeting(session, held_on=date(2026, 11, 26), subgroup="JAG")
        late = actions.add_action(session, ref="151026 Item 2", text="Visit Ann Example at home",
                                  owner="PC Dana Whitlow", owner_agency="POLICE",
                                  due_on=TODAY - timedelta(7), case_id=case.id)
        later = actions.add_action(session, ref="151026 Item 2", text="Letter to the landlord",
                                   owner="Ann ASB", owner_agency="CBC-ASB", due_on=TODAY + timedelta(14))
    return case.id, late.id, later.id


async def open_screen(app, pilot):
    await pilot.press("4")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "ActionsScreen"


def column(app, key):
    table = app.screen.query_one("#actions", DataTable)
    return [str(table.get_cell(row, key)) for row in table.rows]


def status(app):
    return str(app.screen.query_one("#actions-status", Static).content)


async def test_add_an_action_then_update_and_complete_it(sqlite_store):
    case_id, _, _ = seed(sqlite_store)
    app = JagApp(sqlite_store, app_cfg(), today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_screen(app, pilot)
        assert column(app, "text") == ["Visit Ann Example at home", "Letter to the landlord"]
        assert column(app, "due") == ["15 Nov 2026!", "6 Dec 2026"]
        assert "2 open actions · 1 overdue" in status(app)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "ActionForm"
        # Outside a meeting: no item to default to (not the last meeting's last item).
        assert form.query_one("#ref").value == ""
        assert form.query_one("#due").value == "2026-11-26"  # the next meeting
        assert form.focused.id == "text"
        await pilot.press(*"Get CCTV", "tab", *"sam")
        await settle(app, pilot)
        choices = form.query_one("#owner-choices", OptionList)
        assert choices.display and choices.option_count == 1
        await pilot.press("enter")  # the one match: taken with its agency, on to the date
        await settle(app, pilot)
        assert form.query_one("#owner").value == "Sam Officer"
        assert form.query_one("#agency").value == "CBC-ASB"
        assert form.focused.id == "due"
        await pilot.press(*"+6w", "tab", *"jag-26-0001", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
        assert column(app, "text")[-1] == "Get CCTV"
        assert column(app, "due")[-1] == "3 Jan 2027"
        assert column(app, "case")[-1] == "JAG-26-0001"
        # Update it: it stays open, carried forward.
        await pilot.press("u")  # the new action is highlighted
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionUpdateForm"
        await pilot.press(*"Asked", "ctrl+s")
        await settle(app, pilot)
        assert column(app, "update")[-1] == "Asked"
        # Complete it with a closing update: it leaves the open list.
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("ctrl+s")  # a closing update is required
        await pilot.pause()
        assert "Say how it was completed" in str(app.screen.query_one("#update-msg").render())
        await pilot.press(*"Shared", "ctrl+s")
        await settle(app, pilot)
        assert "Get CCTV" not in column(app, "text")
        await pilot.press("t")
        await settle(app, pilot)
        assert "complete: Shared" in column(app, "update")
    with sqlite_store.read() as session:
        (row,) = actions.action_rows(session, status="complete")
        meeting = meetings.list_meetings(session)[1]
    assert (row.action.owner, row.action.owner_agency, row.action.case_id) == (
        "Sam Officer", "CBC-ASB", case_id)
    assert row.action.ref == "Outside meeting 221126"
    assert (row.action.meeting_id, row.action.item_id) == (None, None)
    assert meeting.held_on == date(2026, 10, 15)
    assert row.action.completed_on == TODAY


async def test_bad_input_is_explained_and_kept(sqlite_store):
    seed(sqlite_store)
    app = JagApp(sqlite_store, app_cfg(), today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"Do it", "tab", *"Someone", "tab", "tab", *"someday", "tab",
                          *"JAG-99-9999", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "Could not read 'someday' as a date" in str(form.query_one("#due-msg").render())
        assert "No open case JAG-99-9999" in str(form.query_one("#case-msg").render())
        assert form.query_one("#due").value == "someday"
        assert form.query_one("#text").value == "Do it"


async def test_reassign_with_a_version_clash_shows_both_values(sqlite_store):
    _, late_id, _ = seed(sqlite_store)
    app = JagApp(sqlite_store, app_cfg(), today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert type(form).__name__ == "ReassignForm"
        assert form.query_one("#owner").value == "PC Dana Whitlow"
        # Meanwhile someone at another terminal gives it to Kim.
        with sqlite_store.write() as session:
            actions.update_action(session, late_id, None, owner="Kim Other", owner_agency="YOS")
        await pilot.press(*"Lee Mine", "ctrl+s")
        await settle(app, pilot)
        # The clash panel over the form: both values, and who (tests/test_clash_*.py).
        assert type(app.screen).__name__ == "ClashScreen" and app.screen_stack[-2] is form
        rows = [(row.label, row.yours, row.theirs) for row in app.screen.rows]
        assert ("Owner", "Lee Mine", "Kim Other") in rows
        assert ("Agency", "Leicestershire Police", "Youth Offending Service") in rows
        # Seen both: m keeps mine, saved over theirs.
        await pilot.press("m")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
        assert column(app, "owner")[0] == "Lee Mine (POLICE)"


async def test_search_sort_open_case_and_privacy(sqlite_store):
    case_id, _, _ = seed(sqlite_store)
    app = JagApp(sqlite_store, app_cfg(), today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("slash", *"landlord")
        await settle(app, pilot)
        assert column(app, "text") == ["Letter to the landlord"]
        await pilot.press("enter")  # leaves the search box for the table
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert any("not linked to a case" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(column(app, "text")) == 2
        await pilot.press("s")  # by owner
        assert column(app, "owner") == ["Ann ASB (CBC-ASB)", "PC Dana Whitlow (POLICE)"]
        assert "sorted by owner" in status(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert column(app, "owner") == ["A.A. (CBC-ASB)", "P.W. (POLICE)"]
        assert column(app, "text")[1] == "Visit A.E. at home"
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CaseScreen" and app.screen.case_id == case_id


def app_cfg():
    from jagtui.config import DEFAULTS_PATH, load_config

    return load_config(DEFAULTS_PATH)

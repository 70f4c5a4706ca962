"""Every form's "Not saved" line goes once the user edits after the refusal (it was
done only in the referral form): a field put right names the next thing still wrong,
or clears the line; a store's refusal, naming no field, clears on the next edit.
Keys through Pilot at 80x24, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from jagtui.screens.follow import SendToChair
from jagtui.screens.forms.incident_form import IncidentForm
from jagtui.store import meetings

from case_data import TODAY, seed
from test_case_view import make_app, open_first_case, plain, settle


def status(form) -> str:
    return plain(form.query_one("#form-status", Static))


async def test_the_incident_forms_line_follows_what_is_put_right(store, cfg):
    seed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("i", "a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, IncidentForm)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert status(form) == "Not saved: Choose a category"
        assert form.focused.id == "category"
        # A category typed on the list: the line names what is still missing instead.
        await pilot.press(cfg.categories[0].name[0])
        await settle(app, pilot)
        assert status(form).startswith("Not saved: Type the source's reference")
        form.query_one("#source_ref").focus()
        await pilot.press(*"STORM-1")
        await settle(app, pilot)
        assert status(form) == ""  # nothing wrong: no stale red line


async def test_a_refused_save_clears_on_the_next_edit(store, cfg):
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY + timedelta(days=7),
                                          subgroup="JAG", chair="Chair Person")
        item = meetings.add_item(session, meeting.id, "review", "Larkspur Close")
        meeting_id, item_id = meeting.id, item.id
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = SendToChair(meeting_id, item_id, "Larkspur Close", "update")
        app.push_screen(form)
        await settle(app, pilot)
        await pilot.press(*"Police visited twice", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # the meeting is not running: the store refuses
        assert status(form) == "Not saved: The meeting is not running: nothing can be sent to the chair"
        await pilot.press(*" this week")
        await settle(app, pilot)
        assert status(form) == ""

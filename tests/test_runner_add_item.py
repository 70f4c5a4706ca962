"""Runner ``+`` at 80x24 by keys, on SQLite and PostgreSQL: a title too long for the
store is said in the dialog, which stays open with the text; shortened, it is added."""

from __future__ import annotations

from textual import events

from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.runner_partners import AddItemForm
from jagtui.store import agenda
from pilot_help import settle
from test_follow import _app, running  # noqa: F401


async def test_a_pasted_title_too_long_keeps_the_dialog_open_with_it(running, cfg):
    store, meeting_id, high, index = running
    with store.read() as session:
        before = [i.title for i in agenda.items(session, meeting_id)]
    chair = _app(store, cfg, "chair1", "chair")
    pasted = ("Summer fair patrols Zoë O'Brien-Łukasz [bold]x[/] ") * 12
    pasted = pasted[:414]
    assert len(pasted.strip()) == 414
    async with chair.run_test(size=(80, 24)) as cp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        await cp.press("plus")
        await settle(chair, cp)
        form = chair.screen
        assert isinstance(form, AddItemForm)
        box = form.query_one("#item_title")
        box.post_message(events.Paste(pasted))
        await settle(chair, cp)
        said = form.query_one("#item_msg").render().plain
        assert "Too long: 414 characters, at most 200" in said, said
        await cp.press("enter")
        await settle(chair, cp)
        # Still open, every character kept, and it says what is wrong.
        assert chair.screen is form
        assert box.value.strip() == pasted.strip()
        assert "Too long: 414 characters, at most 200" in form.query_one("#item_msg").render().plain
        with store.read() as session:
            assert [i.title for i in agenda.items(session, meeting_id)] == before
        # Shortened by keys (ctrl+u clears to the start of the box), it is added.
        await cp.press("end", "ctrl+u", *"Summer fair patrols")
        await settle(chair, cp)
        assert form.query_one("#item_msg").render().plain.startswith("Enter or ctrl+s adds")
        await cp.press("enter")
        await settle(chair, cp)
        assert isinstance(chair.screen, AgendaRunnerScreen)
    with store.read() as session:
        titles = [i.title for i in agenda.items(session, meeting_id)]
    assert len(titles) == len(before) + 1 and "Summer fair patrols" in titles


async def test_an_item_the_store_refuses_reopens_the_dialog_with_its_title(running, cfg):
    from jagtui.store import meeting_run

    store, meeting_id, high, index = running
    chair = _app(store, cfg, "chair1", "chair")
    async with chair.run_test(size=(80, 24)) as cp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        await cp.press("plus")
        await settle(chair, cp)
        await cp.press(*"Summer fair patrols")
        # Meanwhile the meeting is ended elsewhere: the store refuses the item.
        with store.write() as session:
            meeting_run.end_meeting(session, cfg, meeting_id)
        await cp.press("enter")
        await settle(chair, cp)
        form = chair.screen
        assert isinstance(form, AddItemForm)
        assert form.query_one("#item_title").value == "Summer fair patrols"
        assert "Not added" in form.query_one("#item_msg").render().plain
    with store.read() as session:
        assert "Summer fair patrols" not in [i.title for i in agenda.items(session, meeting_id)]

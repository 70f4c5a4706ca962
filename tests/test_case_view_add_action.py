"""a on the case view's Actions tab adds an action on that case (it was dimmed and did
nothing, though the footer offered it): the add form opens with the case filled in and
the action is saved on it; Esc keeps nothing."""

from __future__ import annotations

from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.screens.case_view import CaseScreen
from jagtui.screens.forms.action import ActionForm
from jagtui.store.cases import get_case
from jagtui.store.models import Action

from case_data import TODAY, seed
from pilot_help import settle


async def test_a_on_the_actions_tab_adds_an_action_on_the_case(store, cfg):
    ids = seed(store, cfg)
    with store.read() as session:
        reference = get_case(session, ids.case_id).reference
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("/")
        await pilot.press(*reference, "enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.file.case.id == ids.case_id
        await pilot.press("t", "a")
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.query_one("#case").value == reference
        await pilot.press(*"Visit O'Brien-Nguyễn [b]now[/b]")
        await pilot.press("tab", *"PC Hale", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    with store.read() as session:
        added = session.scalars(select(Action).where(Action.owner == "PC Hale")).all()
    assert [(a.text, a.case_id, a.meeting_id) for a in added] == [
        ("Visit O'Brien-Nguyễn [b]now[/b]", ids.case_id, None)]
    assert added[0].ref == f"Outside meeting {TODAY:%d%m%y}"

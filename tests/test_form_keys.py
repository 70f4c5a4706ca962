"""Forms driven by keys as a chair would (issue 11, defect 9): a refused save puts the
cursor where the missing text goes, a list field takes letters, and focus can be seen
on a projector in 256 colours."""

from __future__ import annotations

from rich.color import ColorSystem
from textual.widgets import Input, Select, Tree

from jagtui.app import JagApp
from jagtui.screens.forms.action import ActionForm
from jagtui.screens.forms.plan_update import PlanUpdateForm
from jagtui.store import actions, plan

from meeting_data import TODAY, seed
from pilot_help import settle


def _app(store, cfg):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_a_refused_save_puts_the_cursor_in_the_first_field_in_error(store, cfg):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        order = [w.id for w in form.inputs()]
        answers = {"ref": "221126 Item 1", "text": "Repair the gate", "owner": "Dee Housing"}
        for _ in answers:
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            wrong = form.problems()
            first = next(i for i in order if i in wrong)
            # Reading order, top to bottom: what is typed next goes where it is missing.
            assert form.focused is not None and form.focused.id == first
            await pilot.press("ctrl+u", *answers[first])
            await settle(app, pilot)
            if not form.problems():
                break
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ActionForm)
    with store.read() as session:
        rows = [r for r in actions.action_rows(session) if r.action.text == "Repair the gate"]
    assert [r.action.owner for r in rows] == ["Dee Housing"]


async def _plan_form(app, pilot) -> PlanUpdateForm:
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    tree = app.screen.query_one("#plan", Tree)
    while tree.cursor_node is None or tree.cursor_node.data is None:
        await pilot.press("down")
    await pilot.press("u")
    await settle(app, pilot)
    assert isinstance(app.screen, PlanUpdateForm)
    return app.screen


async def test_letters_on_a_list_field_choose_or_say_it_is_a_list(store, cfg):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _plan_form(app, pilot)
        status = form.query_one("#status", Select)
        await pilot.press("shift+tab")
        assert form.focused is status
        # Typing text on the list is not lost silently: the line under it says so.
        await pilot.press(*"Two")
        await settle(app, pilot)
        message = str(form.query_one("#status-msg").content)
        assert "list" in message and form.query_one("#status-msg").has_class("error")
        assert status.value == "not started"
        # Letters choose: "at" is At risk, "on" On track.
        await pilot.pause(1.1)
        await pilot.press("a", "t")
        assert status.value == "at risk"
        await pilot.pause(1.1)
        await pilot.press(*"off track")
        assert status.value == "off track" and not status.expanded
        await pilot.pause(1.1)
        await pilot.press("o", "n")
        assert status.value == "on track"
        await pilot.press("tab", *"Projects funded", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, PlanUpdateForm)
    with store.read() as session:
        (line, *_rest) = plan.plan_lines(session)
    assert [(u.status, u.text) for u in line.updates] == [("on track", "Projects funded")]


def _rgb(color) -> tuple[int, int, int]:
    """A Rich colour as the 256-colour terminal shows it."""
    triplet = color.downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def _seen(widget) -> tuple[int, int, int]:
    """The background a widget draws (tints included), as a 256-colour terminal shows it."""
    return _rgb(widget.rich_style.bgcolor)


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


async def test_focus_is_obvious_in_256_colours(store, cfg):
    """Each kind of field, focused, looks clearly unlike itself unfocused on a
    256-colour terminal (SSH without COLORTERM): not one grey step (235 vs 234)."""
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _plan_form(app, pilot)
        for widget in (form.query_one("#status", Select), form.query_one("#progress", Input)):
            target = widget.query_one("SelectCurrent") if isinstance(widget, Select) else widget
            form.set_focus(None)
            await settle(app, pilot)
            before = _seen(target)
            widget.focus()
            await settle(app, pilot)
            after = _seen(target)
            assert _distance(before, after) > 60, (widget.id, before, after)


async def test_letters_typed_in_a_burst_after_tab_go_to_the_next_field(store, cfg):
    """Over SSH a quick typist's keys arrive together: 'x', Tab, 'y' put 'y' in the field
    after, as typed slowly would (Tab acts as the app reads it, not after bubbling)."""
    from textual import events

    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm) and form.focused.id == "text"
        after = form.focus_chain[form.focus_chain.index(form.focused) + 1].id
        # All in the app's queue before any is handled, as a terminal delivers a burst.
        for key, char in (("r", "r"), ("x", "x"), ("tab", "\t"), ("y", "y"), ("z", "z")):
            app.post_message(events.Key(key, char))
        await settle(app, pilot)
        values = {w.id: w.value for w in form.query(Input) if w.id}
        assert values["text"] == "rx"
        assert values[after] == "yz"

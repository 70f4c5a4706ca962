"""The palette finds the chair's tasks by name, ? lists the screen's own keys first,
and Esc means "no, stay" in every confirmation (issue 11, defect 13)."""

from __future__ import annotations

import importlib
import pkgutil

from rich.console import Console
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

import jagtui.screens
from jagtui.app import JagApp
from jagtui.screens.case_list import CaseListScreen
from jagtui.screens.forms.action import ActionForm
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.help import HelpScreen
from jagtui.store import actions

from meeting_data import TODAY, seed
from pilot_help import settle


def _app(store, cfg):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def _found(app, pilot, words: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*words)
    for _ in range(20):  # the palette searches in the background
        await pilot.pause(0.05)
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(n).prompt) for n in range(found.option_count)]


async def test_the_palette_finds_the_tasks_and_runs_them(store, cfg):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for words, expected in (("start meeting", "Start meeting"), ("export", "Export minutes"),
                                ("new case", "New case"), ("meeting", "Meeting")):
            prompts = await _found(app, pilot, words)
            assert any(expected in prompt for prompt in prompts), (words, prompts)
            await pilot.press("escape")
            await settle(app, pilot)
        # A task runs on its own screen: "new action" from the case list.
        assert isinstance(app.screen, CaseListScreen)
        prompts = await _found(app, pilot, "new action")
        assert "New action" in prompts[0], prompts
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert isinstance(app.screen, ActionForm) and app.current_mode == "actions"
        await pilot.press("ctrl+u", *"Fix the gate", "tab", *"Dee Housing")
        form = app.screen
        for field_id, text in (("ref", "221126 Item 1"),):
            if field_id in form.problems():
                form.query_one(f"#{field_id}").focus()
                await pilot.press(*text)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ActionForm)
    with store.read() as session:
        assert [r.action.owner for r in actions.action_rows(session)
                if r.action.text == "Fix the gate"] == ["Dee Housing"]


async def test_help_lists_the_screens_own_keys_first(store, cfg):
    seed(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.query_one("#help-body Static", Static).content)
        listed = console.export_text()
    first_own = listed.find("Open a new case")
    assert 0 <= first_own
    for generic in ("Copy", "Next field", "Cursor up", "Quit"):
        assert first_own < listed.find(generic), generic
    assert listed.find("Cases") < listed.find("In the list") < listed.find("Everywhere") \
        < listed.find("Also")


def test_escape_says_no_in_every_confirmation():
    for module in pkgutil.walk_packages(jagtui.screens.__path__, "jagtui.screens."):
        importlib.import_module(module.name)

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    for dialog in (ConfirmScreen, *all_subclasses(ConfirmScreen)):
        bindings = dialog._merged_bindings.key_to_bindings
        assert [b.action for b in bindings["escape"]] == ["answer(False)"], dialog
        assert [b.action for b in bindings["y"]] == ["answer(True)"], dialog
        # Enter is never a yes: it would discard typing meant for the form underneath.
        assert "answer(True)" not in [b.action for b in bindings.get("enter", [])], dialog

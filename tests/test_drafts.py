"""Drafts: typing is saved as it happens, comes back when the form reopens,
and goes when the form is saved or cancelled. Live refresh of other users' changes."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, TextArea

from jagtui.app import JagApp
from jagtui.screens import drafts as draft_mod
from jagtui.screens.lifecycle import DataChanged
from jagtui.store import cases
from jagtui.store import drafts as stored

TODAY = date(2026, 11, 22)


class NoteForm(ModalScreen[None]):
    """A form as the real ones are built: stable ids and a draft key."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, key: str = "test:note", title: str = "") -> None:
        super().__init__()
        self.draft_key = key
        self.initial_title = title

    def compose(self) -> ComposeResult:
        yield Input(self.initial_title, id="title")
        yield TextArea(id="body")
        yield Checkbox("Urgent", id="urgent")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss(None)


def _draft(store, key="test:note"):
    with store.read() as session:
        return stored.load(session, key)


async def _settle(app, pilot, seconds: float = 0.0):
    if seconds:
        await asyncio.sleep(seconds)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _app(store, cfg):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_typing_is_saved_after_a_pause_and_discarded_on_cancel(sqlite_store, cfg):
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm())
        await _settle(app, pilot)
        await pilot.press(*"Broken window")
        # Still typing (no pause yet): nothing is queued for the database.
        app._drafts_look()
        app._drafts_look()
        assert not app._draft_writer.pending
        await _settle(app, pilot, draft_mod.DEBOUNCE + 0.5)
        assert _draft(sqlite_store)["title"] == "Broken window"
        app.screen.query_one("#body", TextArea).focus()
        await pilot.press(*"One", "enter", *"Two")
        await _settle(app, pilot, draft_mod.DEBOUNCE + 0.5)
        saved = _draft(sqlite_store)
        assert saved["body"] == "One\nTwo"
        assert saved["urgent"] is False
        await pilot.press("escape")
        await _settle(app, pilot)
        assert _draft(sqlite_store) is None


async def test_a_draft_comes_back_when_the_form_reopens(sqlite_store, cfg):
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm())
        await _settle(app, pilot)
        await pilot.press(*"Half a sentence")
        # Quit at once, before the debounce: quitting saves what is typed.
        app.exit()
    assert _draft(sqlite_store)["title"] == "Half a sentence"

    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm())
        await _settle(app, pilot, 0.1)
        assert app.screen.query_one("#title", Input).value == "Half a sentence"
        assert any("Restored what you were typing" in n.message for n in app._notifications)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
    assert _draft(sqlite_store) is None


async def test_typing_back_to_the_start_removes_the_draft(sqlite_store, cfg):
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm(title="Kept"))
        await _settle(app, pilot)
        await pilot.press("end", "x")
        await _settle(app, pilot, draft_mod.DEBOUNCE + 0.5)
        assert _draft(sqlite_store)["title"] == "Keptx"
        await pilot.press("backspace")
        await _settle(app, pilot, draft_mod.DEBOUNCE + 0.5)
        assert _draft(sqlite_store) is None
        # A form that never had anything typed leaves no draft behind.
        await pilot.press("escape")
        await _settle(app, pilot)
        await app.push_screen(NoteForm(key="test:other", title="Untouched"))
        await _settle(app, pilot, draft_mod.DEBOUNCE + 0.5)
        app.exit()
    assert _draft(sqlite_store, "test:other") is None


async def test_drafts_are_per_login(sqlite_store, cfg):
    from jagtui.store.db import Store

    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm())
        await _settle(app, pilot)
        await pilot.press(*"mine")
        app.exit()
    other = Store(sqlite_store.engine, "someone-else")
    assert _draft(other) is None
    assert _draft(sqlite_store)["title"] == "mine"


async def test_a_hang_up_saves_what_is_typed_and_exits(sqlite_store, cfg):
    app = _app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(NoteForm())
        await _settle(app, pilot)
        await pilot.press(*"typed, then cut off")
        app.stop_on_signal(signal.SIGHUP)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGHUP
    assert _draft(sqlite_store)["title"] == "typed, then cut off"


async def test_lists_reload_when_someone_else_changes_the_data(sqlite_store, cfg):
    from jagtui.store.db import Store

    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0.2
    seen: list[int] = []
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot, 0.3)
        screen = app.screen
        original = screen.on_data_changed if hasattr(screen, "on_data_changed") else None
        assert app.screen.query_one(DataTable).row_count == 0
        other = Store(sqlite_store.engine, "colleague")
        with other.write() as session:
            cases.open_case(session, case_type="location", title="Riverside Park", subgroup="JAG",
                            lead_agency="POLICE", opened_on=TODAY)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and screen.query_one(DataTable).row_count == 0:
            await _settle(app, pilot, 0.2)
        assert screen.query_one(DataTable).row_count == 1
        assert original is not None, "the case list handles DataChanged"
        # Messages carry the new marker.
        app.screen.post_message(DataChanged(0))
        seen.append(app._last_change)
    assert seen[0] > 0

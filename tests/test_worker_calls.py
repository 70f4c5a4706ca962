"""The one guard for results handed from another thread to a screen that may have
closed (``screens.worker_calls``), used by the follow view and the runner's inbox:
delivered while the screen is open, dropped (no RuntimeError, no NoMatches) after
the screen or the app closed."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from jagtui.screens.worker_calls import call_from_worker, still_shown
from pilot_help import settle


class Shown(Screen):
    def compose(self):
        yield Static("", id="line")


async def from_a_thread(*args) -> list[BaseException]:
    """``call_from_worker(*args)`` in a thread, the event loop left free to answer it."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call_from_worker(*args)
        except BaseException as error:  # noqa: BLE001 - the test reports it
            raised.append(error)

    await asyncio.wait_for(asyncio.to_thread(run), 30)
    return raised


async def test_delivered_while_open_dropped_once_closed():
    app = App()
    got: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = Shown()
        app.push_screen(screen)
        await settle(app, pilot)
        assert still_shown(screen, "#line")
        assert await from_a_thread(app, got.append, "while open") == []
        await settle(app, pilot)
        assert got == ["while open"]
        app.pop_screen()
        await settle(app, pilot)
        assert not still_shown(screen, "#line")  # the screen's callback would return early
    # An app with no event loop (stopped, or never run): App.call_from_thread raises
    # RuntimeError ("App is not running"); the helper drops the call.
    assert await from_a_thread(App(), got.append, "no app running") == []
    assert got == ["while open"]

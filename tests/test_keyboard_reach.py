"""No screen needs the mouse: every top-level screen's key, and every key its Footer
shows, reaches its target.

Iterates ``NAV``, so a screen added by anyone is covered without touching this
test. "Reaches its target" means the key ran its binding's action (the screen or
mode changed, a modal opened, or the action ran) and nothing broke: no
exception, no error notification.
"""

from __future__ import annotations

from datetime import date

import pytest

from jagtui.app import JagApp
from jagtui.screens.nav import NAV
from pilot_help import settle

TODAY = date(2026, 11, 22)
# Keys whose target is leaving the app.
LEAVES = {"quit", "app.quit"}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, cfg):
    from jagtui.demo import build_demo
    from jagtui.store.db import create_store

    store = create_store(f"sqlite:///{tmp_path_factory.mktemp('reach') / 'demo.db'}", "tester")
    build_demo(store, cfg, TODAY)
    yield store
    store.dispose()


def footer_keys(screen) -> list[tuple[str, str]]:
    """(key, action) of every enabled binding the Footer shows for this screen."""
    return [(key, active.binding.action) for key, active in screen.active_bindings.items()
            if active.binding.show and active.enabled and active.binding.action not in LEAVES]


def action_name(action: str) -> str:
    from textual.actions import parse

    return parse(action)[1]


def record_actions(app) -> list[str]:
    """Every action the app dispatches from now on, by name, in order."""
    ran: list[str] = []
    dispatch = app._dispatch_action

    async def recording(namespace, name, params):
        handled = await dispatch(namespace, name, params)
        if handled:
            ran.append(name)
        return handled

    app._dispatch_action = recording
    return ran


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def back_to(app, pilot, mode: str, screen) -> None:
    """Close whatever the key opened (Escape answers no / cancels), then return."""
    for _ in range(6):
        if app.current_mode == mode and app.screen is screen:
            break
        if app.current_mode != mode:
            app.switch_mode(mode)
        else:
            await pilot.press("escape")
        await settle(app, pilot)
    assert app.screen is screen, f"could not get back to {type(screen).__name__} with Escape"


@pytest.mark.parametrize("entry", NAV, ids=[entry.name for entry in NAV])
async def test_the_nav_key_and_every_footer_key_reach_their_targets(demo_store, cfg, entry):
    app = JagApp(demo_store, cfg, today=lambda: TODAY)
    ran = record_actions(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        ran.clear()
        await pilot.press(entry.key)
        await settle(app, pilot)
        assert ran[:1] == ["open"], f"key {entry.key} did not run open({entry.name!r})"
        assert app.current_mode == entry.name, f"key {entry.key} did not open {entry.title}"
        screen = app.screen
        assert type(screen).__name__ == entry.target.split(":")[1]
        home = app.focused
        keys = footer_keys(screen)
        assert keys, f"{entry.title} shows no keys in its Footer"
        for key, action in keys:
            private = app.private
            ran.clear()
            await pilot.press(key)
            await settle(app, pilot)
            assert app._exception is None, f"{entry.title}: {key} ({action}) raised"
            assert not errors(app), f"{entry.title}: {key} ({action}): {errors(app)}"
            assert action_name(action) in ran, f"{entry.title}: {key} did not run {action}"
            await back_to(app, pilot, entry.name, screen)
            if app.private != private:
                await pilot.press("ctrl+t")
                await settle(app, pilot)
            app.clear_notifications()
            if app.focused is not home:
                # A key may leave focus in a box (e.g. search): Escape gives it back.
                await pilot.press("escape")
                await settle(app, pilot)
                assert app.screen is screen
                if app.focused is not home:
                    home.focus()
                    await pilot.pause()


async def test_every_screen_is_in_the_command_palette(demo_store, cfg):
    app = JagApp(demo_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    for entry in NAV:
        assert f"Go to {entry.title} ({entry.key})" in titles

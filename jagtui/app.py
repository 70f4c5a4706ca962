"""The Textual application: screens, global keys and the command palette."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from jagtui.config import Config
from jagtui.store.db import Store


class JagApp(App):
    """jagtui. ``today`` is injectable so tests and snapshots see a fixed date."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("ctrl+t", "privacy", "Privacy", id="privacy",
                tooltip="Shared-screen privacy: names become initials, addresses localities"),
    ]

    private: reactive[bool] = reactive(False)

    def __init__(self, store: Store, cfg: Config, today: Callable[[], date] = date.today):
        super().__init__()
        self.store = store
        self.cfg = cfg
        self.today = today
        self.title = cfg.partnership.short_name
        self.sub_title = cfg.partnership.group

    def on_mount(self) -> None:
        from jagtui.screens.case_list import CaseListScreen

        self.push_screen(CaseListScreen())

    def action_help(self) -> None:
        from jagtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_privacy(self) -> None:
        self.private = not self.private
        self.notify("Privacy mode on: names shown as initials" if self.private
                    else "Privacy mode off", timeout=3)

    def watch_private(self, private: bool) -> None:
        self.sub_title = f"{self.cfg.partnership.group}{'  [PRIVACY]' if private else ''}"
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_privacy"):
                screen.refresh_privacy()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys for this screen", "Every key of the current screen",
                            self.action_help)
        yield SystemCommand("Privacy mode", "Toggle initials-only display for a shared screen",
                            self.action_privacy)

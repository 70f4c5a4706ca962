"""The Textual application: top-level screens, global keys and the command palette."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from jagtui import access, refusals
from jagtui.config import Config
from jagtui.screens.drafts import DraftKeeping
from jagtui.screens.failsafe import Failsafe
from jagtui.screens.lifecycle import Lifecycle
from jagtui.screens.nav import NAV
from jagtui.screens.palette import Task, binding_commands, task_commands
from jagtui.screens.pasting import PasteSafeDriver, neutralise
from jagtui.screens.screenshot import Screenshots
from jagtui.screens.terminal_safe import TerminalSafe
from jagtui.store.db import Store


class JagApp(TerminalSafe, Screenshots, Failsafe, Lifecycle, DraftKeeping, App):
    """jagtui.

    ``role`` decides what the user may do (``jagtui.access``); ``today`` is
    injectable so tests and snapshots see a fixed date.
    """

    # Absolute: subclasses live elsewhere. With the app's own, the styles of the screens
    # opened from the case list and of the admin screens (retention, audit, case reviews):
    # a screen's stylesheet read at its first open made Textual parse every stylesheet
    # again and restyle every widget open (~40-80 ms of each).
    CSS_PATH = [Path(__file__).with_name("app.tcss"),
                *(Path(__file__).parent / "screens" / name for name in (
                    "flags.tcss", "escalation.tcss", "actions.tcss", "case_view.tcss",
                    "retention.tcss", "audit.tcss", "case_reviews.tcss"))]
    MODES = {entry.name: entry.factory for entry in NAV}
    DEFAULT_MODE = "cases"
    BINDINGS = [
        *(Binding(entry.key, f"open('{entry.name}')", entry.title, id=f"nav-{entry.name}",
                  tooltip=entry.help, show=False) for entry in NAV),
        Binding("question_mark", "help", "Help", key_display="?", id="help",
                tooltip="Every key of this screen"),
        # Priority: the room may change while a form is open, and no text box uses ctrl+t.
        Binding("ctrl+t", "privacy", "Privacy", id="privacy", priority=True,
                tooltip="Shared-screen privacy: names become initials, addresses localities"),
        # Priority: Tab moves the cursor as the app reads the key, so letters typed right
        # after it (a burst over SSH) go to the next field, not the one just left; as an
        # ordinary binding it acts only once the key has bubbled up from the old field.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    private: reactive[bool] = reactive(False)

    def __init__(self, store: Store, cfg: Config, *, role: str = "admin", user_name: str = "",
                 today: Callable[[], date] = date.today):
        super().__init__()
        self.store = store
        self.cfg = cfg
        self.role = role
        self.user_name = user_name or store.login
        self.today = today
        self.title = cfg.partnership.short_name
        self.sub_title = cfg.partnership.group
        if not access.can(role, "see_names"):
            self.set_reactive(JagApp.private, True)

    def get_driver_class(self) -> type[Driver]:
        # A paste holding escape codes must arrive as one paste, in order (pasting.py).
        driver = super().get_driver_class()
        return PasteSafeDriver if driver is LinuxDriver else driver

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = neutralise(event.text)  # shown and stored as ␛[31m, never obeyed
        await super().on_event(event)

    def can(self, permission: str) -> bool:
        return access.can(self.role, permission)

    def allowed(self, permission: str) -> bool:
        """``can``, telling the user why not when the answer is no, and auditing it."""
        if self.can(permission):
            return True
        try:
            access.require(self.role, permission)
        except access.Denied as denied:
            self.notify(str(denied), severity="warning")
        # Written in a thread: a busy database must not hold the key up.
        doing = f"{access.DOES[permission]} ({type(self.screen).__name__})"
        self.run_worker(partial(refusals.record_now, self.store, role=self.role,
                                permission=permission, doing=doing),
                        thread=True, group="refusals", exit_on_error=False)
        return False

    def action_open(self, name: str) -> None:
        entry = next(entry for entry in NAV if entry.name == name)
        if self.allowed(entry.permission):
            self.switch_mode(name)

    def action_help(self) -> None:
        from jagtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def run_task(self, task: Task) -> None:
        """A palette task: to its screen, then its action there, or how to do it."""
        entry = next(entry for entry in NAV if entry.name == task.mode)
        if not self.allowed(entry.permission):
            return
        if self.current_mode != task.mode:
            await self.switch_mode(task.mode)
        name = task.action.partition("(")[0]
        if callable(getattr(self.screen, f"action_{name}", None)):
            await self.screen.run_action(task.action)
        elif task.guide:
            self.notify(task.guide, title=task.title, timeout=10)

    def action_privacy(self) -> None:
        if self.private and not self.can("see_names"):
            self.notify("Your role sees initials only", severity="warning")
            return
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
        for entry in NAV:
            if self.can(entry.permission):
                yield SystemCommand(f"Go to {entry.title} ({entry.key})", entry.help,
                                    partial(self.action_open, entry.name))
        # The current screen's own commands first-hand, then the tasks by name.
        palette_commands = getattr(screen, "palette_commands", None)
        yield from palette_commands() if palette_commands is not None else binding_commands(screen)
        yield from task_commands(self, self.run_task)
        yield SystemCommand("Help: keys for this screen (?)", "Every key of the current screen",
                            self.action_help)
        yield SystemCommand("Privacy mode (ctrl+t)", "Initials only, for a shared screen",
                            self.action_privacy)

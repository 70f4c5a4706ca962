"""The palette's Screenshot: for roles that may export, into the exports folder, audited.

Textual's own Screenshot wrote an SVG of the screen (names, addresses, whatever was
shown) to ~/Downloads, for every role, unaudited. Here it is an export like any
other: offered only to a role with ``export``, written 0600 into the exports folder
and recorded in the audit trail (with the screen and whether privacy mode was on).
Every other way into Textual's screenshot (its action, ``TEXTUAL_SCREENSHOT``)
comes here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual import work
from textual.app import SystemCommand
from textual.screen import Screen

from jagtui.export.paths import owner_key, save_exports, slug
from jagtui.store.errors import StoreError

SCREENSHOT = "Screenshot"


class Screenshots:
    """App mixin (``JagApp``): the screenshot as an audited, owner-only export."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != SCREENSHOT:
                yield command
            elif self.can("export"):
                # After a moment: the palette closes first, so it is not in the picture.
                yield SystemCommand(SCREENSHOT, "Save this screen as an SVG in the exports "
                                    "folder (owner-only, recorded in the audit trail)",
                                    lambda: self.set_timer(0.1, self.take_screenshot))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.take_screenshot()

    def deliver_screenshot(self, filename=None, path=None, time_format=None) -> str | None:
        self.take_screenshot()
        return None

    def save_screenshot(self, filename=None, path=None, time_format=None) -> str:
        self.take_screenshot()
        return ""

    def take_screenshot(self) -> None:
        if not self.allowed("export"):
            return
        screen = type(self.screen).__name__
        self._save_screenshot(self.export_screenshot(), screen, bool(self.private))

    @work(thread=True, group="screenshot", exit_on_error=False)
    def _save_screenshot(self, svg: str, screen: str, private: bool) -> None:
        base = f"screenshot-{slug(screen)}-{datetime.now():%Y-%m-%d-%H%M%S}"
        try:
            paths = save_exports(self.store, self.cfg, base=base,
                                 owner=owner_key(self.store, "screenshot"),
                                 files={"svg": svg.encode("utf-8")}, what="screenshot",
                                 screen=screen, privacy_mode=private)
        except StoreError as error:
            self.call_from_thread(self.notify, f"Screenshot not saved: {error}",
                                  severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"Screenshot saved to {paths[0]}", title=SCREENSHOT,
                              timeout=8, markup=False)

"""The app on a shared server: hang-ups, other users' changes, start-up warnings.

``Lifecycle`` is a mixin of ``JagApp``:

- SIGHUP (the SSH connection or terminal went away) and SIGTERM (shutdown, an
  administrator) save what every open form holds (``flush_drafts``) and exit
  cleanly, restoring the terminal. Textual installs no handler for either.
  A watchdog ends the process after ``EXIT_DEADLINE`` seconds whatever happens,
  so a hung session never outlives its connection. SIGKILL cannot be caught:
  edits are committed as they are made and drafts saved as they are typed, so
  there is nothing left to save by then.
- Every ``CHANGE_POLL_SECONDS`` a worker asks the store for the newest change
  (``store.changes.latest_change``); when it moved on, each screen of the
  current stack gets a :class:`DataChanged` message, and list screens reload.
- Warnings found before start (``jagtui.files``) are shown as notifications.
- Cursors do not blink (see ``on_descendant_focus``): an idle session sends nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading

from textual import work
from textual.message import Message

from jagtui.store.changes import latest_change

EXIT_DEADLINE = 4.0
CHANGE_POLL_SECONDS = 3.0
HANDLED_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class DataChanged(Message, bubble=False):
    """Someone (maybe this user, maybe another) changed data: lists should reload."""

    def __init__(self, marker: int) -> None:
        super().__init__()
        self.marker = marker


class Lifecycle:
    """App mixin: clean exit on hang-up, live refresh, start-up warnings."""

    startup_warnings: tuple[str, ...] | list[str] = ()
    startup_notices: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()  # (title, words)
    change_poll_seconds: float = CHANGE_POLL_SECONDS
    _last_change: int | None = None
    _stopping_on: int | None = None

    def on_mount(self) -> None:
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in HANDLED_SIGNALS:
                loop.add_signal_handler(signum, self.stop_on_signal, signum)
        for warning in self.startup_warnings:
            self.notify(warning, title="Check file permissions", severity="warning", timeout=15)
        for title, notice in self.startup_notices:
            self.notify(notice, title=title, severity="warning", timeout=20, markup=False)
        if self.change_poll_seconds:
            self.set_interval(self.change_poll_seconds, self.check_for_changes)
            self.check_for_changes()

    def on_descendant_focus(self, event) -> None:
        # A blinking cursor redraws twice a second for ever, so an idle session is
        # never silent, and sshd sends its ClientAlive probe (how it notices a dead
        # connection, then hangs up) only after a silent interval. A steady cursor
        # lets a dropped partner's session end within the configured 30 seconds.
        if not self.is_headless and getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    # -- hang-up and termination -------------------------------------------------------

    def stop_on_signal(self, signum: int) -> None:
        """Save what is typed, then exit; a second signal changes nothing."""
        if self._stopping_on is not None:
            return
        self._stopping_on = signum
        if not self.is_headless:  # a real terminal (tests drive headless apps in-process)
            threading.Thread(target=self._exit_deadline, args=(signum,), daemon=True,
                             name="jagtui-exit-deadline").start()
        try:
            for problem in self.flush_drafts():
                print(f"jagtui: {problem}", file=sys.stderr)
        except Exception:  # a dead terminal cannot take the message; exit regardless
            pass
        self.exit(return_code=128 + signum)

    def _exit_deadline(self, signum: int) -> None:
        threading.Event().wait(EXIT_DEADLINE)
        # Still here: something is stuck (a dead terminal, a locked database).
        # Put the terminal back as well as we can and go.
        driver = getattr(self, "_driver", None)
        attrs = getattr(driver, "attrs_before", None)
        try:
            if attrs is not None:
                import termios

                termios.tcsetattr(sys.__stdin__.fileno(), termios.TCSANOW, attrs)
            # Textual draws on stderr: leave its alternate screen, show the cursor.
            sys.__stderr__.write("\x1b[?1049l\x1b[?25h\x1b[0m\n")
            sys.__stderr__.flush()
        except Exception:
            pass
        os._exit(128 + signum)

    # -- other users' changes ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def check_for_changes(self) -> None:
        try:
            with self.store.read() as session:
                marker = latest_change(session)
        except Exception:
            return  # the database is busy or gone for a moment: try again next time
        self.call_from_thread(self._changes_seen, marker)

    def _changes_seen(self, marker: int) -> None:
        previous, self._last_change = self._last_change, marker
        if previous is None or marker == previous:
            return
        for screen in self.screen_stack:
            screen.post_message(DataChanged(marker))

"""No key, worker or database error ends the session.

Textual's answer to any exception in a handler, a worker or a render is to end
the app and print a traceback *with local variables* on the terminal: on the
shared screen in a meeting that printed a victim's name, address and date of
birth, and threw the chair (and every partner over SSH) out of the meeting.

``Failsafe`` (a mixin of ``JagApp``) replaces that:

- the app keeps running: ``_handle_exception`` no longer exits, and a handler
  that raises no longer stops the message loop of its widget or screen (Textual
  breaks that loop after the first error, leaving a screen that takes no keys);
- the user gets one line: what happened (a database that did not answer, or an
  internal error) and that what they typed is kept (open forms stay open, and
  their drafts are saved);
- the error is written to a log file readable by the owner only (0600) as the
  exception's type and its chain of module, function and line: no message text
  and no local variables, as either may hold personal data.

Tests still fail on an unexpected error: in a headless (test) app the first one
is re-raised when ``run_test`` ends, as Textual does, unless the test sets
``reraise_errors = False`` to check the recovery itself.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from textual.widget import Widget

from jagtui.errorlog import default_error_log, describe, is_database, unwrapped, write_log

KEPT = "What you typed is kept (the draft)."
# The same fault (a render that fails each frame) is said once in this many seconds.
REPEAT_QUIET_SECONDS = 10.0


def user_line(error: BaseException) -> str:
    """One line for the screen: what happened, in words, and that typing is kept."""
    error = unwrapped(error)
    if is_database(error):
        return f"The database did not answer, so that was not done; try again. {KEPT}"
    return (f"Something went wrong ({type(error).__name__}), so that was not done; "
            f"it is logged. {KEPT}")


def _guard_widget_loops() -> None:
    """Keep a widget's or screen's message loop going after one of its handlers fails.

    Textual's loop reports the error to the app and then stops for good, so the
    screen would take no more keys. The error is still reported (so an app that
    ends on errors still ends); only the loop survives. Installed once.
    """
    if getattr(Widget._dispatch_message, "_jagtui_guarded", False):
        return
    original = Widget._dispatch_message

    async def _dispatch_message(self, message) -> None:
        try:
            await original(self, message)
        except Exception as error:  # CancelledError is not an Exception: it still ends the loop
            self.app._handle_exception(error)

    _dispatch_message._jagtui_guarded = True
    Widget._dispatch_message = _dispatch_message


class Failsafe:
    """App mixin: an error is reported, logged and survived; the session goes on."""

    error_log: Path | None = None  # None: ``default_error_log()``
    reraise_errors: bool = True  # headless (tests) only: the first error fails the test at the end
    errors_seen: int = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _guard_widget_loops()
        self._error_said: dict[tuple[str, ...], float] = {}

    def on_mount(self) -> None:
        if not self.is_headless:
            # A task nobody awaited would otherwise be printed with its message.
            asyncio.get_running_loop().set_exception_handler(self._loop_error)

    # -- Textual's hooks ---------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual's version exits and prints the traceback with locals: never here.
        ending = self._return_code is not None  # a signal or a quit: log it, say nothing
        self.report_error(error, notify=not ending)
        if self.is_headless and self.reraise_errors and self._exception is None:
            # As Textual does for tests (run_test raises it at the end), without
            # waking the pilot's waits, which would then stop waiting for anything.
            self._exception = error

    async def _dispatch_message(self, message) -> None:
        # The app's own loop runs every key binding's action: one that fails must
        # not stop it (Textual's loop ends after the first error).
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            self._handle_exception(error)

    def _loop_error(self, loop, context: dict) -> None:
        error = context.get("exception")
        if isinstance(error, Exception):
            self._handle_exception(error)

    # -- reporting ---------------------------------------------------------------------

    def report_error(self, error: BaseException, *, notify: bool = True) -> str:
        """Log ``error`` (type and frames only) and tell the user in one line; that line.

        Safe from any thread.
        """
        lines = describe(error)
        self.errors_seen += 1
        write_log(self.error_log or default_error_log(), lines)
        line = user_line(error)
        now = time.monotonic()
        key = tuple(lines)
        quiet = now - self._error_said.get(key, -REPEAT_QUIET_SECONDS) < REPEAT_QUIET_SECONDS
        self._error_said[key] = now
        if notify and not quiet:
            self._say_error(line)
        return line

    def _say_error(self, line: str) -> None:
        if threading.get_ident() != self._thread_id:
            try:
                self.call_from_thread(self._say_error, line)
            except RuntimeError:
                pass  # the app is stopping: the log has it
            return
        self.bell()
        self.notify(line, title="Not done", severity="error", timeout=12, markup=False)
        self._keep_drafts()

    def _keep_drafts(self) -> None:
        """Save what open forms hold now, rather than at the next autosave tick."""
        for screen in list(self.screen_stack):
            keep = getattr(screen, "keep_draft_now", None)
            if callable(keep):
                try:
                    keep()
                except Exception:
                    pass
        look = getattr(self, "_drafts_look", None)
        if callable(look):
            try:
                look()
            except Exception:
                pass


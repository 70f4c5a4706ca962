"""Drafts: what is being typed in a form survives a dropped connection.

Any screen with a non-empty ``draft_key`` attribute takes part; nothing else is
needed from it but stable widget ids. The app (``DraftKeeping``, a mixin of
``JagApp``):

- looks at the open forms' values a few times a second (cheap: a handful of
  widgets) and, once they have stopped changing for ``DEBOUNCE`` seconds, saves
  them to the ``drafts`` table, keyed by login and ``draft_key``, in a thread
  worker, so typing never waits for the database;
- restores them when a form with the same key opens again (after the form has
  filled itself in: drafts are applied after its first refresh), and says so;
- discards the draft when the form closes (saved or cancelled: both are
  deliberate), and keeps it when the app itself stops;
- on a hang-up or quit, ``flush_drafts`` writes what every open form holds at once.

A form's values are ``screen.values()`` when it has that method (``FormScreen``
does), else every Input, TextArea, Select and Checkbox with an id. They are put
back by ``screen.restore_values(values)`` when the screen has it, else widget by
widget: a widget with a ``restore_value(value)`` method gets that call, plain
inputs get their value set. A form that saves but stays open calls
``app.draft_saved(self)``; one that fills its fields later (from a worker) sets
``draft_manual = True`` and calls ``app.restore_draft(self)`` once filled.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from jagtui.store import drafts as stored

DEBOUNCE = 0.5
LOOK_EVERY = 0.2
FIELD_TYPES = (Input, TextArea, Select, Checkbox)


def _plain(value: Any) -> Any:
    """A value the drafts table can keep as JSON (a Select's "nothing chosen" becomes None)."""
    return value if isinstance(value, (str, int, float, bool)) or value is None else None


def _value(widget: Widget) -> Any:
    return _plain(widget.text if isinstance(widget, TextArea) else getattr(widget, "value", None))


def form_fields(screen: Screen) -> dict[str, Any]:
    """What a form holds, by widget id (see the module docstring for which widgets)."""
    values = getattr(screen, "values", None)
    if callable(values):
        return {str(key): _plain(value) for key, value in values().items()}
    return {w.id: _value(w) for w in screen.query("*") if isinstance(w, FIELD_TYPES) and w.id}


def apply_fields(screen: Screen, values: dict[str, Any]) -> int:
    """Put saved values back into the widgets that still exist; returns how many."""
    restore = getattr(screen, "restore_values", None)
    if callable(restore):
        return restore(values) or 0
    applied = 0
    for widget_id, value in values.items():
        found = screen.query(f"#{widget_id}") if widget_id.replace("-", "_").isidentifier() else []
        widget = found.first() if found else None
        if widget is None or value is None or _value(widget) == value:
            continue
        try:
            if callable(getattr(widget, "restore_value", None)):
                widget.restore_value(value)
            elif isinstance(widget, TextArea):
                widget.load_text(str(value))
            elif isinstance(widget, Input):
                widget.value = str(value)
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, Select):
                widget.value = value
            else:
                continue
        except Exception:  # a choice no longer offered: keep the form's own value
            continue
        applied += 1
    return applied


class DraftWriter:
    """Writes drafts one at a time; for each key only the newest values are written.

    ``put`` is cheap and can be called from the UI thread; ``drain`` does the
    database work (in a worker thread, or directly when the app is stopping).
    """

    def __init__(self, store) -> None:
        self.store = store
        self._pending: dict[str, dict[str, Any] | None] = {}
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def put(self, key: str, values: dict[str, Any] | None) -> None:
        """Queue ``values`` for ``key`` (``None`` discards the draft)."""
        with self._pending_lock:
            self._pending[key] = values

    @property
    def pending(self) -> bool:
        with self._pending_lock:
            return bool(self._pending)

    def drain(self) -> list[str]:
        """Write everything queued; returns the problems, one line each."""
        problems = []
        with self._write_lock:
            while True:
                with self._pending_lock:
                    if not self._pending:
                        return problems
                    key, values = self._pending.popitem()
                try:
                    # A busy database puts the draft in a file instead (back next time).
                    spilled = stored.keep(self.store, key, values)
                    if spilled:
                        problems.append(spilled)
                except Exception as error:  # never lose the app over a draft
                    problems.append(f"Could not keep your draft: {str(error).splitlines()[0]}")


@dataclass(eq=False)
class _Tracked:
    mode: str
    key: str = ""
    baseline: dict[str, Any] | None = None  # what the form opened with
    seen: dict[str, Any] | None = None  # what it held when last looked at
    queued: dict[str, Any] | None = None  # what was last sent to the database
    changed_at: float = 0.0
    stored: bool = False  # a draft for this key is in the database

    @property
    def begun(self) -> bool:
        return self.baseline is not None


class DraftKeeping:
    """App mixin: autosave, restore and discard drafts of screens with ``draft_key``."""

    _draft_writer: DraftWriter | None = None
    _draft_screens: dict[Screen, _Tracked]
    _drafts_closing: bool = False

    def on_mount(self) -> None:
        self._draft_screens = {}
        self._draft_writer = DraftWriter(self.store)
        self.screen_change_signal.subscribe(self, self._draft_screen_changed, immediate=True)
        self._draft_screen_changed(self.screen)
        self.set_interval(LOOK_EVERY, self._drafts_look)

    # -- which forms are open ------------------------------------------------------------

    def _draft_screen_changed(self, screen: Screen) -> None:
        if self._drafts_closing or not hasattr(self, "_draft_screens"):
            return
        mode, stack = self.current_mode, self.screen_stack
        for old, state in list(self._draft_screens.items()):
            if state.mode == mode and old not in stack:
                self._draft_closed(old, state)
        if getattr(screen, "draft_key", "") and screen not in self._draft_screens:
            self._draft_screens[screen] = _Tracked(mode=mode)
            if not getattr(screen, "draft_manual", False):
                screen.call_after_refresh(self.restore_draft, screen)

    def _draft_closed(self, screen: Screen, state: _Tracked) -> None:
        del self._draft_screens[screen]
        if state.stored:
            self._draft_write(state.key, None)

    # -- restoring -------------------------------------------------------------------------

    def restore_draft(self, screen: Screen) -> None:
        """Start following ``screen`` from its current values and bring back its draft."""
        state = self._draft_screens.get(screen)
        if state is None or state.begun or not screen.is_attached:
            return
        state.key = str(screen.draft_key)
        state.baseline = state.seen = state.queued = form_fields(screen)
        key = state.key
        self.run_worker(lambda: self._draft_load(screen, key), thread=True,
                        group="drafts", exit_on_error=False)

    def _draft_load(self, screen: Screen, key: str) -> None:
        try:
            with self.store.read() as session:
                values = stored.load(session, key)
        except Exception:
            return  # no draft to offer is never worth an error
        if values is not None:
            self.call_from_thread(self._draft_loaded, screen, values)

    def _draft_loaded(self, screen: Screen, values: dict[str, Any]) -> None:
        state = self._draft_screens.get(screen)
        if state is None:
            return
        state.stored = True
        state.queued = values
        if form_fields(screen) != state.baseline:
            return  # typing already started: what is typed now wins and will be saved
        if apply_fields(screen, values):
            self.notify("Restored what you were typing when this form was last left open",
                        title="Draft restored", timeout=6)

    # -- saving ----------------------------------------------------------------------------

    def _drafts_look(self) -> None:
        """Save each open form's values once they have been still for DEBOUNCE seconds."""
        now = time.monotonic()
        for screen, state in list(getattr(self, "_draft_screens", {}).items()):
            if not state.begun or not screen.is_attached or self._drafts_closing:
                continue
            values = form_fields(screen)
            if values != state.seen:
                state.seen, state.changed_at = values, now
            elif values != state.queued and now - state.changed_at >= DEBOUNCE:
                self._draft_queue(state, values)
                self.run_worker(self._draft_drain, thread=True, group="drafts",
                                exit_on_error=False)

    def _draft_queue(self, state: _Tracked, values: dict[str, Any]) -> bool:
        """Queue ``values`` (or the draft's removal when back to the start); False if nothing to do."""
        if values == state.queued:
            return False
        state.queued = values
        if values != state.baseline:
            self._draft_writer.put(state.key, values)
            state.stored = True
        elif state.stored:  # typed back to how it opened: no draft needed
            self._draft_writer.put(state.key, None)
            state.stored = False
        else:
            return False
        return True

    def _draft_write(self, key: str, values: dict[str, Any] | None) -> None:
        self._draft_writer.put(key, values)
        self.run_worker(self._draft_drain, thread=True, group="drafts", exit_on_error=False)

    def _draft_drain(self) -> None:
        for problem in self._draft_writer.drain():
            self.call_from_thread(self.notify, problem, severity="warning")

    def draft_saved(self, screen: Screen) -> None:
        """The form saved and stays open: its values are the new starting point."""
        state = self._draft_screens.get(screen)
        if state is None or not state.begun:
            return
        state.baseline = state.seen = state.queued = form_fields(screen)
        if state.stored:
            state.stored = False
            self._draft_write(state.key, None)

    # -- stopping --------------------------------------------------------------------------

    def exit(self, *args, **kwargs) -> None:
        # Quitting keeps what is typed in open forms (as drafts, restored next time).
        if not self._drafts_closing and threading.current_thread() is threading.main_thread():
            for problem in self.flush_drafts():
                self.notify(problem, severity="warning")
        super().exit(*args, **kwargs)

    def flush_drafts(self) -> list[str]:
        """Write what every open form holds now, in this thread; for stopping the app.

        Returns the problems (one line each). Drafts are kept, not discarded, as
        the forms close with the app.
        """
        self._drafts_closing = True
        # Screens that keep their own draft (the agenda runner's notes box) write it now.
        problems = [problem for screen in self.screen_stack
                    if callable(getattr(screen, "flush_own_draft", None))
                    for problem in screen.flush_own_draft()]
        if self._draft_writer is None:
            return problems
        for screen, state in list(getattr(self, "_draft_screens", {}).items()):
            if state.begun and screen.is_attached:
                try:
                    self._draft_queue(state, form_fields(screen))
                except Exception:  # a form half torn down: keep what was already queued
                    continue
        return problems + self._draft_writer.drain()

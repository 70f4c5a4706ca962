"""What the flags, escalation and actions screens share: rows read from the store in
a thread worker, shown on the UI thread, and kept current when the screen is shown
again, privacy mode changes or the terminal is resized.

A subclass names its main table in ``TABLE``, returns from :meth:`ListScreen.reader`
a function that reads its rows in a session, takes what that found into ``rows`` in
:meth:`ListScreen.show`, and draws ``rows`` in :meth:`ListScreen.fill`. Textual
calls every class's ``on_mount`` in turn, so a subclass's own ``on_mount`` runs
before this one's rather than replacing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from sqlmodel import Session
from textual import events, work
from textual._context import NoActiveAppError
from textual.screen import Screen
from textual.widgets import DataTable
from textual.worker import get_current_worker

from jagtui.store.errors import StoreError


def fit_widths(labels: Sequence[str], rows: Sequence[Sequence[Text | str]], available: int,
               flex: int, cap: int | None = None, minimum: int = 8) -> list[int]:
    """Every column's width, set rather than left to DataTable: each as wide as its
    label and widest cell, column ``flex`` (at most ``cap``) given what the others
    leave of ``available`` cells (a cell of padding each side of every column).

    DataTable measures auto-width columns on idle and keeps lines drawn before then:
    a refill at a resize left references showing as "JA…" at the labels' widths.
    """
    widths = [max([cell_len(label), *(cell_len(row[n] if isinstance(row[n], str) else row[n].plain)
                                      for row in rows)])
              for n, label in enumerate(labels)]
    room = available - 2 * len(labels) - sum(w for n, w in enumerate(widths) if n != flex)
    widest = widths[flex] if cap is None else min(widths[flex], cap)
    widths[flex] = max(min(widest, room), min(minimum, widest))
    return widths


def current_css(screen: Screen) -> None:
    """Mark a new screen as styled with the app's current CSS, which it is: its widgets
    take the stylesheet as they mount. Textual starts a screen's CSS count at -1, so
    opening a screen as a new mode re-parsed every stylesheet twice and restyled every
    widget of the screens already open (~100 ms of the Flags screen's first open)."""
    try:
        app = screen.app
    except NoActiveAppError:
        return  # made before any app runs (a test pushes it later): styled the usual way
    screen._css_update_count = app._css_update_count


def unstyled_first_resume(screen: Screen, event: events.ScreenResume) -> None:
    """Textual resumes a new screen as it opens (twice), restyling every widget each time;
    one never left since it mounted was styled as it mounted (``current_css``): skip that
    (~30-70 ms of a first open). ``screen.left`` is set on its first suspend."""
    if not getattr(screen, "left", False):
        event.refresh_styles = False


class ListScreen(Screen):
    """A screen of rows from the store; store errors become a notification titled ``TITLE``."""

    TABLE = ""  # the selector of the table focused on opening, e.g. "#flags"

    def __init__(self) -> None:
        super().__init__()
        current_css(self)
        self.rows: list = []
        self._private: bool | None = None  # the privacy mode the rows were last drawn in
        self._first_read = False  # the first load (started on mount) has ended

    def on_mount(self) -> None:
        self.query_one(self.TABLE, DataTable).focus()
        self._private = self.app.private
        self.load()

    def on_screen_resume(self) -> None:
        # Opened just now (Textual resumes a new screen too, twice): the load started on
        # mount reads what is there; a second read ran beside it and cancelled it.
        if not self._first_read:
            return
        # Back from a case or a form: what changed there can change this list.
        if self.app.private != self._private:
            self.refresh_privacy()
        self.load()

    def on_resize(self) -> None:
        if self.rows:
            self.fill()

    def refresh_privacy(self) -> None:
        self._private = self.app.private
        if self.is_mounted:
            self.fill()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the rows again in a worker, as the screen's choices stand now."""
        self._read(self.reader())

    @work(thread=True, exclusive=True, group="list-load")
    def _read(self, read: Callable[[Session], Any]) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                found = read(session)
        except StoreError as error:
            app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:  # a newer load has started: it wins
            app.call_from_thread(self._arrived, found)

    def _arrived(self, found: Any) -> None:
        self._first_read = True
        self.show(found)

    def _failed(self, message: str) -> None:
        self._first_read = True
        self.app.notify(message, title=self.TITLE, severity="error", markup=False)

    def reader(self) -> Callable[[Session], Any]:
        """Read the screen's choices (on the UI thread) into a function that reads its
        rows in a session (run in the worker) and returns what :meth:`show` takes."""
        raise NotImplementedError

    def show(self, found: Any) -> None:
        """Take what the reader found into ``rows`` and fill, keeping the highlight."""
        raise NotImplementedError

    def fill(self) -> None:
        raise NotImplementedError

"""The chair at the keyboard: a driver whose methods press keys and wait for screens,
so each scenario reads as the chair's path through the meeting.

Only keys reach the app (``pilot.press``, or text fed through the app's paste guard and
Textual's own terminal parser for pastes, as the app's driver reads a terminal); the driver reads widgets solely to decide which key to press
next (e.g. how many ``Down`` presses reach a row) and to say where it got stuck.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual._xterm_parser import XTermParser
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Select, SelectionList, Static

from jagtui.app import JagApp
from jagtui.export.document import render_markdown
from jagtui.export.minutes import build_minutes
from jagtui.screens.pasting import PasteGuard

KEY_NAMES = {" ": "space"}
TIMEOUT = 30.0


class Stuck(AssertionError):
    """The chair could not get where the scenario goes: the message says where."""


def plain(renderable) -> str:
    """What a Static shows, as text (rich Text, Content or a string)."""
    if hasattr(renderable, "plain"):
        return renderable.plain
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def minutes_markdown(store, cfg, meeting_id: int, *, redacted: bool = False) -> str:
    """The (draft or final) minutes as they would export now, without writing a file."""
    from jagtui.store.minutes import known_people, known_places, minutes_data

    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
        others = known_people(session) if redacted else ()
        places = known_places(session) if redacted else ()
    doc = build_minutes(data, cfg, redacted=redacted, others=others, other_places=places)
    return render_markdown(doc).decode("utf-8")


class Checks:
    """Checks that do not stop the walk: a long meeting records every wrong step and
    carries on, so one defect does not hide the next. ``verify()`` fails with them all.

        with checks("the action is complete"):
            assert ...
    """

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, what: str):
        return _Check(self, what)

    def verify(self) -> None:
        if self.failed:
            raise AssertionError(f"{len(self.failed)} step(s) wrong:\n" + "\n".join(
                f"- {line}" for line in self.failed))


class _Check:
    def __init__(self, checks: Checks, what: str) -> None:
        self.checks, self.what = checks, what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _tb) -> bool:
        if error is not None and isinstance(error, AssertionError):
            detail = str(error).splitlines()[0] if str(error) else kind.__name__
            self.checks.failed.append(f"{self.what}: {detail[:400]}")
            return True
        return False


class Chair:
    """Drives a :class:`JagApp` under ``run_test`` with keys, and waits for it."""

    def __init__(self, app: JagApp, pilot) -> None:
        self.app = app
        self.pilot = pilot
        self.told: list[str] = []  # every notice shown, kept after its toast times out
        shown = app.notify

        def notify(message, *args, **kwargs):
            self.told.append(str(message))
            return shown(message, *args, **kwargs)

        app.notify = notify

    # -- waiting ---------------------------------------------------------------------------

    async def settle(self, rounds: int = 2) -> None:
        for _ in range(rounds):
            await self.pilot.pause()
            await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def wait_for(self, ready: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        end = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    return
            except Exception:  # a widget not mounted yet: keep waiting
                pass
            if time.monotonic() > end:
                raise Stuck(f"waited {timeout:.0f}s for {what}; on {self.where()}")
            await self.settle(1)

    async def wait_screen(self, kind: type, what: str = "") -> object:
        await self.wait_for(lambda: isinstance(self.app.screen, kind), what or kind.__name__)
        await self.settle()
        return self.app.screen

    def where(self) -> str:
        focused = self.app.focused
        notes = self.told[-3:]
        return (f"screen {type(self.app.screen).__name__}, focus "
                f"{type(focused).__name__ if focused else None}#{getattr(focused, 'id', None)}, "
                f"last notices {notes}")

    # -- keys ------------------------------------------------------------------------------

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            await self.settle()

    async def type(self, text: str) -> None:
        await self.pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])
        await self.settle()

    async def paste(self, text: str) -> None:
        """Text as a terminal delivers a bracketed paste, through Textual's parser."""
        await self.feed_terminal(f"\x1b[200~{text}\x1b[201~")

    async def feed_terminal(self, data: str) -> None:
        """Bytes as they arrive from the terminal (keys, escapes), parsed as the app's
        driver (``PasteSafeDriver``) parses them, then sent to the app in order."""
        parser = XTermParser()
        events_in = list(parser.feed(PasteGuard()(data))) + list(parser.feed(""))
        for event in events_in:
            event.set_sender(self.app)
            self.app._driver.send_message(event)
            await self.pilot.pause()
        await self.settle()

    @property
    def focused_id(self) -> str | None:
        focused = self.app.focused
        return focused.id if focused is not None else None

    async def focus(self, widget_id: str, *, limit: int = 16, back: bool = False) -> Widget:
        """Tab (or shift+Tab) until the field ``widget_id`` has the cursor."""
        key = "shift+tab" if back else "tab"
        for _ in range(limit):
            if self.focused_id == widget_id:
                return self.app.focused
            await self.press(key)
        if self.focused_id == widget_id:
            return self.app.focused
        raise Stuck(f"{limit} x {key} never reached #{widget_id}; on {self.where()}")

    async def fill(self, widget_id: str, text: str, *, back: bool = False) -> None:
        """Tab to a text field, clear it (End, ctrl+u) and type."""
        await self.focus(widget_id, back=back)
        await self.press("end", "ctrl+u")
        await self.type(text)

    async def choose(self, widget_id: str, words: str, *, back: bool = False) -> None:
        """Tab to a choice, open it (Enter), arrow to the option showing ``words``, Enter."""
        select = await self.focus(widget_id, back=back)
        await self.choose_here(select, words)

    async def choose_here(self, select: Select, words: str) -> None:
        labels = [plain(prompt) for prompt, _ in select._options]
        want = next((n for n, label in enumerate(labels) if words.casefold() in label.casefold()), None)
        if want is None:
            raise Stuck(f"#{select.id} offers no {words!r}: {labels}")
        await self.press("enter")
        overlay = self.app.focused
        if not isinstance(overlay, OptionList):
            raise Stuck(f"Enter did not open #{select.id}; on {self.where()}")
        for _ in range(len(labels) + 1):
            if overlay.highlighted == want:
                break
            await self.press("down" if (overlay.highlighted or 0) < want else "up")
        await self.press("enter")
        if select.value != select._options[want][1]:
            raise Stuck(f"#{select.id} is {select.value!r} after choosing {words!r}")

    async def to_row(self, table: DataTable, key: str, what: str = "") -> None:
        """Down/Up in a focused table until the row with ``key`` is highlighted."""
        keys = [row.key.value for row in table.ordered_rows]
        if key not in keys:
            raise Stuck(f"no row {what or key} in #{table.id}")
        want = keys.index(key)
        for _ in range(len(keys) + 1):
            if table.cursor_row == want:
                return
            await self.press("down" if table.cursor_row < want else "up")
        raise Stuck(f"cursor never reached {what or key} in #{table.id}")

    async def to_option(self, listing: OptionList, index: int) -> None:
        for _ in range(listing.option_count + 1):
            if listing.highlighted == index:
                return
            await self.press("down" if (listing.highlighted or 0) < index else "up")
        raise Stuck(f"highlight never reached option {index} in #{listing.id}")

    async def save(self, form_type: type | None = None) -> None:
        """ctrl+s and wait until the form has closed (or say why it did not)."""
        form = self.app.screen
        await self.press("ctrl+s")
        try:
            await self.wait_for(lambda: self.app.screen is not form, "the form to save and close",
                                timeout=10)
        except Stuck:
            status = ""
            try:
                status = plain(form.query_one("#form-status", Static).content)
            except Exception:
                pass
            raise Stuck(f"{type(form).__name__} did not save: {status!r}; {self.where()}") from None

    async def recover(self, screen) -> None:
        """After a step went wrong inside a form: Esc (discarding) back to ``screen``."""
        from jagtui.screens.forms.base import ConfirmScreen

        for _ in range(6):
            if self.app.screen is screen:
                return
            await self.press("y" if isinstance(self.app.screen, ConfirmScreen) else "escape")
        raise Stuck(f"could not get back to {type(screen).__name__}; on {self.where()}")

    # -- reading -----------------------------------------------------------------------------

    def text_of(self, selector: str) -> str:
        return plain(self.app.screen.query_one(selector, Static).content)

    def all_text(self) -> str:
        """Every Static and table cell on the current screen, as text."""
        screen, parts = self.app.screen, []
        for widget in screen.query(Static):
            try:
                parts.append(plain(widget.content))
            except Exception:
                pass
        for table in screen.query(DataTable):
            for n in range(table.row_count):
                parts.append(" ".join(plain(c) if not isinstance(c, str) else c
                                      for c in table.get_row_at(n)))
        return "\n".join(parts)

    def notices(self) -> list[str]:
        return list(self.told)

    def exported_paths(self, end_screen) -> dict[str, list[Path]]:
        return {what: list(paths) for what, paths in end_screen.exported}


def widget_offers(widget: Widget, words: str) -> bool:
    """Does a choice widget list an option showing ``words``?"""
    words = words.casefold()
    if isinstance(widget, Select):
        return any(words in plain(prompt).casefold() for prompt, _ in widget._options)
    if isinstance(widget, (OptionList, SelectionList)):
        return any(words in plain(widget.get_option_at_index(n).prompt).casefold()
                   for n in range(widget.option_count))
    return words in plain(widget.render()).casefold() if hasattr(widget, "render") else False


__all__ = ["Chair", "Checks", "Stuck", "minutes_markdown", "plain", "widget_offers"]

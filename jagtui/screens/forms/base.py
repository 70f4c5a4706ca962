"""What every form shares: ctrl+s saves, Escape cancels (asking before it discards
typing), fields say what is wrong in words as you type, store errors become a
notification, and nothing typed is lost when a save is refused.

A form subclass composes its fields with :func:`field`, lists what is wrong in
:meth:`FormScreen.problems` and returns from :meth:`FormScreen.saver` a function
that writes the values (run in a thread worker inside one ``store.write()``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from rich.text import Text
from sqlmodel import Session
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from jagtui.display import visible
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.clash import SLOW_SAVE_SECONDS, ClashHandling
from jagtui.screens.widgets import DateField
from jagtui.store.errors import Busy, Conflict, StoreError

T = TypeVar("T")
TYPE_AHEAD_SECONDS = 1.0  # letters typed on a list within this time make one search
FORMS_CSS = Path(__file__).parent.parent / "forms.tcss"
# Fields whose value is chosen from people and places (``fields.py``), by their type names.
CHOSEN = "PickField, InvolvedList"


class ChoiceChanged(Message):
    """A field's value was chosen rather than typed (``fields.PickField``,
    ``fields.InvolvedList``): choosing counts as touching it."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> Widget:
        return self.widget


class FieldMessage(Static):
    """The line under a field: its hint, or in red what is wrong with it."""

    def __init__(self, hint: str, *, id: str) -> None:
        super().__init__(Text(hint), id=id, classes="field-msg", markup=False)
        self.hint = hint
        self.set_class(not hint, "empty")

    def say(self, text: str, error: bool = False) -> None:
        self.update(Text(text))
        self.set_class(error, "error")
        self.set_class(not text, "empty")


def field(label: str, widget: Widget, hint: str = "") -> Vertical:
    """A labelled one-line field with a line under it for its hint or what is wrong."""
    if hasattr(widget, "compact"):
        widget.compact = True  # one line per field: a whole form fits 80x24
    return Vertical(
        Horizontal(Label(label, classes="field-label"), widget, classes="field-row"),
        FieldMessage(hint, id=f"{widget.id}-msg"),
        classes="field",
        id=f"{widget.id}-field",
    )


def choice_labels(select: Select) -> list[tuple[str, object]]:
    """A Select's options as (label text, value), the blank one left out."""
    return [(str(prompt.plain if isinstance(prompt, Text) else prompt), value)
            for prompt, value in select._options if value is not Select.NULL]


def choice_starting(select: Select, typed: str) -> tuple[str, object] | None:
    """The first option whose label begins with ``typed`` (ignoring case)."""
    typed = typed.casefold()
    return next(((label, value) for label, value in choice_labels(select)
                 if label.casefold().startswith(typed)), None)


def options(pairs) -> list[tuple[str, str]]:
    """(label, value) pairs for a Select from (value, label) config items."""
    return [(label, value) for value, label in pairs]


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y says yes, n or Escape says no.

    Enter answers nothing: these questions guard what cannot be undone (discarding
    typing, leaving the meeting), and an Enter meant for the form must not say yes."""

    CSS_PATH = FORMS_CSS
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", key_display="n/Esc", id="confirm-no"),
        Binding("enter", "remind", show=False, id="confirm-enter"),
    ]
    HINT = "y yes · n or Esc no"

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(self.question), markup=False)
            yield Static(self.HINT, classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_remind(self) -> None:
        self.app.notify(self.HINT, severity="warning", timeout=3)


class FormScreen(ClashHandling, ModalScreen[T], Generic[T]):
    """A modal form. Subclasses set ``form_title`` and ``draft_key``; an edit of an
    existing record saves against ``self.against(version read)`` (see ``clash``)."""

    CSS_PATH = FORMS_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form-save", tooltip="Save and close the form"),
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="form-cancel",
                tooltip="Close without saving (asks first if you typed anything)"),
    ]
    form_title = "Form"
    draft_key: str = ""

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, Any] = {}
        self._touched: set[str] = set()
        self._saving = False
        self._typed: dict[str, tuple[str, float]] = {}  # Select id -> (letters typed, when)

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.form_title), id="form-title", markup=False)
            yield from self.body()
            with Horizontal(id="form-foot"):
                yield Static("", id="form-status", markup=False)
                yield Static("ctrl+s save · Esc cancel · Tab next field", classes="hint")
        yield KeysFooter()

    def body(self) -> ComposeResult:
        # Not focusable itself: Tab goes from field to field, and focus follows into view.
        with VerticalScroll(id="form-body", can_focus=False):
            yield from self.fields()

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self._initial = self.values()
        self.show_problems()
        fields = self.inputs()
        if fields and self.focused is None:
            fields[0].focus()

    # -- values and validation -------------------------------------------------

    def inputs(self) -> list[Widget]:
        return [w for w in self.query(f"Input, Select, Checkbox, {CHOSEN}") if w.id]

    def values(self) -> dict[str, Any]:
        """Every field by id: what the draft autosave keeps and ``dirty`` compares.

        Text as the box shows it: stored text with control codes is shown as codes
        (the app rewrites the box, ``terminal_safe``), which is not a change."""
        return {w.id: visible(w.value, one_line=True) if isinstance(w.value, str) else w.value
                for w in self.inputs()}

    @property
    def dirty(self) -> bool:
        return self.values() != self._initial

    def problems(self) -> dict[str, str]:
        """Field id -> what is wrong with it, in words. Empty when the form can be saved."""
        return {}

    def hints(self) -> dict[str, str]:
        """Field id -> a helpful line shown when nothing is wrong (e.g. the date read)."""
        found = {}
        for widget in self.query(DateField):
            if widget.id and widget.value.strip():
                found[widget.id] = widget.validation_message
        return found

    def show_problems(self, all_fields: bool = False) -> dict[str, str]:
        wrong = self.problems()
        hints = self.hints()
        for widget in self.inputs():
            found = self.query(f"#{widget.id}-msg")
            if not found:
                continue
            line = found.first()
            shown = widget.id in self._touched or all_fields
            bad = widget.id in wrong and shown
            line.say(wrong[widget.id] if bad else hints.get(widget.id, line.hint), error=bad)
            widget.set_class(bad, "bad")
        self._clear_refusal(wrong)
        return wrong

    def _clear_refusal(self, wrong: dict[str, str]) -> None:
        # "Not saved: <what was wrong>" goes once the user edits after the refusal and
        # that is no longer wrong (a store's refusal names no field: the first edit
        # clears it); the next thing still wrong is named instead, or nothing.
        found = self.query("#form-status")
        if not found:
            return
        status = found.first(Static)
        said = status.render().plain
        if not said.startswith("Not saved: ") or said.removeprefix("Not saved: ") in wrong.values():
            return
        first = next((wrong[w.id] for w in self.inputs() if w.id in wrong), None)
        status.update(Text(f"Not saved: {first}", style="bold red") if first else "")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(ChoiceChanged)
    def changed(self, event) -> None:
        widget = event.control
        if widget.id and (widget.has_focus or isinstance(event, ChoiceChanged)):
            self._touched.add(widget.id)
        self.value_changed(widget)
        self.show_problems()

    def refresh_privacy(self) -> None:
        for widget in self.query(CHOSEN):
            widget.refresh_privacy()

    def on_screen_resume(self) -> None:
        # Back from a picker or a confirmation: privacy may have changed meanwhile.
        self.refresh_privacy()

    def value_changed(self, widget: Widget) -> None:
        """Hook for fields that depend on others (e.g. the review date on the level)."""

    # -- a choice takes keys ------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # A closed Select ignores letters, so text typed on it (Tab one field too far)
        # vanished. Letters choose the option they begin; a key that begins none
        # says, under the field, that it is a list.
        select = self.focused
        if (not isinstance(select, Select) or select.expanded or not event.is_printable
                or event.character is None):
            return
        if event.character == " " and not self._typing_on(select):
            return  # space on its own opens the list, as Select's own key
        event.stop()
        event.prevent_default()
        self._choose_by_typing(select, event.character)

    def _typing_on(self, select: Select) -> bool:
        typed, at = self._typed.get(select.id, ("", 0.0))
        return bool(typed) and time.monotonic() - at < TYPE_AHEAD_SECONDS

    def _choose_by_typing(self, select: Select, character: str) -> None:
        now = time.monotonic()
        typed, at = self._typed.get(select.id, ("", 0.0))
        # Letters in quick succession are one search; once they match nothing the
        # rest of the burst is text typed in the wrong place, and changes nothing.
        typed = (typed if now - at < TYPE_AHEAD_SECONDS else "") + character
        self._typed[select.id] = (typed, now)
        found = choice_starting(select, typed)
        message = self.query(f"#{select.id}-msg")
        if found is not None:
            select.value = found[1]  # the field shows it; its line goes back to its hint
            return
        self.app.bell()
        labels = ", ".join(label for label, _ in choice_labels(select)[:6])
        if message:
            message.first().say(f"This is a list, not text: type the start of a choice "
                                f"({labels}) or Enter to see them; Tab moves on", error=True)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        # Enter in a text box moves on, as in a paper form; ctrl+s saves.
        event.stop()
        self.focus_next()

    # -- saving and cancelling ----------------------------------------------------

    def action_save(self) -> None:
        if self._saving:
            return
        if not self.app.allowed("edit"):
            return
        wrong = self.show_problems(all_fields=True)
        if wrong:
            # The first field in error as the form reads, top to bottom, whatever order
            # ``problems`` found them in: the next thing typed goes where it is missing.
            first = next((w.id for w in self.inputs() if w.id in wrong), next(iter(wrong)))
            self.query_one("#form-status", Static).update(
                Text(f"Not saved: {wrong[first]}", style="bold red"))
            self.app.notify(f"Not saved: {len(wrong)} field(s) need attention", severity="warning")
            target = self.query(f"#{first}")
            if target:
                target.first().focus()
            return
        self._saving = True
        self.query_one("#form-status", Static).update(Text("Saving…"))
        self._write(self.overwriting(self.saver()))
        self.set_timer(SLOW_SAVE_SECONDS, self.still_saving)

    @work(thread=True, exclusive=True, group="form-save")
    def _write(self, write: Callable[[Session], T]) -> None:
        app = self.app
        try:
            with app.store.write(on_wait=self.waiting) as session:
                result = write(session)
        except Conflict as clash:
            # Someone else saved first: both values shown, the user decides (clash.py).
            try:
                self.explain_clash(clash)
            except StoreError:
                pass  # the panel shows what the refusal itself carries
            app.call_from_thread(self.clashed, clash)
            return
        except Busy as error:
            # Waited as long as jagtui waits: nothing written, the form keeps its text.
            app.call_from_thread(self._refused, str(error).removeprefix("Not saved: "))
            return
        except StoreError as error:
            app.call_from_thread(self._refused, str(error))
            return
        except Exception as error:
            # A fault, not a refusal: logged without its text; the form stays open
            # with what was typed, and ctrl+s can be pressed again.
            app.call_from_thread(self._refused, app.report_error(error, notify=False),
                                 error=True)
            return
        app.call_from_thread(self._done, result)

    def saver(self) -> Callable[[Session], T]:
        """Read the fields (on the UI thread) into a function that saves them in a
        session (run in a worker) and returns the screen's result. The default
        runs :meth:`write`, for forms whose values are all plain attributes."""
        return self.write

    def write(self, session: Session) -> T:
        raise NotImplementedError

    def _refused(self, message: str, error: bool = False) -> None:
        self._saving = False
        self.query_one("#form-status", Static).update(Text(f"Not saved: {message}", style="bold red"))
        if error:
            self.app.bell()
        self.app.notify(message, title="Not saved", severity="error", timeout=12 if error else 8,
                        markup=False)

    def _done(self, result: T) -> None:
        self._saving = False
        self.app.notify(self.saved_message(result), timeout=3, markup=False)
        self.dismiss(result)

    def saved_message(self, result: T) -> str:
        return "Saved"

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you typed in this form?"), answered)

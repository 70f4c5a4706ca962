"""A save refused because someone else changed the record: shown, and resolved.

When a form's save is refused with :class:`~jagtui.store.errors.Conflict`, the
form stays open with everything typed and :class:`ClashScreen` shows, per field,
what you typed, what the other user saved, and who saved it when. Then:

* ``m`` keep mine: saved at once against the version now there, and audited as a
  knowing overwrite (``jagtui.store.clashes``);
* ``t`` take theirs: the clashing fields take the other user's values; the rest
  of what was typed stays, for ctrl+s;
* ``e`` or Esc edit: back to the form; the next ctrl+s saves against the version
  now there (also audited as an overwrite, since their values were seen).

:class:`ClashHandling` is the form side, mixed into every ``FormScreen``. A form
passes ``self.against(version read)`` to the store instead of the version it read,
and may map store fields to its widgets (``CLASH_FIELDS``), hide derived ones
(``CLASH_HIDDEN``), read extra details in the worker (:meth:`explain_clash`) or
take theirs its own way (:meth:`take_theirs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from jagtui.display import literal, visible
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.store.clashes import record_overwrite
from jagtui.store.errors import Conflict

SCREENS = Path(__file__).parent.parent
CLASH_CSS = [SCREENS / "forms.tcss", SCREENS / "clash.tcss"]
MINE, THEIRS, EDIT = "mine", "theirs", "edit"
MISSING = object()  # a field whose value when the form opened is not known
# A form's save takes milliseconds; one still going after this is waiting for a lock
# (PostgreSQL waits on the row without telling; SQLite's waits call ``waiting``).
SLOW_SAVE_SECONDS = 1.0


@dataclass(frozen=True)
class ClashRow:
    """One clashing field as the panel shows it (plain text; rendered literally)."""

    label: str
    yours: str
    theirs: str


def when(at: datetime | None) -> str:
    """``22 Nov 2026 14:32`` in local time, or "" when not known."""
    if at is None:
        return ""
    local = at.astimezone()
    return f"{fmt_date(local.date())} {local:%H:%M}"


def who(clash: Conflict) -> str:
    at = when(clash.at)
    return f"{clash.by or 'someone else'}" + (f" at {at}" if at else "")


class ClashScreen(ModalScreen[str]):
    """Both values side by side; m keeps mine, t takes theirs, e (or Esc) edits."""

    CSS_PATH = CLASH_CSS
    BINDINGS = [
        Binding("m", "answer('mine')", "Keep mine", id="clash-mine",
                tooltip="Save yours over theirs (recorded as an overwrite)"),
        Binding("t", "answer('theirs')", "Take theirs", id="clash-theirs",
                tooltip="The form takes their values; the rest of what you typed stays"),
        Binding("e,escape", "answer('edit')", "Edit", key_display="e/Esc", id="clash-edit",
                tooltip="Back to the form to change it yourself"),
    ]

    def __init__(self, clash: Conflict, rows: list[ClashRow], hint: str = "") -> None:
        super().__init__()
        self.clash = clash
        self.rows = rows
        self.keys_hint = hint  # what the keys do, where not a form (e.g. a retention decision)
        self.can_keep = clash.version is not None

    def compose(self) -> ComposeResult:
        clash = self.clash
        with Vertical(id="clash"):
            title = Text("Not saved: ", style="bold red")
            title.append_text(literal(clash.what.capitalize(), "bold"))
            title.append(" was changed by ")
            title.append_text(literal(who(clash), "bold"))
            title.append(" while you edited it")
            yield Static(title, id="clash-title", markup=False)
            with VerticalScroll(id="clash-body", can_focus=False):
                yield Static(self.table(), id="clash-fields", markup=False)
            yield Static(self.hint(), id="clash-hint", classes="hint", markup=False)
        yield KeysFooter()

    def table(self) -> Table | Text:
        if not self.rows:
            return Text("Which fields changed could not be read: compare the form with the "
                        "record before keeping yours.")
        table = Table(expand=True, show_edge=False, pad_edge=False, box=None,
                      header_style="bold")
        table.add_column("Field", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("Yours", ratio=2, overflow="fold")
        table.add_column(Text.assemble("Theirs (", literal(who(self.clash)), ")"), ratio=2,
                         overflow="fold")
        for row in self.rows:
            table.add_row(literal(row.label), literal(row.yours), literal(row.theirs))
        return table

    def hint(self) -> str:
        if self.keys_hint and self.can_keep:
            return self.keys_hint
        if not self.can_keep:
            return ("The record is gone or could not be read again: e or Esc goes back to the "
                    "form (nothing typed is lost)")
        return ("m keep mine (saved over theirs) · t take theirs · e or Esc edit the form "
                "· nothing typed is lost")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters and parameters[0] != EDIT and not self.can_keep:
            return False
        return True

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


def _options(select: Select) -> dict[Any, str]:
    return {value: str(prompt.plain if isinstance(prompt, Text) else prompt)
            for prompt, value in select._options if value is not Select.NULL}


class ClashHandling:
    """The form side of a clash (mixed into ``FormScreen``; see the module's words)."""

    CLASH_FIELDS: dict[str, str] = {}       # store field -> widget id, where they differ
    CLASH_HIDDEN: frozenset[str] = frozenset()  # store fields the form derives (not shown)
    CLASH_LABELS: dict[str, str] = {}       # labels for store fields with no widget
    # Where the form keeps the record as it read it ("case", "row.action"): its values
    # tell a field the other user changed from one only you did (``read_value``).
    CLASH_RECORD = ""
    # A one-decision form (a RAG rating, a closure): taking theirs leaves nothing to save,
    # and the form closes with THEIRS_RESULT (True where the screen below should reload).
    TAKE_THEIRS_CLOSES = False
    THEIRS_RESULT: Any = None

    clash: Conflict | None = None  # the last clash shown: the next save goes against its version
    clashing: list[str] = []       # its fields the other user really changed (see read_value)
    _overwrite = ""                # "kept mine" / "edited": the next save is a knowing overwrite

    def against(self, version: int | None) -> int | None:
        """The version to save against: the one read, or once a clash has been shown,
        the one the user saw in it."""
        if self.clash is not None and self.clash.version is not None:
            return self.clash.version
        return version

    # -- reading the clash (worker thread, then UI thread) ----------------------------------

    def explain_clash(self, clash: Conflict) -> None:
        """Called in the save's worker thread after the refusal: read what the panel or
        :meth:`take_theirs` needs from the database (e.g. a place's name for its id)."""

    def read_value(self, key: str) -> Any:
        """A store field's value when the form opened (``MISSING`` if not known). The store
        reports every field you change that differs from the record now; one the other
        user left as you read it is yours alone, not a clash."""
        if not self.CLASH_RECORD:
            return MISSING
        try:
            record = attrgetter(self.CLASH_RECORD)(self)
        except AttributeError:
            return MISSING
        table = getattr(record, "__tablename__", None)
        if record is None or (table is not None and self.clash is not None and (
                table != self.clash.table or record.id != self.clash.record_id)):
            return MISSING  # a different record from the one that clashed
        return getattr(record, key, MISSING)

    def really_changed(self, clash: Conflict) -> list[str]:
        """The fields that clash: both of you changed them, to different values."""
        return [key for key in clash.fields
                if clash.yours.get(key) != clash.theirs.get(key)
                and ((read := self.read_value(key)) is MISSING or clash.theirs.get(key) != read)]

    def clash_widget(self, key: str) -> Widget | None:
        found = self.query(f"#{self.CLASH_FIELDS.get(key, key)}")
        return found.first() if found else None

    def clash_label(self, key: str) -> str:
        if key in self.CLASH_LABELS:
            return self.CLASH_LABELS[key]
        label = self.query(f"#{self.CLASH_FIELDS.get(key, key)}-field Label")
        if label:
            return str(label.first().content)
        return key.replace("_", " ").capitalize()

    def clash_value(self, key: str, value: Any) -> str:
        """A store value as the form would show it (a choice's label, a date in words)."""
        widget = self.clash_widget(key)
        if isinstance(widget, Select) and value not in (None, ""):
            return _options(widget).get(value, str(value))
        if value is None or value == "":
            return "(none)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime):
            return when(value)
        if isinstance(value, date):
            return fmt_date(value)
        return visible(value)

    def clash_rows(self, clash: Conflict) -> list[ClashRow]:
        """One row per clashing field, in the order the form shows them."""
        order = [widget.id for widget in self.query("*") if widget.id]

        def place(key: str) -> int:
            wanted = self.CLASH_FIELDS.get(key, key)
            return order.index(wanted) if wanted in order else len(order)

        keys = sorted((key for key in self.clashing if key not in self.CLASH_HIDDEN), key=place)
        return [ClashRow(self.clash_label(key), self.clash_value(key, clash.yours.get(key)),
                         self.clash_value(key, clash.theirs.get(key))) for key in keys]

    def clashed(self, clash: Conflict) -> None:
        """The save was refused: keep the form as typed, say so, and show the panel."""
        self._saving = False
        self.clash = clash
        self._overwrite = ""
        self.clashing = self.really_changed(clash)
        if clash.version is not None and clash.fields and not self.clashing:
            # They changed only what you left alone: yours saves alongside theirs.
            self.query_one("#form-status", Static).update(Text(
                visible(f"Saving alongside {who(clash)}'s change…")))
            self.action_save()
            return
        status = Text("Not saved: ", style="bold red")
        status.append_text(literal(f"changed by {who(clash)}", "bold red"))
        self.query_one("#form-status", Static).update(status)
        self.app.bell()
        self.app.push_screen(ClashScreen(clash, self.clash_rows(clash)), self.clash_answered)

    def clash_answered(self, answer: str | None) -> None:
        clash = self.clash
        if clash is None:
            return
        if answer == MINE:
            self._overwrite = "kept mine"
            self.action_save()
            return
        if answer == THEIRS and self.TAKE_THEIRS_CLOSES:
            self.app.notify(visible(f"{clash.what.capitalize()} left as {who(clash)} saved it"),
                            timeout=5, markup=False)
            self.dismiss(self.THEIRS_RESULT)
            return
        if answer == THEIRS:
            self._overwrite = ""
            self.take_theirs(clash)
            self.show_problems()
            self.query_one("#form-status", Static).update(Text.assemble(
                "Theirs taken; ", ("ctrl+s", "bold"), " saves the rest you typed"))
            return
        self._overwrite = "edited"
        self.query_one("#form-status", Static).update(Text.assemble(
            ("ctrl+s", "bold"), " saves the form as it stands, over theirs"))

    def take_theirs(self, clash: Conflict) -> None:
        """The clashing fields take the other user's values."""
        for key in self.clashing:
            value, widget = clash.theirs.get(key), self.clash_widget(key)
            if widget is None or key in self.CLASH_HIDDEN or key not in clash.theirs:
                continue
            if isinstance(widget, Select):
                if value in _options(widget):
                    widget.value = value
                elif value in (None, "") and widget._allow_blank:
                    widget.value = Select.NULL
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, Input):
                widget.value = (value.isoformat() if isinstance(value, date)
                                else "" if value is None else str(value))
            else:
                continue
            self._touched.add(widget.id)

    # -- saving after a clash ---------------------------------------------------------------

    def overwriting(self, write):
        """``write``, audited as a knowing overwrite when the user kept theirs aside."""
        clash, how, fields = self.clash, self._overwrite, list(self.clashing)
        if clash is None or not how:
            return write

        def write_over(session):
            result = write(session)
            record_overwrite(session, clash, how, fields)
            return result

        return write_over

    def waiting(self, seconds: float) -> None:
        """Called from the save's worker while another user's save holds the database."""
        self.app.call_from_thread(self._say_waiting, seconds)

    def _say_waiting(self, seconds: float | None = None) -> None:
        if self.is_mounted and self._saving:
            so_far = f" ({seconds:.0f} s)" if seconds is not None else ""
            self.query_one("#form-status", Static).update(
                Text(f"Waiting for another user's save…{so_far}", style="bold"))

    def still_saving(self) -> None:
        """A timer after ctrl+s: a save still going is waiting for another user's."""
        status = self.query("#form-status")
        if status and self._saving and "Waiting" not in status.first().content.plain:
            self._say_waiting()

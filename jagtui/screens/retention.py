"""Retention, for admins: closed cases past the retention period, decided one by one.

``r`` retains the highlighted case (a reason and a date after which it is
listed again), ``d`` marks it for deletion (after a yes/no), and ``P`` erases
every case marked, for good, once the admin has typed the confirmation word.
The rules and the erasure live in ``jagtui.store.retention``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.rules.retention import latest_due_closure
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS, ConfirmScreen, FormScreen, field
from jagtui.screens.forms.clash import MINE, ClashRow, ClashScreen
from jagtui.screens.list_screen import current_css, unstyled_first_resume
from jagtui.screens.widgets import DateField
from jagtui.store import retention
from jagtui.store.errors import Conflict, StoreError
from jagtui.store.clashes import record_overwrite
from jagtui.store.retention import ReviewRow

CONFIRM_WORD = "purge"
COLUMNS = (("Ref", "ref"), ("Type", "type"), ("Closed", "closed"), ("State", "state"),
           ("Decided", "decided"), ("Closure reason", "reason"))


class RetainForm(FormScreen[bool]):
    """Why the case is kept, and until when (it is listed again the day after)."""

    form_title = "Retain a closed case"
    CLASH_FIELDS = {"retain_until": "until"}
    CLASH_LABELS = {"decision": "Decision"}
    CLASH_RECORD = "row"  # the latest decision as listed ("" for none)
    TAKE_THEIRS_CLOSES = True  # their decision stands; the list is read again
    THEIRS_RESULT = True

    def __init__(self, row: ReviewRow) -> None:
        super().__init__()
        self.row = row
        self.form_title = f"Retain {row.reference} (closed {fmt_date(row.closed_on)})"
        self.draft_key = f"retain:case:{row.case_id}"

    def fields(self) -> ComposeResult:
        today = self.app.today()
        yield field("Reason", Input(id="reason", placeholder="Why it is still needed"),
                    "A record kept after any erasure: no names, please")
        yield field("Retain until", DateField(today=today, id="until", placeholder="+1y or a date"),
                    "Listed for review again the day after")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#reason", Input).focus()

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not self.query_one("#reason", Input).value.strip():
            wrong["reason"] = "Say why the case is kept"
        until = self.query_one("#until", DateField)
        if until.date is None:
            wrong["until"] = until.validation_message or "Type a date"
        elif until.date <= self.app.today():
            wrong["until"] = "Must be after today"
        return wrong

    def saver(self):
        reason = self.query_one("#reason", Input).value
        until = self.query_one("#until", DateField).date
        app, reference = self.app, self.row.reference
        # The latest decision the admin was shown (0: none), or the one a clash showed.
        seen = self.against(self.row.review_id)

        def write(session) -> bool:
            retention.retain(session, reference, reason, until, app.today(),
                             app.cfg.retention.closed_case_years, seen=seen)
            return True

        return write


    def saved_message(self, result: bool) -> str:
        return f"{self.row.reference} retained"


class PurgeConfirm(ModalScreen[bool]):
    """Erasing is for good: the admin types the word, not just a key."""

    CSS_PATH = FORMS_CSS
    DEFAULT_CSS = "PurgeConfirm { align: center middle; background: $background 60%; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", key_display="Esc")]

    def __init__(self, references: list[str]) -> None:
        super().__init__()
        self.references = references

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(
                f"Erase {len(self.references)} case(s) for good: {', '.join(self.references)}.\n"
                "Their parties, assessments, interventions, actions and meeting notes go, with "
                "the people, places and incidents nothing else refers to. This cannot be undone."))
            yield Input(placeholder=f"Type {CONFIRM_WORD} and press Enter", id="purge-word")
            yield Static(f"Type {CONFIRM_WORD} to erase · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == CONFIRM_WORD:
            self.dismiss(True)
        else:
            self.app.notify(f"Type {CONFIRM_WORD} exactly, or Esc to cancel", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(False)


class RetentionScreen(Screen):
    TITLE = "Retention"
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("r", "retain", "Retain", id="retention-retain",
                tooltip="Keep the highlighted case until a date, with a reason"),
        Binding("d", "mark_delete", "Delete", id="retention-delete",
                tooltip="Mark the highlighted case for deletion (P then erases it)"),
        Binding("P", "purge", "Purge", key_display="P", id="retention-purge",
                tooltip="Erase every case marked for deletion, for good (asks you to type purge)"),
        Binding("f5", "reload", "Refresh", id="retention-refresh", tooltip="Read the list again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        current_css(self)  # styled as it mounts: not re-parsed and restyled at first open
        self.left = False  # suspended at least once (unstyled_first_resume)
        self.rows: list[ReviewRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="retention-intro")
        yield DataTable(id="retention-rows", cursor_type="row", zebra_stripes=True)
        yield Static("", id="retention-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        years = self.app.cfg.retention.closed_case_years
        last = latest_due_closure(self.app.today(), years)
        self.query_one("#retention-intro", Static).update(Text(
            f"Closed cases kept longer than {years} years (closed on or before "
            f"{fmt_date(last)}), longest closed first. r retain · d delete · P purge"))
        self.load()

    @property
    def years(self) -> int:
        return self.app.cfg.retention.closed_case_years

    @work(thread=True, exclusive=True, group="retention")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            rows = retention.review_list(session, app.today(), self.years)
        app.call_from_thread(self.show, rows)

    def show(self, rows: list[ReviewRow]) -> None:
        self.rows = rows
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        private = self.app.private
        for row in self.rows:
            decided = f"{row.decided_by} {fmt_date(row.decided_on)}" if row.decision else ""
            table.add_row(
                literal(row.reference), row.case_type, fmt_date(row.closed_on),
                Text(row.state, style="bold red" if row.decision == "delete" else ""),
                literal(decided),
                Text("(hidden: privacy mode)", style="dim") if private
                else literal(row.closure_reason),
                key=str(row.case_id),
            )
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        marked = sum(1 for row in self.rows if row.decision == "delete")
        self.query_one("#retention-status", Static).update(Text(
            f"{len(self.rows)} cases to decide or erase · {marked} marked for deletion"))

    def refresh_privacy(self) -> None:
        if self.is_mounted:
            self.fill()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        unstyled_first_resume(self, event)
        self.fill()

    def on_screen_suspend(self) -> None:
        self.left = True

    def highlighted(self) -> ReviewRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            self.app.notify("No case is due for review", severity="warning")
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_reload(self) -> None:
        self.load()

    # -- decisions ------------------------------------------------------------------------

    def action_retain(self) -> None:
        row = self.highlighted()
        if row is None or not self.app.allowed("admin"):
            return
        self.app.push_screen(RetainForm(row), lambda saved: saved and self.load())

    def action_mark_delete(self) -> None:
        row = self.highlighted()
        if row is None or not self.app.allowed("admin"):
            return
        if row.decision == "delete":
            self.app.notify(f"{row.reference} is already marked for deletion")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.decide_delete(row.reference, row.review_id)

        self.app.push_screen(ConfirmScreen(
            f"Mark {row.reference} for deletion? Purge (P) will then erase it for good."), answered)

    @work(thread=True, group="retention-decide")
    def decide_delete(self, reference: str, seen: int, over: Conflict | None = None) -> None:
        """Mark for deletion, unless someone decided since the list was read (``seen``:
        the latest decision shown); ``over``: that clash, seen and overridden."""
        app = self.app
        try:
            with app.store.write() as session:
                retention.mark_for_deletion(session, reference, app.today(), self.years,
                                            seen=seen)
                if over is not None:
                    record_overwrite(session, over, "kept mine")
        except Conflict as clash:
            app.call_from_thread(self.delete_clashed, reference, clash)
            return
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        app.call_from_thread(app.notify, f"{reference} marked for deletion", timeout=3)
        self.load()

    def delete_clashed(self, reference: str, clash: Conflict) -> None:
        """Another admin decided meanwhile: their decision and yours; m marks it anyway."""
        def shown(value) -> str:
            if value in (None, ""):
                return "(none)"
            return fmt_date(value) if isinstance(value, date) else str(value)

        fields = (("decision", "Decision"), ("reason", "Reason"), ("retain_until", "Retain until"))
        rows = [ClashRow(label, shown(clash.yours.get(key)), shown(clash.theirs.get(key)))
                for key, label in fields]

        def answered(answer: str | None) -> None:
            if answer == MINE:
                self.decide_delete(reference, clash.version, clash)
            else:
                self.load()  # their decision stands: the list shows it

        hint = ("m mark it for deletion anyway (recorded as an overwrite) · t or Esc keep "
                "their decision")
        self.app.push_screen(ClashScreen(clash, rows, hint=hint), answered)

    def action_purge(self) -> None:
        if not self.app.allowed("admin"):
            return
        marked = [row.reference for row in self.rows if row.decision == "delete"]
        if not marked:
            self.app.notify("No case is marked for deletion: mark one with d first")
            return
        self.app.push_screen(PurgeConfirm(marked), lambda yes: yes and self.erase())

    @work(thread=True, exclusive=True, group="retention-purge")
    def erase(self) -> None:
        app = self.app
        try:
            erasures = retention.purge(app.store, app.today(), self.years)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        summary = "; ".join(erasure.summary() for erasure in erasures) or "Nothing to erase"
        app.call_from_thread(app.notify, f"Erased {summary}", title="Purged", timeout=10)
        self.load()

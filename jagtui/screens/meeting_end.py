"""The end of a meeting: what changed, then the minutes become final; then the exports.

Opened from the agenda runner (E) or, for a final meeting, from the meetings
list, where it also records amendments: final minutes are never rewritten.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from jagtui.display import literal
from jagtui.rules.dates import financial_quarter, fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.meeting_text import summary_text
from jagtui.screens.privacy import redact
from jagtui.screens.widgets import DateField
from jagtui.store import meeting_run
from jagtui.store.errors import StoreError
from jagtui.store.meeting_run import MeetingSummary
from jagtui.store.meeting_view import meeting_parties, typed_notes

EXPORTS = {
    "minutes": "the minutes",
    "redacted": "the redacted minutes",
    "actions": "the action log (reviewed and raised)",
    "redacted actions": "the redacted action log",
    "plan": "the plan progress",
}


def run_export(store, cfg, what: str, meeting_id: int, quarter: str) -> list[Path]:
    """Call the export for ``what``; its modules load only when asked for."""
    if what in ("minutes", "redacted"):
        from jagtui.export.minutes import export_minutes

        return export_minutes(store, cfg, meeting_id, redacted=what == "redacted")
    if what in ("actions", "redacted actions"):
        from jagtui.export.action_log import export_action_log

        return export_action_log(store, cfg, meeting_id=meeting_id, status=None,
                                 redacted=what == "redacted actions")
    from jagtui.export.plan_progress import export_plan

    return export_plan(store, cfg, quarter=quarter)


class MeetingEndScreen(Screen[bool]):
    """Dismissed with True once the minutes are final (the runner then closes too)."""

    TITLE = "End of meeting"
    CSS_PATH = "meeting.tcss"
    # Once final, on a line of its own: at 80 columns the footer has no room for p (or
    # Esc), and the body's list of exports scrolls out of sight under the summary.
    KEYS_HINT = "m r l R export the minutes and action log · p the plan progress · Esc back"
    BINDINGS = [
        Binding("ctrl+s", "finalise", "Finalise minutes", id="end-finalise",
                tooltip="End the meeting: the minutes become final and read-only"),
        Binding("m", "export('minutes')", "Minutes", id="end-minutes",
                tooltip="Export the minutes (Markdown and Word)"),
        Binding("r", "export('redacted')", "Redacted", id="end-redacted",
                tooltip="Export the redacted minutes for wider circulation"),
        Binding("l", "export('actions')", "Action log", id="end-actions",
                tooltip="Export the action log this meeting reviewed and the actions it raised "
                        "(CSV and Excel)"),
        Binding("R", "export('redacted actions')", "Redacted log", id="end-redacted-actions",
                tooltip="Export the redacted action log for wider circulation, to go with "
                        "the redacted minutes"),
        Binding("p", "export('plan')", "Plan progress", id="end-plan",
                tooltip="Export the partnership action plan progress for the quarter"),
        Binding("a", "amend", "Amend", id="end-amend",
                tooltip="Record a correction to the final minutes"),
        Binding("escape", "back", "Back", key_display="Esc", id="end-back"),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.done: MeetingSummary | None = None
        self.amendments: list = []
        self.parties: tuple = ()
        self.exported: list[tuple[str, list[Path]]] = []

    @property
    def final(self) -> bool:
        return self.done is not None and self.done.meeting.status == "final"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="end-body"):
            yield Static("Loading…", id="summary", markup=False)
            yield Static("", id="amendments", markup=False)
            yield Static("", id="exports", markup=False)
        with Horizontal(id="next-row"):
            yield Label("Next meeting ", id="next-label")
            box = DateField(None, today=self.app.today(), id="next_on")
            box.compact = True
            yield box
            yield Static("ctrl+s ends the meeting: the minutes become final", classes="hint")
        yield Static(self.KEYS_HINT, id="end-keys", classes="hint", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="end-load")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            done = meeting_run.summary(session, app.cfg, self.meeting_id)
            amendments = meeting_run.amendments(session, self.meeting_id)
            parties = meeting_parties(session, self.meeting_id)
            if done.meeting.status != "final":
                from jagtui.store.agenda import proposed_next_meeting

                proposed = done.meeting.next_meeting_on or proposed_next_meeting(
                    session, app.cfg, done.meeting.subgroup, done.meeting.held_on)
            else:
                proposed = done.meeting.next_meeting_on
        app.call_from_thread(self.show, done, amendments, parties, proposed)

    def show(self, done: MeetingSummary, amendments: list, parties: tuple, proposed) -> None:
        first = self.done is None
        self.done, self.amendments, self.parties = done, amendments, parties
        self.show_summary()
        box = self.query_one("#next_on", DateField)
        box.next_meeting = proposed  # "next meeting" typed here is the date proposed
        if first and proposed is not None:
            box.value = proposed.isoformat()
        self.query_one("#next-row").display = not self.final
        self.query_one("#end-keys").display = self.final
        if self.final:
            self.query_one("#end-body").focus()
        else:
            box.focus()
        self.show_amendments()
        self.show_exports()
        self.refresh_bindings()

    def show_summary(self) -> None:
        self.query_one("#summary", Static).update(
            summary_text(self.done, self.final, self.parties, self.app.private))

    def show_amendments(self) -> None:
        out = Text()
        if self.amendments:
            out.append("\nAmendments\n", style="bold")
            for amendment in self.amendments:
                out.append(f"  {fmt_date(amendment.created_at.date())} ", style="dim")
                out.append_text(literal(amendment.created_by, "dim"))
                out.append(": ")
                out.append_text(literal(redact(amendment.text, self.parties, self.app.private)))
                out.append("\n")
        self.query_one("#amendments", Static).update(out)

    def show_exports(self) -> None:
        if not self.final:
            self.query_one("#exports", Static).update("")
            return
        out = Text("\nExports: m minutes · r redacted minutes · l action log · "
                   "R redacted action log · p plan progress\n", style="bold")
        for what, paths in self.exported:
            out.append(f"  {EXPORTS[what].capitalize()}:\n")
            for path in paths:
                out.append("    ")
                out.append_text(literal(str(path), "green"))
                out.append("\n")
        self.query_one("#exports", Static).update(out)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "finalise":
            return self.done is not None and not self.final
        if action in ("export", "amend"):
            return self.final
        return True

    # -- ending ------------------------------------------------------------------------------

    def action_finalise(self) -> None:
        if not self.app.allowed("chair"):
            return
        box = self.query_one("#next_on", DateField)
        if box.date is None:
            self.app.notify(f"Next meeting: {box.validation_message}", severity="warning")
            box.focus()
            return
        self.finalise(box.date)

    @work(thread=True, exclusive=True, group="end-write")
    def finalise(self, next_on, unadded_seen: bool = False) -> None:
        app = self.app
        try:
            if not unadded_seen:
                # Read now, not when the screen opened: the runner's last draft is saved
                # as E is pressed, by a write that may land after this screen's load.
                with app.store.read() as session:
                    typed = typed_notes(session, self.meeting_id)
                if typed:
                    app.call_from_thread(self.ask_unadded, typed, next_on)
                    return
            with app.store.write() as session:
                meeting_run.end_meeting(session, app.cfg, self.meeting_id, next_on)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), title="Not ended", severity="error")
            return
        app.call_from_thread(app.notify, f"The minutes are final. Next meeting {fmt_date(next_on)}.")
        self.load()

    def ask_unadded(self, typed: list[tuple[int, str]], next_on) -> None:
        """Points typed under items but never added (ctrl+s in the notes box): ending
        now leaves them out of the minutes, so the chair is asked first."""

        def start(text: str) -> str:
            return " ".join(redact(text, self.parties, self.app.private).split())[:60]

        shown = "; ".join(f"item {number}: \u201c{start(text)}\u201d" for number, text in typed[:3])
        if len(typed) > 3:
            shown += f"; and {len(typed) - 3} more"
        question = (f"Typed but not added to the minutes ({shown}). End the meeting without "
                    f"{'it' if len(typed) == 1 else 'them'}? (n: go back to the meeting with "
                    "Esc, and ctrl+s in the item's notes box adds it)")

        def answered(yes: bool | None) -> None:
            if yes:
                self.finalise(next_on, unadded_seen=True)

        self.app.push_screen(ConfirmScreen(question), answered)

    # -- after: exports and amendments -----------------------------------------------------------

    def action_export(self, what: str) -> None:
        if self.app.allowed("export"):
            self.app.notify(f"Exporting {EXPORTS[what]}…", timeout=2)
            self.export(what)

    @work(thread=True, group="end-export")
    def export(self, what: str) -> None:
        app = self.app
        quarter = financial_quarter(self.done.meeting.held_on)
        try:
            paths = run_export(app.store, app.cfg, what, self.meeting_id, quarter)
        except ImportError:
            app.call_from_thread(app.notify, f"Exporting {EXPORTS[what]} is not available in this "
                                 "version", severity="warning")
            return
        except (StoreError, OSError, ValueError) as error:
            app.call_from_thread(app.notify, f"Not exported: {error}", severity="error", timeout=10)
            return
        app.call_from_thread(self.exported_to, what, paths)

    def exported_to(self, what: str, paths: list[Path]) -> None:
        self.exported = [(w, p) for w, p in self.exported if w != what] + [(what, list(paths))]
        self.show_exports()
        # Each file's full path: the chair attaches them to the email that circulates them.
        written = "\n".join(str(path) for path in paths) or "(nothing written)"
        self.app.notify(f"Exported {EXPORTS[what]}:\n{written}", timeout=10, markup=False)

    def action_amend(self) -> None:
        from jagtui.screens.forms.meeting_forms import AmendmentForm

        if self.app.allowed("chair"):
            self.app.push_screen(AmendmentForm(self.done.meeting),
                                 lambda saved: saved is not None and self.load())

    def action_back(self) -> None:
        self.dismiss(self.final)

    def refresh_privacy(self) -> None:
        if self.done is not None:
            self.show_summary()
            self.show_amendments()

    def on_screen_resume(self) -> None:
        self.refresh_privacy()

    def on_data_changed(self, _message) -> None:
        self.load()

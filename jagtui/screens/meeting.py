"""Meetings: start one, resume one in progress, or open final minutes.

Starting: the attendance form, then the confidentiality statement (read and
acknowledged with a key) and only then the agenda runner, so no case opens
before the room has accepted the information sharing terms.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.store import meeting_run, meetings
from jagtui.store.errors import StoreError
from jagtui.store.models import Meeting

STATUS_STYLES = {"in progress": "bold yellow", "final": "green", "planned": "dim"}


class ConfidentialityScreen(ModalScreen[bool]):
    """The configured statement; y when the chair has read it and the room accepts it."""

    CSS_PATH = "meeting.tcss"
    BINDINGS = [
        Binding("y", "acknowledge", "Acknowledged", id="statement-yes",
                tooltip="Everyone present accepts the statement: the agenda opens"),
        Binding("escape", "dismiss(False)", "Not yet", key_display="Esc", id="statement-no"),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        partnership = self.app.cfg.partnership
        with Vertical(id="statement"):
            yield Static(Text("Confidentiality and information sharing", style="bold"), markup=False)
            yield Static(literal(partnership.confidentiality_statement), id="statement-text",
                         markup=False)
            yield Static(Text(f"{partnership.protective_marking}. Read the statement to the meeting. "
                              "Press y when everyone present accepts it; Esc to go back.",
                              style="dim"), markup=False)
        yield Footer()

    def action_acknowledge(self) -> None:
        if self.app.allowed("chair"):
            self.acknowledge()

    @work(thread=True, exclusive=True, group="statement")
    def acknowledge(self) -> None:
        app = self.app
        try:
            with app.store.write() as session:
                meeting_run.acknowledge(session, self.meeting_id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        app.call_from_thread(self.dismiss, True)


class MeetingsScreen(Screen):
    TITLE = "Meetings"
    CSS_PATH = "meeting.tcss"
    BINDINGS = [
        Binding("n", "start", "Start meeting", id="meetings-start",
                tooltip="Start a meeting: attendance, the statement, then the agenda"),
        Binding("o", "open", "Open", id="meetings-open",
                tooltip="Resume a meeting in progress; a final one shows its summary, "
                        "amendments and exports (Enter does the same)"),
        Binding("f5", "reload", "Refresh", id="meetings-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Meeting] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="meetings-hint", markup=False)
        yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("Date", "date"), ("Group", "group"), ("Chair", "chair"),
                           ("Status", "status"), ("Next meeting", "next")):
            table.add_column(label, key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="meetings")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            rows = meetings.list_meetings(session)
        app.call_from_thread(self.show, rows)

    def show(self, rows: list[Meeting]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for meeting in rows:
            table.add_row(fmt_date(meeting.held_on), literal(meeting.subgroup), literal(meeting.chair),
                          Text(meeting.status, style=STATUS_STYLES.get(meeting.status, "")),
                          fmt_date(meeting.next_meeting_on), key=str(meeting.id))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        running = [m for m in rows if m.status == "in progress"]
        hint = (f"In progress: {running[0].subgroup} {fmt_date(running[0].held_on)} (o to resume). "
                if running else "")
        self.query_one("#meetings-hint", Static).update(
            Text(hint + "n starts a meeting; o or Enter opens the highlighted one."))

    def on_data_changed(self, _message) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load()

    # -- starting and opening --------------------------------------------------------------

    def action_start(self, subgroup: str = "", held_on=None) -> None:
        from jagtui.screens.forms.meeting_start import StartMeetingForm

        if self.app.allowed("chair"):
            self.app.push_screen(StartMeetingForm(subgroup, held_on),
                                 lambda meeting_id: meeting_id and self.run(meeting_id, False))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows:
            return
        meeting = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        if meeting.status == "planned":
            self.action_start(meeting.subgroup, meeting.held_on)
        elif meeting.status == "in progress":
            self.run(meeting.id, meeting.confidentiality_ack_at is not None)
        else:
            from jagtui.screens.meeting_end import MeetingEndScreen

            self.app.push_screen(MeetingEndScreen(meeting.id), lambda _: self.load())

    @on(DataTable.RowSelected, "#meetings")
    def row_chosen(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def run(self, meeting_id: int, acknowledged: bool) -> None:
        """The statement first (unless already acknowledged), then the agenda."""
        from jagtui.screens.agenda_runner import AgendaRunnerScreen

        def opened(_result=None) -> None:
            self.load()

        def statement_done(accepted: bool | None) -> None:
            if accepted:
                self.app.push_screen(AgendaRunnerScreen(meeting_id), opened)
            else:
                self.app.notify("The agenda opens once the statement is acknowledged (o to resume)")
                self.load()

        if acknowledged:
            self.app.push_screen(AgendaRunnerScreen(meeting_id), opened)
        elif self.app.allowed("chair"):
            self.app.push_screen(ConfidentialityScreen(meeting_id), statement_done)

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
from textual.widgets import DataTable, Header, Static

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.forms.meeting_start import StartMeetingForm, held_question
from jagtui.store import meeting_place, meeting_run, meetings
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
        yield KeysFooter()

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
        Binding("o", "resume", "Resume", id="meetings-open",
                tooltip="Resume the meeting in progress at the item where it was left "
                        "(with none in progress, open the highlighted one)"),
        Binding("enter", "open", "Open", id="meetings-open-row", show=False,
                tooltip="Open the highlighted meeting: start a planned one, resume one in "
                        "progress, or a final one's summary, amendments and exports"),
        Binding("f", "follow", "Follow", id="meetings-follow",
                tooltip="Follow the running meeting live, read-only; send the chair your "
                        "agency's update or a correction (also: jagtui follow)"),
        Binding("f5", "reload", "Refresh", id="meetings-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Meeting] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="meetings-hint", markup=False)
        yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

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
        running = self.running()
        hint = Text()
        if running is not None:
            hint.append("In progress: ")
            hint.append_text(literal(running.subgroup, "bold"))
            hint.append(f" {fmt_date(running.held_on)} (o resumes it). ", style="bold")
        hint.append("n starts a meeting; Enter opens the highlighted one.")
        self.query_one("#meetings-hint", Static).update(hint)

    def running(self) -> Meeting | None:
        """The meeting o resumes: the highlighted one if it is in progress, else the latest."""
        table = self.query_one(DataTable)
        if self.rows:
            highlighted = self.rows[min(table.cursor_row, len(self.rows) - 1)]
            if highlighted.status == "in progress":
                return highlighted
        return next((m for m in self.rows if m.status == "in progress"), None)

    def on_data_changed(self, _message) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load()

    # -- starting and opening --------------------------------------------------------------

    def action_start(self) -> None:
        """A new meeting of the main group today, asking first if today's is already held
        (and pointing to o if it is still in progress)."""
        if not self.app.allowed("chair"):
            return
        subgroup, today = self.app.cfg.subgroups[0].key, self.app.today()
        with self.app.store.read() as session:
            existing = meeting_place.held_that_day(session, subgroup, today)
        if existing is None:
            self.open_start_form(subgroup, today)
        elif existing.status == "in progress":
            self.app.notify(f"Today's {subgroup} meeting is in progress: o resumes it",
                            severity="warning", markup=False)
        else:
            self.app.push_screen(ConfirmScreen(held_question(existing)),
                                 lambda again: again and self.open_start_form(
                                     subgroup, today, confirmed=(subgroup, today)))

    def open_start_form(self, subgroup: str = "", held_on=None, confirmed=None) -> None:
        if self.app.allowed("chair"):
            self.app.push_screen(StartMeetingForm(subgroup, held_on, confirmed=confirmed),
                                 lambda meeting_id: meeting_id and self.run(meeting_id, False))

    def action_resume(self) -> None:
        running = self.running()
        if running is None:
            self.action_open()
        else:
            self.run(running.id, running.confidentiality_ack_at is not None, resume=True)

    def action_follow(self) -> None:
        from jagtui.screens.follow import FollowScreen

        running = self.running()
        self.app.push_screen(FollowScreen(running.id if running is not None else None),
                             lambda _: self.load())

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows:
            return
        meeting = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        if meeting.status == "planned":
            self.open_start_form(meeting.subgroup, meeting.held_on)
        elif meeting.status == "in progress":
            self.run(meeting.id, meeting.confidentiality_ack_at is not None, resume=True)
        else:
            from jagtui.screens.meeting_end import MeetingEndScreen

            self.app.push_screen(MeetingEndScreen(meeting.id), lambda _: self.load())

    @on(DataTable.RowSelected, "#meetings")
    def row_chosen(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def run(self, meeting_id: int, acknowledged: bool, resume: bool = False) -> None:
        """The statement first (unless already acknowledged), then the agenda: resumed at
        the item where it was left."""
        if acknowledged:
            self.open_runner(meeting_id, resume)
            return

        def statement_done(accepted: bool | None) -> None:
            if accepted:
                self.open_runner(meeting_id, resume)
            else:
                self.app.notify("The agenda opens once the statement is acknowledged (o to resume)")
                self.load()

        if self.app.allowed("chair"):
            self.app.push_screen(ConfidentialityScreen(meeting_id), statement_done)

    def open_runner(self, meeting_id: int, resume: bool) -> None:
        from jagtui.screens.agenda_runner import AgendaRunnerScreen

        start_at = 0
        if resume:
            with self.app.store.read() as session:
                start_at = meeting_place.left_at(session, meeting_id)
        runner = AgendaRunnerScreen(meeting_id, start_at=start_at)

        def left(_result=None) -> None:
            item = runner.item
            if item is not None:
                self.keep_place(meeting_id, item.id)
            self.load()

        self.app.push_screen(runner, left)

    @work(thread=True, group="meetings-place")
    def keep_place(self, meeting_id: int, item_id: int) -> None:
        app = self.app
        try:
            with app.store.write() as session:
                meeting_place.keep_place(session, meeting_id, item_id)
        except StoreError:
            pass  # only a convenience: the meeting resumes where its latest record is


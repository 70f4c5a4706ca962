"""My work: what the logged-in partner (or their agency) has to do before the meeting.

The actions they or their agency own, the referrals out they or their agency made
still waiting on the service, the ASB case reviews their agency leads with a step
to take, and the cases they lead; overdue and due-by-the-next-meeting marked. On
an action, ``u`` adds an update and ``c`` completes it (the Actions screen's forms:
version-checked, audited); the agenda runner then offers what they wrote to the
chair. ``r`` writes their agency's update (or, for a subgroup chair, the group's
summary) for a meeting.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.list_screen import ListScreen
from jagtui.screens.privacy import redact
from jagtui.store.partner_work import MyWork, WorkLine, my_work

KIND_WORDS = {"action": "Action", "referral": "Referral", "review": "Case review", "case": "Case lead"}


class MyWorkScreen(ListScreen):
    CSS_PATH = "my_work.tcss"
    TITLE = "My work"
    TABLE = "#my-work"
    BINDINGS = [
        Binding("u", "update", "Update", id="mywork-update",
                tooltip="Add an update to the highlighted action: the meeting sees it"),
        Binding("c", "complete", "Complete", id="mywork-complete",
                tooltip="Complete the highlighted action ahead of the meeting"),
        Binding("r", "report", "Agency update", id="mywork-report",
                tooltip="Write your agency's update (or your subgroup's summary) for a meeting"),
        Binding("enter", "open_case", "Open case", key_display="Enter", id="mywork-open",
                tooltip="Open the case of the highlighted line"),
        Binding("f5", "reload", "Refresh", id="mywork-refresh", tooltip="Reload from the database"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.work: MyWork | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="my-work-who", markup=False)
        yield DataTable(id="my-work", cursor_type="row", zebra_stripes=True)
        yield Static("", id="my-work-detail", markup=False)
        yield KeysFooter()

    # -- reading -------------------------------------------------------------------------

    def reader(self) -> Callable[[Session], MyWork]:
        app = self.app
        login, today = app.store.login, app.today()
        return lambda session: my_work(session, app.cfg, login, today)

    def show(self, found: MyWork) -> None:
        self.work = found
        self.rows = list(found.lines)
        self.fill()

    def masked(self, line: WorkLine, text: str) -> str:
        names = self.work.names.get(line.case_id, []) if line.case_id is not None else []
        return redact(text, names, self.app.private)

    def fill(self) -> None:
        if self.work is None:
            return
        table = self.query_one("#my-work", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for label in ("Kind", "Ref", "What", "Due", "Status"):
            table.add_column(label, key=label)
        today = self.app.today()
        # The text takes what the other columns leave (about 20 at 80 columns).
        room = max(16, self.size.width - 60)
        for line in self.rows:
            day = line.due.strftime("%d %b %y") if line.due else "-"
            due = Text(f"OVERDUE {day}", style="bold red") if line.overdue else \
                Text(f"due {day}", style="bold yellow") if line.due_soon else Text(day)
            what = literal(self.masked(line, line.what))
            what.truncate(room, overflow="ellipsis")
            status = literal(line.status)
            status.truncate(9, overflow="ellipsis")
            table.add_row(Text(KIND_WORDS[line.kind]), literal(line.ref), what, due, status,
                          key=f"{line.kind}:{line.id}")
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        who = self.work.partner
        agency = self.app.cfg.agency_name(who.agency) or "no agency"
        overdue = sum(line.overdue for line in self.rows)
        self.query_one("#my-work-who", Static).update(Text.assemble(
            (who.name, "bold"), f" · {agency} · next meeting {fmt_date(self.work.next_meeting)} · ",
            (f"{overdue} overdue", "bold red" if overdue else "dim"),
            f" · {len(self.rows)} on your list" if self.rows else " · nothing on your list",
            f" · {today:%d %b %Y}"))
        self.fill_detail()

    @property
    def selected(self) -> WorkLine | None:
        table = self.query_one("#my-work", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    @on(DataTable.RowHighlighted, "#my-work")
    def fill_detail(self, _event=None) -> None:
        line = self.selected
        detail = self.query_one("#my-work-detail", Static)
        if line is None:
            detail.update(Text("Nothing on your list: no actions, referrals, case reviews or "
                               "cases are yours or your agency's.", style="dim"))
            return
        text = Text.assemble((f"{KIND_WORDS[line.kind]} ", "bold"))
        text.append_text(literal(line.ref, "bold"))
        text.append(": ")
        text.append_text(literal(self.masked(line, line.what)))
        text.append(" (yours)" if line.mine else " (your agency's)", style="dim")
        if line.row is not None and line.row.latest_update is not None:
            update = line.row.latest_update
            text.append(f"\nLatest update ({fmt_date(update.updated_on)}): ", style="dim")
            text.append_text(literal(self.masked(line, update.text)))
        if line.kind == "action":
            text.append("\nu adds an update, c completes it: the chair sees it at the meeting",
                        style="dim")
        detail.update(text)

    # -- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("update", "complete"):
            line = self.selected
            return line is not None and line.kind == "action" or None
        return True

    def _action_line(self) -> WorkLine | None:
        line = self.selected
        if line is None or line.kind != "action" or line.row is None:
            self.app.notify("Highlight one of your actions first", severity="warning")
            return None
        return line if self.app.allowed("edit") else None

    def _form(self, complete: bool) -> None:
        line = self._action_line()
        if line is not None:
            from jagtui.screens.forms.action import ActionUpdateForm

            names = self.work.names.get(line.case_id, []) if line.case_id is not None else []
            self.app.push_screen(ActionUpdateForm(line.row, self.app.cfg, self.app.today(),
                                                  complete=complete, names=names),
                                 lambda saved: saved is not None and self.load())

    def action_update(self) -> None:
        self._form(False)

    def action_complete(self) -> None:
        self._form(True)

    def action_report(self) -> None:
        if self.work is None or not self.app.allowed("edit"):
            return
        from jagtui.screens.forms.partner_report import open_report_form

        open_report_form(self.app, self.work.partner, lambda saved: saved is not None and self.load())

    def action_open_case(self) -> None:
        line = self.selected
        if line is None or line.case_id is None:
            self.app.notify("No case to open on this line", severity="warning")
            return
        from jagtui.screens.case_view import open_case

        open_case(self.app, line.case_id)

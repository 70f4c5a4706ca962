"""The ASB case review register (the Community Trigger): every application, where it
stands, its next step and when that is due, overdue steps marked.

``n`` takes a new application, Enter opens one (``case_review_view``), ``f`` shows
only those with a step overdue, then only open ones, then all again.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlmodel import Session
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from jagtui.display import cell, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.case_review_view import new_application, open_review, shown_applicant
from jagtui.screens.case_view import open_case
from jagtui.screens.footer import KeysFooter
from jagtui.screens.list_screen import ListScreen, unstyled_first_resume
from jagtui.screens.privacy import person_name
from jagtui.store.case_reviews import ReviewRow, register

COLUMNS = (("Ref", "ref"), ("Received", "received"), ("Victim", "victim"), ("Status", "status"),
           ("Next step", "next"), ("Due", "due"))
DATE_WIDTH = 11  # "ASBR-26-001", "30 Nov 2026"
# The most the text columns need; what is cropped is in full on the line under the table.
MOST = {"victim": 22, "status": 21, "next": 40}


def column_widths(width: int) -> dict[str, int]:
    """Fixed widths for a screen ``width`` wide, so Due (and OVERDUE) stay in view at 80
    columns: a column left to fit its content never shrinks again (an empty register's
    line once made Received 36 wide) and pushed Next step and Due off the screen."""
    # Each column has a cell of padding either side; 2 for the scrollbar.
    spare = max(width - 2 - 2 * len(COLUMNS) - 3 * DATE_WIDTH, 24)
    victim = min(MOST["victim"], spare * 3 // 10)
    status = min(MOST["status"], spare * 3 // 10)
    return {"ref": DATE_WIDTH, "received": DATE_WIDTH, "victim": victim, "status": status,
            "next": min(MOST["next"], spare - victim - status), "due": DATE_WIDTH}
FILTERS = (None, "overdue", "open")
FILTER_NAMES = {None: "All applications", "overdue": "Overdue steps only", "open": "Open only"}
CLOSED = ("threshold not met", "review complete", "escalation decided")


class CaseReviewsScreen(ListScreen):
    CSS_PATH = "case_reviews.tcss"
    TITLE = "ASB case reviews"
    TABLE = "#case-reviews"
    BINDINGS = [
        Binding("enter", "open_review", "Open", key_display="Enter", id="reviews-open", priority=True,
                tooltip="Open the highlighted application: the threshold test, each step, "
                        "recommendations and the applicant told"),
        Binding("n", "new", "New application", id="reviews-new",
                tooltip="Record an ASB case review application (Community Trigger) just received"),
        Binding("f", "filter", "Filter", id="reviews-filter",
                tooltip="Overdue steps only, open applications only, then all again"),
        Binding("f5", "reload", "Refresh", id="reviews-refresh", tooltip="Reload from the database"),
    ]

    rows: list[ReviewRow]

    def __init__(self) -> None:
        super().__init__()
        self.kind: str | None = None
        self.left = False  # suspended at least once (unstyled_first_resume)

    # Textual calls ListScreen's on_screen_resume (the reload) as well: not called from here.
    def on_screen_resume(self, event: events.ScreenResume) -> None:
        unstyled_first_resume(self, event)

    def on_screen_suspend(self) -> None:
        self.left = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="reviews-summary", markup=False)
        yield DataTable(id="case-reviews", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reviews-detail", markup=False)
        yield KeysFooter()

    def reader(self) -> Callable[[Session], list[ReviewRow]]:
        cfg, today = self.app.cfg, self.app.today()
        return lambda session: register(session, cfg, today)

    def show(self, found: list[ReviewRow]) -> None:
        self.rows = found
        self.fill()

    @property
    def visible_rows(self) -> list[ReviewRow]:
        if self.kind == "overdue":
            return [row for row in self.rows if row.overdue]
        if self.kind == "open":
            return [row for row in self.rows if row.status not in CLOSED]
        return list(self.rows)

    def fill(self) -> None:
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear(columns=True)
        widths = column_widths(self.size.width)
        for label, key in COLUMNS:
            table.add_column(label, key=key, width=widths[key])
        private = self.app.private
        shown = self.visible_rows
        for row in shown:
            late = bool(row.overdue)
            step = row.next_step
            table.add_row(
                literal(row.reference), Text(fmt_date(row.received_on)),
                cell(person_name(row.victim, private) or "(not held)"),
                cell(row.status, "bold" if row.status not in CLOSED else "dim"),
                cell(("OVERDUE " if late else "") + (step.name if step else "-"),
                     "bold red" if late else ""),
                Text(fmt_date(row.next_due) if row.next_due else "-", style="bold red" if late else ""),
                key=str(row.id))
        if table.row_count:
            table.move_cursor(row=min(max(at, 0), table.row_count - 1))
        late = sum(1 for row in self.rows if row.overdue)
        summary = Text(f"Showing: {FILTER_NAMES[self.kind]}", style="bold reverse")
        summary.append(f"  {len(self.rows)} applications")
        if late:
            summary.append(f"  · {late} with a step overdue", style="bold red")
        self.query_one("#reviews-summary", Static).update(summary)
        self.show_detail()

    @property
    def selected(self) -> ReviewRow | None:
        shown = self.visible_rows
        if not shown:
            return None
        return shown[min(max(self.query_one(DataTable).cursor_row, 0), len(shown) - 1)]

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        row = self.selected
        detail = self.query_one("#reviews-detail", Static)
        if row is None:  # said here, not in a cell: no column is wide enough for it
            detail.update(Text("No applications" + ("" if self.kind is None else " here")
                               + ": n records a new one", style="dim"))
            return
        text = literal(row.reference, "bold")
        text.append(": applicant ")
        text.append_text(literal(self._applicant(row)))
        if row.case_reference:
            text.append(" · case ")
            text.append_text(literal(row.case_reference))
        today = self.app.today()
        for step in row.overdue:
            text.append(f"\n{step.words(today)}", style="bold red")
        if not row.overdue and row.next_step:
            text.append(f"\n{row.next_step.words(today)}")
        text.append("\nEnter opens the record", style="dim")
        detail.update(text)

    def _applicant(self, row: ReviewRow) -> str:
        return shown_applicant(row, self.app.private)

    def action_filter(self) -> None:
        self.kind = FILTERS[(FILTERS.index(self.kind) + 1) % len(FILTERS)]
        self.fill()

    def action_open_review(self) -> None:
        row = self.selected
        if row is not None:
            open_review(self.app, row.id, self.back_from_review)

    def back_from_review(self, case_id: int | None = None) -> None:
        """Back from a record: read the register again; ``o`` there asked for the case."""
        self.load()
        if case_id is not None:
            open_case(self.app, case_id)

    def action_new(self) -> None:
        def made(review_id: int | None) -> None:
            self.load()
            if review_id is not None:
                open_review(self.app, review_id, self.back_from_review)

        new_application(self.app, made)

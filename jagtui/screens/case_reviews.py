"""The ASB case review register (the Community Trigger): every application, where it
stands, its next step and when that is due, overdue steps marked.

``n`` takes a new application, Enter opens one (``case_review_view``), ``f`` shows
only those with a step overdue, then only open ones, then all again.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from jagtui.display import cell, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.case_review_view import open_review, shown_applicant
from jagtui.screens.footer import KeysFooter
from jagtui.screens.list_screen import ListScreen
from jagtui.screens.privacy import person_name
from jagtui.store import case_reviews
from jagtui.store.case_reviews import ReviewRow, register
from jagtui.store.casework import Picked
from jagtui.store.errors import StoreError

COLUMNS = (("Ref", "ref"), ("Received", "received"), ("Victim", "victim"), ("Status", "status"),
           ("Next step", "next"), ("Due", "due"))
FILTERS = (None, "overdue", "open")
FILTER_NAMES = {None: "All applications", "overdue": "Overdue steps only", "open": "Open only"}
CLOSED = ("threshold not met", "review complete", "escalation decided")


def new_application(app, after: Callable, victim=None, case_reference: str = "") -> None:
    """The application form; ``after`` gets the new application's id (None: cancelled)."""
    if not app.allowed("edit"):
        return
    from jagtui.screens.forms.case_review import ApplicationForm

    app.push_screen(ApplicationForm(victim=victim, case_reference=case_reference), after)


def review_from_case(app, file) -> None:
    """From the case view (``T``): the case's latest application, or a new one for its
    victim (the primary person, else the first victim) on this case."""
    case, parties = file.case, file.parties

    def read() -> None:
        try:
            with app.store.read() as session:
                found = case_reviews.for_case(session, case.id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(shown, found)

    def shown(found: list[int]) -> None:
        if found:
            if len(found) > 1:
                app.notify(f"{len(found)} applications on this case: the latest is shown "
                           "(0 lists them all)", timeout=6)
            open_review(app, found[0])
            return
        people = sorted((p for p in parties if p.person_id is not None and p.role == "victim"),
                        key=lambda p: not p.primary)
        victim = Picked("person", people[0].person_id, people[0].name) if people else None
        new_application(app, lambda review_id: open_review(app, review_id) if review_id else None,
                        victim=victim, case_reference=case.reference)

    app.run_worker(read, thread=True, group="case-review-from-case", exit_on_error=False)


class CaseReviewsScreen(ListScreen):
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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="reviews-summary", markup=False)
        table = DataTable(id="case-reviews", cursor_type="row", zebra_stripes=True)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        yield table
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
        table.clear()
        private = self.app.private
        shown = self.visible_rows
        for row in shown:
            late = bool(row.overdue)
            step = row.next_step
            table.add_row(
                literal(row.reference), Text(fmt_date(row.received_on)),
                cell(person_name(row.victim, private) or "(not held)"),
                Text(row.status, style="bold" if row.status not in CLOSED else "dim"),
                cell(("OVERDUE " if late else "") + (step.name if step else "-"),
                     "bold red" if late else ""),
                Text(fmt_date(row.next_due) if row.next_due else "-", style="bold red" if late else ""),
                key=str(row.id))
        if not shown:
            table.add_row("", Text("No applications" + ("" if self.kind is None else " here")
                                   + ": n records a new one", style="dim"), "", "", "", "")
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
        if row is None:
            detail.update(Text("n records a new application.", style="dim"))
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
            open_review(self.app, row.id, lambda _=None: self.load())

    def action_new(self) -> None:
        def made(review_id: int | None) -> None:
            self.load()
            if review_id is not None:
                open_review(self.app, review_id, lambda _=None: self.load())

        new_application(self.app, made)

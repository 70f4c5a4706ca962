"""Home: the open cases, highest risk first."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from jagtui.display import RAG_STYLES, RISK_STYLES, flag_badges, literal, masked_subject
from jagtui.rules.dates import fmt_date
from jagtui.store.caselist import CaseRow, case_rows, highest_risk_first

COLUMNS = (
    ("Ref", "ref"), ("Subject", "subject"), ("Type", "type"), ("Group", "group"),
    ("Beat", "beat"), ("Lead", "lead"), ("Risk", "risk"), ("Harm", "harm"), ("Flags", "flags"),
    ("RAG", "rag"), ("Review", "review"), ("Actions", "actions"),
)


class CaseListScreen(Screen):
    TITLE = "Cases"
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="search",
                tooltip="Search references, names and places as you type"),
        Binding("escape", "clear_search", "Clear", show=False),
        Binding("f5", "reload", "Refresh", id="refresh", tooltip="Reload the list from the database"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CaseRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search: reference, name, place", id="search")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="case-list")
    def load(self, search: str = "") -> None:
        app = self.app
        with app.store.read() as session:
            rows = case_rows(session, app.cfg, app.today(), search=search)
        rows.sort(key=highest_risk_first)
        app.call_from_thread(self.show, rows)

    def show(self, rows: list[CaseRow]) -> None:
        self.rows = rows
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        private = self.app.private
        cursor = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(*self.cells(row, private), key=str(row.id))
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        overdue = sum(1 for row in self.rows if row.has_flag("review_overdue"))
        self.query_one("#status", Static).update(
            Text(f"{len(self.rows)} open cases · {overdue} risk reviews overdue · sorted highest risk first")
        )

    def cells(self, row: CaseRow, private: bool) -> list:
        subject = masked_subject(row.subject, row.subject_is_person, row.locality, private)
        return [
            literal(row.reference),
            literal(subject),
            row.case_type,
            literal(row.subgroup),
            literal(row.beat),
            literal(row.lead_agency),
            Text(row.risk_level or "-", style=RISK_STYLES.get(row.risk_level, "dim")),
            Text(f"{row.harm.index:g} {row.harm.arrow}"),
            Text(flag_badges([flag.code for flag in row.flags]), style="bold"),
            Text(row.rag.upper(), style=RAG_STYLES.get(row.rag, "")),
            fmt_date(row.next_review),
            Text(f"{row.open_actions}/{row.overdue_actions}",
                 style="bold red" if row.overdue_actions else ""),
        ]

    def refresh_privacy(self) -> None:
        if self.is_mounted:
            self.fill()

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.remove_class("shown")
        self.query_one(DataTable).focus()

    def action_reload(self) -> None:
        self.load(self.query_one("#search", Input).value)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(DataTable).focus()

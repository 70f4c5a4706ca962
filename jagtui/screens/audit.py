"""The audit trail, for admins: who saw and changed what, filtered, a page at a time.

Filter by login, case reference (erased cases too) and a date range; the
highlighted entry's before/after detail is shown exactly as stored (never as
markup). Pages are read in a worker, newest first, so the screen stays quick
however long the log grows. Looking at the trail is itself audited, once per
filter.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from jagtui.display import literal
from jagtui.screens.footer import KeysFooter
from jagtui.screens.lazy_table import LazyTable
from jagtui.screens.list_screen import current_css, unstyled_first_resume
from jagtui.screens.widgets import DateField
from jagtui.store import audit
from jagtui.store.audit import Filter, Row
from jagtui.store.errors import StoreError

PAGE = 200
COLUMNS = (("When", "at"), ("Who", "login"), ("What", "operation"), ("Table", "table"),
           ("Record", "record"), ("Case", "case"))


def when(row: Row) -> str:
    return row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def detail_text(row: Row) -> str:
    head = (f"#{row.id}  {when(row)}  {row.login}  {row.operation}  {row.table_name or '-'}"
            f"  record {row.record_id if row.record_id is not None else '-'}"
            f"  case {row.case_reference or (row.case_id if row.case_id is not None else '-')}")
    return head + "\n" + json.dumps(row.detail, indent=2, ensure_ascii=False, sort_keys=True)


def entry_cells(row: Row) -> list:
    return [when(row), literal(row.login), row.operation, row.table_name or "-",
            "" if row.record_id is None else str(row.record_id),
            literal(row.case_reference or ("" if row.case_id is None else f"#{row.case_id}"))]


class AuditScreen(Screen):
    TITLE = "Audit trail"
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("slash", "filters", "Filter", key_display="/", id="audit-filter",
                tooltip="Filter by login, case reference and dates; Enter applies"),
        Binding("escape", "to_table", "Back to list", show=False),
        Binding("n", "older", "Older", id="audit-older", tooltip="The next, older page"),
        Binding("p", "newer", "Newer", id="audit-newer", tooltip="The previous, newer page"),
        Binding("f5", "reload", "Refresh", id="audit-refresh", tooltip="Read the newest entries"),
    ]

    def __init__(self) -> None:
        super().__init__()
        current_css(self)  # styled as it mounts: not re-parsed and restyled at first open
        self.left = False  # suspended at least once (unstyled_first_resume)
        self.where = Filter()
        self.rows: list[Row] = []
        self.more = False
        self.newer_pages: list[int | None] = []  # before_id of each page above this one
        self.before_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        today = self.app.today()
        with Horizontal(id="audit-filters"):
            for box in (Input(placeholder="Login", id="audit-user"),
                        Input(placeholder="Case reference", id="audit-case"),
                        DateField(today=today, optional=True, id="audit-since",
                                  placeholder="From date"),
                        DateField(today=today, optional=True, id="audit-until",
                                  placeholder="To date (Enter applies)")):
                box.compact = True
                yield box
        # Lazy: a page is 200 entries; the stock table made and measured every cell of
        # them before the first frame (~70 ms of the first open). Only those in view now.
        yield LazyTable(entry_cells, lambda row: str(row.id), id="audit-rows",
                        cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="audit-detail-box"):
            yield Static("", id="audit-detail", markup=False)
        yield Static("", id="audit-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        self.load(self.where, None, True)

    # -- loading -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="audit")
    def load(self, where: Filter, before_id: int | None, new_filter: bool) -> None:
        app = self.app
        try:
            if new_filter:
                with app.store.write() as session:
                    audit.record(session, "view", table_name="audit_log",
                                 filters=where.describe())
            with app.store.read() as session:
                if where.case.strip() and audit.case_id_for(session, where.case) is None:
                    app.call_from_thread(app.notify, f"No case {where.case.strip()} "
                                         "(live or erased)", severity="warning")
                rows, more = audit.page(session, where, before_id=before_id, size=PAGE)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        app.call_from_thread(self.show, where, before_id, rows, more)

    def show(self, where: Filter, before_id: int | None, rows: list[Row], more: bool) -> None:
        self.where, self.before_id, self.rows, self.more = where, before_id, rows, more
        table = self.query_one(LazyTable)
        table.forget_cells()  # an entry never changes, but the same ids are shown anew
        table.show_items(rows)
        self.show_detail()
        self.show_status()

    def show_status(self) -> None:
        first = len(self.newer_pages) * PAGE
        shown = f"{first + 1}–{first + len(self.rows)}" if self.rows else "no entries"
        parts = [f"Entries {shown}, newest first"]
        filters = self.where.describe()
        if filters:
            parts.append("filter: " + ", ".join(f"{k} {v}" for k, v in filters.items()))
        if self.more:
            parts.append("n older")
        if self.newer_pages:
            parts.append("p newer")
        self.query_one("#audit-status", Static).update(literal(" · ".join(parts)))  # typed filters

    def highlighted(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def show_detail(self) -> None:
        box = self.query_one("#audit-detail", Static)
        row = self.highlighted()
        if row is None:
            box.update(Text("No entry selected"))
        elif self.app.private:
            box.update(Text("Detail hidden in privacy mode (ctrl+t shows it)"))
        else:
            box.update(literal(detail_text(row)))

    @on(DataTable.RowHighlighted, "#audit-rows")
    def highlighted_changed(self) -> None:
        self.show_detail()

    def refresh_privacy(self) -> None:
        if self.is_mounted:
            self.show_detail()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        unstyled_first_resume(self, event)
        self.refresh_privacy()

    def on_screen_suspend(self) -> None:
        self.left = True

    # -- filters and pages ----------------------------------------------------------------

    def action_filters(self) -> None:
        self.query_one("#audit-user", Input).focus()

    def action_to_table(self) -> None:
        self.query_one(DataTable).focus()

    def typed_filter(self) -> Filter | None:
        dates = {}
        for name in ("since", "until"):
            box = self.query_one(f"#audit-{name}", DateField)
            if box.value.strip() and box.date is None:
                self.app.notify(f"{'From' if name == 'since' else 'To'} date: "
                                f"{box.validation_message}", severity="warning")
                box.focus()
                return None
            dates[name] = box.date
        return Filter(login=self.query_one("#audit-user", Input).value.strip(),
                      case=self.query_one("#audit-case", Input).value.strip(), **dates)

    @on(Input.Submitted)
    def apply(self) -> None:
        where = self.typed_filter()
        if where is None:
            return
        self.newer_pages = []
        self.query_one(DataTable).focus()
        self.load(where, None, True)

    def action_reload(self) -> None:
        self.newer_pages = []
        self.load(self.where, None, False)

    def action_older(self) -> None:
        if not self.more or not self.rows:
            self.app.notify("This is the oldest page", timeout=2)
            return
        self.newer_pages.append(self.before_id)
        self.load(self.where, self.rows[-1].id, False)

    def action_newer(self) -> None:
        if not self.newer_pages:
            self.app.notify("This is the newest page", timeout=2)
            return
        self.load(self.where, self.newer_pages.pop(), False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters belong to the filter boxes while one is focused.
        if action in ("older", "newer") and isinstance(self.focused, Input):
            return False
        return True

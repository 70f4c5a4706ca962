"""Home: the cases, highest risk first; Enter opens one, n opens a new one."""

from __future__ import annotations

import gc
from datetime import date
from importlib import import_module

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from jagtui.display import RAG_STYLES, RISK_STYLES, flag_badges, literal, masked_subject
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.lazy_table import LazyTable
from jagtui.screens.list_screen import current_css
from jagtui.screens.palette import binding_commands
from jagtui.store.case_listing import (DEFAULT_SORT, CaseFilter, filter_rows, search_rows,
                                       sort_rows, sort_words)
from jagtui.store.case_search import case_search_texts
from jagtui.store.changes import latest_change
from jagtui.store.caselist import CaseRow, case_rows
from jagtui.store.casework import record_search
from jagtui.store.errors import StoreError
from jagtui.store.meetings import next_meeting_on

# The essentials first, so they are the ones visible at 80 columns; the rest after.
COLUMNS = (
    ("Ref", "ref"), ("Subject", "subject"), ("Risk", "risk"), ("Harm", "harm"), ("Flags", "flags"),
    ("RAG", "rag"), ("Review", "review"), ("Actions", "actions"),
    ("Type", "type"), ("Group", "group"), ("Beat", "beat"), ("Lead", "lead"),
)
# Below this width the table abbreviates (risk, RAG, dates) so the essentials fit.
WIDE = 120
# A search is audited once typing pauses this long, or at Enter: not per keystroke.
SEARCH_AUDIT_SECONDS = 1.0
SHORT_RISK = {"high": "HIGH", "medium": "MED", "standard": "STD"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def settle_heap() -> None:
    """Collect once, now, then set everything alive aside from the cyclic collector.

    The cases just loaded, and the app around them, live until the next load. Left
    in the collector's generations, every full collection while the user types walks
    them all: 100-250 ms on the 2-core VM, several times in a search. Unfreezing first
    lets this collection reclaim what the previous load set aside and has since died.

    At start-up the collector is off (``jagtui.cli``: nearly everything the start makes
    lives on): the first list only sets everything aside and turns it back on, sparing
    the start a full collection (~150 ms here).
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# The screens a chair opens from the list, imported once it is on screen (see warm_imports).
OPENED_NEXT = ("jagtui.screens.case_view", "jagtui.screens.flags", "jagtui.screens.escalation",
               "jagtui.screens.actions")


def warm_imports() -> None:
    """Import the screens opened from here, in a thread while the chair reads the list:
    their modules (with the redaction engine) took ~50-100 ms of the first open of each."""
    for name in OPENED_NEXT:
        import_module(name)


def short_date(d: date | None, today: date) -> str:
    """'3 Dec', or '3 Dec 27' outside this year: a date in six characters or so."""
    if d is None:
        return ""
    text = f"{d.day} {_MONTHS[d.month - 1]}"
    return text if d.year == today.year else f"{text} {d.year % 100:02d}"


class CaseListScreen(Screen):
    TITLE = "Cases"
    BINDINGS = [
        # Priority, so the Footer shows it over the table's own Enter; not while searching.
        Binding("enter", "open_case", "Open", id="case-open", tooltip="Open the highlighted case",
                priority=True),
        Binding("n", "new_case", "New case", id="case-new", tooltip="Open a new case"),
        Binding("slash", "search", "Search", key_display="/", id="search",
                tooltip="Search references, names and places as you type"),
        Binding("f", "filter", "Filter", id="case-filter",
                tooltip="Filter by subgroup, status, beat, risk level, flag or lead agency"),
        Binding("s", "sort", "Sort", id="case-sort", tooltip="Choose the column to sort by"),
        Binding("d", "default_sort", "Risk first", id="case-default-sort",
                tooltip="Back to the default sort: highest risk first"),
        Binding("escape", "clear_search", "Clear", show=False),
        Binding("f5", "reload", "Refresh", id="refresh", tooltip="Reload the list from the database"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # Styled as it mounts, as the list screens are: left at Textual's -1, coming back
        # to the list from another top-level screen re-parsed every stylesheet of the app.
        current_css(self)
        self.rows: list[CaseRow] = []     # as shown: searched, sorted
        self.case_filter = CaseFilter()
        self.sort_column = DEFAULT_SORT
        self.sort_reverse = False
        self.cursor_key: str | None = None  # a case to highlight at the next fill (a new one)
        self.compact: bool | None = None
        self.subject_width = 60
        self.shown_search = ""            # the search self.rows reflect
        self._search_timer: Timer | None = None
        self._sorted: list[CaseRow] | None = None  # every case for the filter, sorted, unsearched
        self._sorted_filter: CaseFilter | None = None  # the filter those cases were read for
        self._texts: dict[int, str] = {}         # each of those cases' searchable text
        self._badges: dict[int, int] = {}        # and the width of its flag badges
        self._overdue: set[int] = set()          # those whose risk review is overdue
        self._cells_look: tuple = ()
        self._audited = ""
        self._warmed = False  # the next screens' modules imported (warm_imports)
        self._first_read = False  # the first load (started on mount) has ended
        # What the shown cases were read at: (newest change, today, filter). Coming back
        # to an unchanged list reads that one change id, not the cases (see load).
        self._read_at: tuple | None = None
        self.loads = 0  # cases read (a test counts them)
        self._audit_pending = ""

    def compose(self) -> ComposeResult:
        yield Header()
        # A role without names searches references and localities only (case_search).
        yield Input(placeholder="Search: reference, name, place (Enter to finish)"
                    if self.app.can("see_names")
                    else "Search: reference or locality (Enter to finish)", id="search")
        yield LazyTable(self.row_cells, lambda row: str(row.id), id="cases", cursor_type="row",
                        zebra_stripes=True)
        yield Static("", id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.set_columns()
        self.query_one(LazyTable).focus()
        self.load()

    def set_columns(self) -> None:
        compact = self.size.width < WIDE if self.size.width else True
        if compact == self.compact:
            return
        self.compact = compact
        table = self.query_one(LazyTable)
        table.clear(columns=True)
        for label, key in COLUMNS:
            table.add_column("Act" if compact and key == "actions" else label, key=key)
        self.fill()

    def on_resize(self) -> None:
        compact = self.compact
        self.set_columns()
        if compact == self.compact:
            self.fill()  # the subject column takes what the new width leaves

    # -- loading ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="case-list")
    def load(self, if_changed: bool = False) -> None:
        """Every case for the filter with its harm and flags (the costly part) and its
        searchable text, once: searches then narrow these in memory as you type.

        ``if_changed``: only if something changed since the cases shown were read (every
        change writes an audit row: ``store.changes``), the day turned or the filter moved."""
        app = self.app
        today = app.today()
        case_filter = self.case_filter
        try:
            with app.store.read() as session:
                # First: a change committed while the cases are read moves it on again.
                read_at = (latest_change(session), today, case_filter)
                if if_changed and read_at == self._read_at:
                    return
                self.loads += 1
                upcoming = next_meeting_on(session, app.cfg.meetings.cadence_weeks, today)
                base = filter_rows(case_rows(session, app.cfg, today, next_meeting=upcoming,
                                             **case_filter.sql()), case_filter)
                # A role without names finds cases by reference and locality only.
                texts = case_search_texts(
                    session, [row.id for row in base], names=app.can("see_names"),
                    localities=[place for beat in app.cfg.beats for place in beat.localities])
        except StoreError as error:
            app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:  # a newer load has started: drop these
            app.call_from_thread(self.loaded, base, texts, case_filter, read_at)

    def _failed(self, message: str) -> None:
        self._first_read = True
        gc.enable()  # off for the start (jagtui.cli): no list will settle it
        self.app.notify(message, severity="error", markup=False)

    def loaded(self, base: list[CaseRow], texts: dict[int, str], case_filter: CaseFilter,
               read_at: tuple | None = None) -> None:
        self._first_read = True
        self._read_at = read_at
        if (case_filter == self._sorted_filter and texts == self._texts and self._sorted is not None
                and sort_rows(base, self.sort_column, self.sort_reverse) == self._sorted):
            return  # the same cases as shown (a change elsewhere): no refill, nothing to settle
        self.query_one(LazyTable).forget_cells()  # the same cases may hold new facts
        self._texts = texts
        self._badges = {row.id: len(flag_badges([f.code for f in row.flags])) for row in base}
        self._overdue = {row.id for row in base if row.has_flag("review_overdue")}
        # A new filter starts at the top; a reload of the same one keeps the highlighted case.
        refiltered = self._sorted is not None and case_filter != self._sorted_filter
        self._sorted, self._sorted_filter = base, case_filter
        self.resort(top=refiltered)
        if not self._warmed:
            self._warmed = True
            # Once the rows are drawn: begun at once, its imports took the interpreter's
            # lock from the first frame of rows (~50 ms of CPU on the 2-core VM).
            self.call_after_refresh(self.run_worker, warm_imports, thread=True,
                                    group="warm-imports", exit_on_error=False)
        self.call_after_refresh(settle_heap)  # once the list is on screen

    def resort(self, top: bool = False) -> None:
        if self._sorted is not None:
            self._sorted = sort_rows(self._sorted, self.sort_column, self.sort_reverse)
            self.search(top)

    def search(self, top: bool = False) -> None:
        """Narrow the sorted cases to the search box's text, in memory (no database).

        A changed search (or ``top``) puts the cursor on the first match: Enter after
        a search opens the best match, not whatever sits where the cursor was."""
        if self._sorted is None:
            return  # still loading: the search is applied when the cases arrive
        text = self.query_one("#search", Input).value
        top = top or text != self.shown_search
        self.rows = search_rows(self._sorted, self._texts, text)
        self.shown_search = text
        self.fill(top)
        pending, self._audit_pending = self._audit_pending, ""
        if pending and pending == text.strip() and pending != self._audited:
            self._audited = pending
            self.record(pending, len(self.rows))

    def fill(self, top: bool = False) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(LazyTable)
        # The same case stays highlighted across refills, wherever it moved to; a new
        # search or filter starts on the first row.
        wanted = self.cursor_key or (None if top else self.key_at_cursor(table))
        self.cursor_key = None
        self.subject_width = self.fit_subject()
        looks = self.cells_look()
        if looks != self._cells_look:  # what the cells depend on besides the case
            self._cells_look = looks
            table.forget_cells()
        table.show_items(self.rows, highlight=wanted, row=0 if top else table.cursor_row)
        self.show_status()

    def cells_look(self) -> tuple:
        return (self.app.private, self.compact, self.subject_width, self.app.today())

    def row_cells(self, row: CaseRow) -> list:
        return self.cells(row, self.app.private, self.app.today())

    def fit_subject(self) -> int:
        """At 80 columns the subject gets what the other essential columns leave."""
        if not self.compact:
            return 60
        flags = max((self._badges.get(row.id, 0) for row in self.rows), default=0)
        # ref 11, risk 4, harm 6, RAG 3, review 6, actions 4; 2 cells of padding a column; scrollbar 2.
        used = 11 + 4 + 6 + max(flags, 5) + 3 + 6 + 4 + 8 * 2 + 2
        return max(12, self.size.width - used)

    def show_status(self) -> None:
        overdue = sum(1 for row in self.rows if row.id in self._overdue)
        noun = "cases" if self.case_filter.status == "all" else f"{self.case_filter.status} cases"
        if len(self.rows) == 1:
            noun = noun[:-1]
        parts = [f"{len(self.rows)} {noun}", f"{overdue} review{'' if overdue == 1 else 's'} overdue"]
        if self.case_filter.active:
            parts.append(f"filter: {self.case_filter.describe()} (f)")
        if self.shown_search:
            parts.append(f"search: {self.shown_search}")
        parts.append(sort_words(self.sort_column, self.sort_reverse))
        self.query_one("#status", Static).update(Text(" · ".join(parts)))

    def cells(self, row: CaseRow, private: bool, today: date) -> list:
        compact = bool(self.compact)
        subject = masked_subject(row.subject, row.subject_is_person, row.locality, private)
        risk = (SHORT_RISK.get(row.risk_level, "-") if compact else row.risk_level) or "-"
        rag = row.rag[0].upper() if compact else row.rag.upper()
        review = short_date(row.next_review, today) if compact else fmt_date(row.next_review)
        overdue_review = row.has_flag("review_overdue")
        return [
            literal(row.reference),
            literal(subject if len(subject) <= self.subject_width
                    else subject[:self.subject_width - 1] + "…"),
            Text(risk, style=RISK_STYLES.get(row.risk_level, "dim")),
            Text(f"{row.harm.index:g} {row.harm.arrow}"),
            Text(flag_badges([flag.code for flag in row.flags]), style="bold"),
            Text(f" {rag} ", style=RAG_STYLES.get(row.rag, "")),
            Text(review, style="bold red" if overdue_review else ""),
            Text(f"{row.open_actions}/{row.overdue_actions}",
                 style="bold red" if row.overdue_actions else ""),
            Text(row.case_type),
            literal(row.subgroup),
            literal(row.beat),
            literal(row.lead_agency),
        ]

    def refresh_privacy(self) -> None:
        if self.is_mounted:
            self.fill()

    def on_screen_resume(self) -> None:
        # At start-up (Textual resumes a new screen too) the load started on mount reads
        # the list: a second read beside it doubled the first load's work and cancelled it.
        if not self._first_read:
            return
        # Back from a case: privacy may have been toggled there (the cells' looks), and
        # the cases may have changed: refilled only then, not twice on every return.
        if self.cells_look() != self._cells_look:
            self.fill()
        self.load(if_changed=True)

    def on_data_changed(self, _event) -> None:
        # Posted by the app when anyone's change reaches the database (jagtui.screens.lifecycle).
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_case":
            return not isinstance(self.focused, Input)
        return True

    def palette_commands(self):
        return binding_commands(self)

    @staticmethod
    def key_at_cursor(table: LazyTable) -> str | None:
        if not table.row_count or table.cursor_row < 0:
            return None
        return table.coordinate_to_cell_key((min(table.cursor_row, table.row_count - 1), 0)).row_key.value

    # -- opening and creating ----------------------------------------------------------

    def highlighted_id(self) -> int | None:
        table = self.query_one(LazyTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)].id

    @on(LazyTable.RowSelected, "#cases")
    def action_open_case(self) -> None:
        case_id = self.highlighted_id()
        if case_id is None:
            self.app.notify("No case to open: press n to open a new one", severity="warning")
            return
        from jagtui.screens.case_view import open_case

        open_case(self.app, case_id)

    def action_new_case(self) -> None:
        if not self.app.allowed("edit"):
            return
        from jagtui.screens.case_view import open_case
        from jagtui.screens.forms.case_form import CaseForm

        def opened(case_id: int | None) -> None:
            if case_id:
                self.cursor_key = str(case_id)
                open_case(self.app, case_id)

        self.app.push_screen(CaseForm(), opened)

    # -- filter and sort ------------------------------------------------------------

    def action_filter(self) -> None:
        from jagtui.screens.forms.case_filter import CaseFilterForm

        def chosen(case_filter: CaseFilter | None) -> None:
            if case_filter is not None and case_filter != self.case_filter:
                self.case_filter = case_filter
                self.action_reload()

        self.app.push_screen(CaseFilterForm(self.case_filter), chosen)

    def action_sort(self) -> None:
        from jagtui.screens.forms.case_filter import SortChooser

        def chosen(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self.sort_column, self.sort_reverse = choice
                self.resort()

        self.app.push_screen(SortChooser(self.sort_column, self.sort_reverse), chosen)

    def action_default_sort(self) -> None:
        if (self.sort_column, self.sort_reverse) == (DEFAULT_SORT, False):
            self.app.notify("Already sorted highest risk first (s chooses another sort)", timeout=3)
            return
        self.sort_column, self.sort_reverse = DEFAULT_SORT, False
        self.resort()

    # -- search ------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        self.audit_search()
        box.value = ""
        box.remove_class("shown")
        self.query_one(LazyTable).focus()

    def action_reload(self) -> None:
        # The data or the filter changed: recompute; the list shown stays until then.
        self.load()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.search()
        self._search_timer = self.set_timer(SEARCH_AUDIT_SECONDS, self.audit_search)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.audit_search()
        self.query_one(LazyTable).focus()

    def audit_search(self) -> None:
        """Record the search the user settled on, once, with how many cases it found."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        text = self.query_one("#search", Input).value.strip()
        if not text or text in (self._audited, self._audit_pending):
            return
        if self.shown_search.strip() == text:
            self._audited = text
            self.record(text, len(self.rows))
        else:
            self._audit_pending = text  # recorded when the cases arrive (see search)

    @work(thread=True, group="search-audit")
    def record(self, text: str, found: int) -> None:
        app = self.app
        try:
            with app.store.write() as session:
                record_search(session, text, found)
        except StoreError as error:
            app.call_from_thread(app.notify, f"Search not audited: {error}", severity="warning", markup=False)

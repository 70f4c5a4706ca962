"""Repeat victims and flags: so that no repeat or vulnerable victim is missed.

Everyone who meets the Community Trigger or the repeat-victim rule (whether or
not they are on a case yet), every repeat location and every overdue risk
review, with the rule's reason in words and a jump to the case.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from jagtui.display import FLAG_BADGES, cell, literal, masked_subject
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.lazy_table import LazyTable
from jagtui.screens.list_screen import ListScreen
from jagtui.screens.privacy import where
from jagtui.store.errors import StoreError
from jagtui.store.flagboard import BOARD_CODES, FlagLine, flag_board

COLUMNS = (("Flag", "flag"), ("Subject", "subject"), ("Beat", "beat"), ("Since", "since"),
           ("Case", "case"), ("Reason", "reason"))
FILTERS = (None, *BOARD_CODES)
BADGE_STYLES = {"community_trigger": "bold red", "repeat_victim": "bold yellow",
                "repeat_location": "bold magenta", "review_overdue": "bold cyan",
                "referral_overdue": "bold blue"}
BADGE_STYLES["case_review_overdue"] = "bold red"


def kind_name(code: str | None) -> str:
    return "All flags" if code is None else FLAG_BADGES[code][1]


def shown_subject(line: FlagLine, private: bool) -> str:
    """People as initials, places as their locality (or beat) in privacy mode."""
    return masked_subject(line.subject, line.subject_is_person, where(line.locality, line.beat), private)


class FlagsScreen(ListScreen):
    CSS_PATH = "flags.tcss"
    TITLE = "Flags"
    TABLE = "#flags"
    BINDINGS = [
        # Priority: the table would otherwise take Enter for itself.
        Binding("enter", "open_case", "Open case", key_display="Enter", id="flags-open",
                tooltip="Open the highlighted subject's case (or offer to open one)", priority=True),
        Binding("f", "filter", "Filter", id="flags-filter",
                tooltip="Show one kind of flag at a time: Community Trigger, repeat victim, "
                        "repeat location, overdue review, referral awaiting an answer, then all "
                        "again"),
        Binding("f5", "reload", "Refresh", id="flags-refresh", tooltip="Reload from the database"),
    ]

    rows: list[FlagLine]

    def __init__(self) -> None:
        super().__init__()
        self.kind: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="flags-kinds", markup=False)
        # Keyed by the line's place in the list shown: a subject may carry several flags.
        yield LazyTable(self.line_cells, lambda numbered: str(numbered[0]), id="flags",
                        cursor_type="row", zebra_stripes=True)
        yield Static("", id="flags-detail", markup=False)
        yield KeysFooter()

    def reader(self) -> Callable[[Session], list[FlagLine]]:
        cfg, today = self.app.cfg, self.app.today()
        return lambda session: flag_board(session, cfg, today)

    def show(self, found: list[FlagLine]) -> None:
        keep = self.selected
        self.rows = found
        self.fill(keep.identity if keep else None)

    @property
    def visible_lines(self) -> list[FlagLine]:
        return [line for line in self.rows if self.kind is None or line.code == self.kind]

    def fill(self, keep: tuple | None = None) -> None:
        """Show the board, keeping the highlight on flag ``keep`` (default: the highlighted one).

        The table makes the cells of the lines in view only (``LazyTable``): the stock
        table measured every cell of 2,500 lines before the first frame (~1 s)."""
        table = self.query_one(LazyTable)
        private = self.app.private
        if keep is None and self.selected is not None:
            keep = self.selected.identity
        cursor = table.cursor_row
        shown = self.visible_lines
        # Columns are rebuilt so their widths follow what is shown (names or initials).
        table.clear(columns=True)
        table.forget_cells()
        subjects = [shown_subject(line, private) for line in shown]
        case_width = max([11, *(cell_len(line.case_reference or "") + (7 if line.closed_case else 0)
                                for line in shown)])
        for label, key in COLUMNS:
            table.add_column(label, key=key, width=self.column_width(key, subjects, case_width))
        identities = [line.identity for line in shown]
        row = identities.index(keep) if keep in identities else cursor
        table.show_items(list(enumerate(shown)), row=row)
        self.fill_kinds()
        self.fill_detail()

    def line_cells(self, numbered: tuple[int, FlagLine]) -> list[Text]:
        """One line's cells, made when it comes into view."""
        _n, line = numbered
        return [
            Text(FLAG_BADGES[line.code][0], style=BADGE_STYLES.get(line.code, "bold")),
            cell(shown_subject(line, self.app.private)),
            literal(line.beat or "-"),
            Text(fmt_date(line.since)),
            self.case_cell(line),
            cell(line.reason),
        ]

    @staticmethod
    def case_cell(line: FlagLine) -> Text:
        if line.has_case:
            return literal(line.case_reference)
        if line.closed_case:
            return Text.assemble(literal(line.case_reference), (" closed", "bold yellow"))
        return Text("no case yet", style="bold red")

    def column_width(self, key: str, subjects: list[str], case_width: int = 11) -> int | None:
        """Subjects are cut to fit; the reason takes the rest of the row (in full below)."""
        subject = min(max(map(len, subjects), default=7), 18 if self.size.width < 120 else 40)
        if key == "subject":
            return subject
        if key == "reason":
            # flag 4, beat 4, since 11, the case; two cells of padding per column; a scrollbar.
            return max(10, self.size.width - (4 + subject + 4 + 11 + case_width) - 2 * len(COLUMNS) - 2)
        if key == "case":
            return case_width  # a reference, "no case yet", or "JAG-26-0003 closed"
        return None

    def fill_kinds(self) -> None:
        counts = {code: sum(1 for line in self.rows if line.code == code) for code in BOARD_CODES}
        uncased = sum(1 for line in self.rows if line.case_id is None
                      and line.code not in ("review_overdue", "case_review_overdue"))
        closed = sum(1 for line in self.rows if line.closed_case)
        # One line, the longest that fits: at 80 columns the kinds' names wrapped it onto
        # four, above a board that needs the rows. Shortest, the badges stand for the
        # names (the line under the board names the highlighted flag's kind in full).
        room = (self.size.width or self.app.size.width) - 2
        for length in ("full", "badges", "short"):
            text = self.kinds_text(counts, uncased, closed, length)
            if cell_len(text.plain) <= room:
                break
        self.query_one("#flags-kinds", Static).update(text)

    def kinds_text(self, counts: dict[str, int], uncased: int, closed: int, length: str) -> Text:
        short = length == "short"
        text = Text()
        if short:
            text.append("All", style="bold reverse" if self.kind is None else "dim")
        else:
            text.append(f"Showing: {kind_name(self.kind)}", style="bold reverse")
        for code in BOARD_CODES:
            badge, name = FLAG_BADGES[code]
            text.append("  ")
            text.append(badge, style=(BADGE_STYLES[code] + " reverse") if short and code == self.kind
                        else BADGE_STYLES[code])
            text.append(f" {name} {counts[code]}" if length == "full" else f" {counts[code]}",
                        style="bold" if code == self.kind else "")
        if uncased:
            text.append(f"  · {uncased} {'no case' if short else 'with no case yet'}",
                        style="bold red")
        if closed:
            text.append(f"  · {closed} {'case closed' if short else 'whose case is closed'}",
                        style="bold yellow")
        return text

    @property
    def selected(self) -> FlagLine | None:
        shown = self.visible_lines
        table = self.query_one(LazyTable)
        if not shown or table.row_count == 0:
            return None
        return shown[min(max(table.cursor_row, 0), len(shown) - 1)]

    @on(DataTable.RowHighlighted)
    def fill_detail(self) -> None:
        detail = self.query_one("#flags-detail", Static)
        line = self.selected
        if line is None:
            what = "Nothing flagged." if self.kind is None else f"No {kind_name(self.kind).lower()} flags."
            detail.update(Text(what))
            return
        text = Text()
        text.append(f"{kind_name(line.code)}: ", style="bold")
        text.append_text(literal(shown_subject(line, self.app.private), "bold"))
        if line.beat:
            text.append(f" (beat {line.beat})")
        text.append("\n")
        text.append_text(literal(line.reason))
        text.append(f"\nRule: {line.rule}", style="dim")
        if line.review_id is not None:
            text.append("  ·  Enter opens the case review", style="bold")
        elif line.has_case:
            text.append("  ·  Case ", style="dim")
            text.append_text(literal(line.case_reference, "dim"))
            text.append(" (Enter opens it)", style="dim")
        elif line.closed_case:
            text.append("  ·  Case ", style="bold yellow")
            text.append_text(literal(line.case_reference, "bold yellow"))
            when = f" on {fmt_date(line.case_closed_on)}" if line.case_closed_on else ""
            text.append(f" was closed{when}; no open case: Enter opens it", style="bold yellow")
        else:
            text.append("  ·  No open case: Enter offers to open one", style="bold red")
        detail.update(text)

    def action_filter(self) -> None:
        self.kind = FILTERS[(FILTERS.index(self.kind) + 1) % len(FILTERS)]
        self.query_one(LazyTable).move_cursor(row=0)
        self.fill()

    def action_open_case(self) -> None:
        line = self.selected
        if line is None:
            return
        if line.review_id is not None:  # an ASB case review: its record, not the case
            from jagtui.screens.case_review_view import open_review

            open_review(self.app, line.review_id, self._back_from_review)
            return
        if line.case_id is not None:  # open, or closed: the room reads why it closed
            from jagtui.screens.case_view import open_case

            open_case(self.app, line.case_id)
            return
        if not self.app.allowed("edit"):
            return
        from jagtui.screens.forms.base import ConfirmScreen

        kind = "person" if line.subject_is_person else "location"
        who = shown_subject(line, self.app.private)

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_case(kind, line.person_id if line.subject_is_person else line.location_id)

        self.app.push_screen(
            ConfirmScreen(f"{who} is not on an open case.\n{line.reason}\n\nOpen a case now?"),
            answered)

    @work(thread=True, exclusive=True, group="flags-new-case")
    def start_case(self, kind: str, subject_id: int) -> None:
        app = self.app
        try:
            from jagtui.store.casework import picked
        except ImportError:
            app.call_from_thread(self._no_case_form)
            return
        try:
            with app.store.read() as session:
                subject = picked(session, kind, subject_id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        app.call_from_thread(self.open_case_form, subject)

    def _back_from_review(self, case_id: int | None = None) -> None:
        """Back from an ASB case review's record: o there asked for its case."""
        self.load()
        if case_id is not None:
            from jagtui.screens.case_view import open_case

            open_case(self.app, case_id)

    def _no_case_form(self) -> None:
        self.app.notify("Opening a case from here is not available in this version: open it from "
                        "the case list (1) and link this person or place.", severity="warning",
                        timeout=10)

    async def open_case_form(self, subject) -> None:
        """The case form, with the type and subject already filled in."""
        try:
            from jagtui.screens.forms.case_form import CaseForm
        except ImportError:
            self._no_case_form()
            return
        form = CaseForm()
        await self.app.push_screen(form, self._case_opened)
        case_type = "victim" if subject.kind == "person" else "location"
        if form.query("#case_type"):
            form.query_one("#case_type").value = case_type
        if form.query("#subject"):
            form.query_one("#subject").set(subject)
            form.query_one("#title").focus()

    def _case_opened(self, case_id: int | None) -> None:
        if case_id is None:
            return
        self.load()
        from jagtui.screens.case_view import open_case

        open_case(self.app, case_id)

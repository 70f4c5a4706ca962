"""What the agenda runner shows beside the notes, by kind of item.

The apologies (apologies first), the previous minutes, the action log as a table
with the highlighted action in full under it, a case's summary (incident refs
as a count until ``v``), the proposed next meeting. At 80 columns the action
log keeps the action, owner, due date and status, abbreviated; wider, in full
and with the ref.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from jagtui.config import Config
from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens import meeting_text as show
from jagtui.screens.runner_partners import REPORT_KINDS, reports_text
from jagtui.store.actions import ActionRow
from jagtui.store.meeting_view import ItemView, MeetingView
from jagtui.store.models import MeetingItem

# (label, key, width) by the pane's width; the action takes what is left.
# Narrow (80 columns): the ref is in the detail under the table, dates lose the year.
WITH_REF_FROM = 96
FULL_FROM = 56


def review_columns(width: int) -> list[tuple[str, str, int]]:
    """Owner (short forms), due date and status as narrow as they read; the action,
    which the chair reads first, takes all the rest. Widths include the one space
    that separates a column from the one before it (the table has no cell padding)."""
    full = width >= FULL_FROM
    columns = [("Action", "action", 0), ("Owner", "owner", 14 if full else 9),
               ("Due", "due", 9 if full else 6), ("Status" if full else "St", "status",
                                                  9 if full else 5)]
    if width >= WITH_REF_FROM:
        columns.insert(0, ("Ref", "ref", 14))
    columns = [(label, key, w + 1 if w and n else w) for n, (label, key, w) in enumerate(columns)]
    room = max(width, 40) - 1  # the scrollbar
    action = max(10, room - sum(w for *_rest, w in columns) - (1 if columns[0][1] != "action" else 0))
    return [(label, key, w or action) for label, key, w in columns]


# Status words by width; an open action past its date reads as late.
SHORT_STATUS = {"open": "open", "late": "late", "complete": "done", "cancelled": "canc"}
FULL_STATUS = {"open": "open", "late": "overdue", "complete": "done", "cancelled": "cancelled"}


def short_owner(name: str, width: int) -> str:
    """'Insp. Rhea Chairwoman' -> 'R Chairwoman', else 'Chairwoman', else 'Chairwom…',
    when the name will not fit."""
    if len(name) <= width:
        return name
    words = [w for w in name.split() if not w.endswith(".")] or name.split()
    for shorter in (" ".join([*(w[0] for w in words[:-1]), words[-1]]), words[-1]):
        if len(shorter) <= width:
            return shorter
    return words[-1][: width - 1] + "…"  # the surname is what the room knows them by


class SummaryScroll(VerticalScroll):
    """The item's text (a case summary can run past 80x24): Tab reaches it, PgDn / PgUp
    scroll it, and the footer says so while it has the focus."""

    BINDINGS = [
        Binding("pagedown", "page_down", "More", key_display="PgDn", id="summary-down",
                tooltip="Scroll the case summary down"),
        Binding("pageup", "page_up", "Up", key_display="PgUp", id="summary-up",
                tooltip="Scroll the case summary up"),
    ]

    def compose(self) -> ComposeResult:
        # Docked, so it stays on the pane's last row while there is more below.
        yield Static("▼ more below: Tab to here, then PgDn", id="info-more", markup=False)

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self.show_more, init=False)
        self.watch(self, "virtual_size", self.show_more, init=False)

    def on_resize(self) -> None:
        self.show_more()

    def on_focus(self) -> None:
        self.show_more()

    def on_blur(self) -> None:
        self.show_more()

    def show_more(self, *_changed) -> None:
        more = self.query_one("#info-more", Static)
        more.display = self.max_scroll_y > 0 and self.scroll_y < self.max_scroll_y
        more.update("▼ more below: PgDn" if self.has_focus else "▼ more below: Tab to here, then PgDn")


class ItemInfo(Vertical):
    """The item's facts: the action-log table or a text, scrolled as one."""

    class Resized(Message):
        """The table's columns were rebuilt for a new width: its rows need filling again."""

    def __init__(self) -> None:
        super().__init__(id="info-col")
        self.wide = False      # full dates and statuses
        self.with_ref = False  # the ref as a column
        self.show_refs = False  # a case's incident refs, in full (v)
        self._width = 0

    def compose(self) -> ComposeResult:
        # No cell padding: one space between columns leaves the action more room.
        yield DataTable(id="review", cursor_type="row", zebra_stripes=True, cell_padding=0)
        with SummaryScroll(id="info-scroll"):
            yield Static("Loading…", id="item-info", markup=False)

    def on_mount(self) -> None:
        self.table.display = False
        self.set_columns(0)

    def on_resize(self, event) -> None:
        if event.size.width != self._width:
            self.set_columns(event.size.width)
            self.post_message(self.Resized())

    @property
    def table(self) -> DataTable:
        return self.query_one("#review", DataTable)

    def set_columns(self, width: int) -> None:
        """The table's columns for the pane's width (its rows are then filled again)."""
        self._width = width
        self.wide = width >= FULL_FROM
        self.with_ref = width >= WITH_REF_FROM
        table = self.table
        table.clear(columns=True)
        for n, (label, key, column_width) in enumerate(review_columns(width)):
            table.add_column(" " * bool(n) + label, key=key, width=column_width)

    # -- the item -----------------------------------------------------------------------

    def show_item(self, item: MeetingItem, view: MeetingView, current: ItemView | None,
                  cfg: Config, private: bool, today: date) -> None:
        self.table.display = item.kind == "actions" and bool(view.review)
        if item.kind == "actions":
            self.fill_review(view, cfg, today)
        else:
            self.query_one("#item-info", Static).update(self.info_text(item, view, current, cfg,
                                                                       private))

    def info_text(self, item: MeetingItem, view: MeetingView, current: ItemView | None,
                  cfg: Config, private: bool) -> Text:
        if item.kind == "apologies":
            return show.attendance_text(view.attendance, view.meeting.chair)
        if item.kind == "minutes":
            if view.previous is None:
                return Text("No earlier meeting of this group is recorded.", style="dim")
            return Text.assemble(
                f"The minutes of the meeting held on {fmt_date(view.previous.held_on)} ",
                f"({view.previous.status}). ",
                ("a records the decision, e.g. That the minutes be approved as a true record.", "dim"))
        if item.kind == "next meeting":
            return Text.assemble(("Proposed: ", "bold"), fmt_date(view.next_on),
                                 ("\nd to agree another date.", "dim"))
        if item.kind in REPORT_KINDS:  # what partners wrote for the meeting (runner_partners)
            return reports_text(self.screen.partners.reports_for(item.kind), item.kind)
        if item.case_id is not None:
            if current is None or current.file is None:
                return Text("Loading the case…", style="dim")
            return show.case_summary(current.file, cfg, private, self.show_refs)
        return Text("Notes and decisions as for any item: i to type a point, a for AGREED, "
                    "o for an action.", style="dim")

    # -- the action log -----------------------------------------------------------------

    def fill_review(self, view: MeetingView, cfg: Config, today: date) -> None:
        table = self.table
        row_at = table.cursor_row
        # The highlight stays on the same action (it was moved on after u / c / f).
        keys = [str(row.action.id) for row in view.review]
        was = (table.coordinate_to_cell_key((row_at, 0)).row_key.value
               if table.row_count and table.is_valid_row_index(row_at) else None)
        table.clear()
        column = table.columns.get("owner")
        owner_width = column.width if column is not None else 11
        for row, key in zip(view.review, keys):
            table.add_row(*self.cells(row, view.reviewed(row), owner_width, today), key=key)
        if view.review and row_at is not None:
            table.move_cursor(row=keys.index(was) if was in keys else min(row_at, len(keys) - 1))
        self.show_review_detail(view, cfg)

    def cells(self, row: ActionRow, here: bool, owner_width: int, today: date) -> list:
        action = row.action
        late = action.status == "open" and action.due_on is not None and action.due_on < today
        day = "%d %b %y" if self.wide else "%d %b"
        due = Text(action.due_on.strftime(day) if action.due_on else "-",
                   style="bold red" if late else "")
        word = "late" if late else action.status
        status = (FULL_STATUS if self.wide else SHORT_STATUS).get(word, action.status[:4])
        what = literal(action.text)
        what.no_wrap, what.overflow = True, "ellipsis"  # one line, cut at the column's end
        cells = [what, literal(short_owner(action.owner, owner_width - 1)), due,
                 Text(("✓" + " " * self.wide if here else "") + status,
                      style="bold green" if here else "bold red" if late else "dim")]
        if self.with_ref:
            cells.insert(0, literal(action.ref))
        return [cell if n == 0 else Text.assemble(" ", cell) for n, cell in enumerate(cells)]

    def review_row(self, view: MeetingView) -> ActionRow | None:
        if not view.review:
            return None
        return view.review[min(self.table.cursor_row, len(view.review) - 1)]

    def show_review_detail(self, view: MeetingView, cfg: Config) -> None:
        info = self.query_one("#item-info", Static)
        row = self.review_row(view)
        if row is None:
            info.update(Text("No open actions to review."))
            return
        detail = show.action_detail(row, view.reviewed(row), cfg.agency_name(row.action.owner_agency))
        partner_text = getattr(self.screen, "partner_text", None)  # partners' updates, if any
        info.update(detail + partner_text(row.action.id) if partner_text else detail)

"""Actions: every open action across cases and meetings, overdue highlighted.

Open actions carry forward from meeting to meeting until they are complete; an
update keeps one open, a closing update completes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from jagtui.display import cell, initials, literal
from jagtui.rules.actions import is_overdue
from jagtui.rules.dates import fmt_date
from jagtui.screens.action_search import masked_search
from jagtui.screens.footer import KeysFooter
from jagtui.screens.lazy_table import LazyTable
from jagtui.screens.list_screen import ListScreen
from jagtui.screens.privacy import redact
from jagtui.store.actions import ActionRow, NamedParty, action_rows, case_party_names

# (label, key, width at under 120 columns, width wider): text columns are cut with an
# ellipsis so the due date and case stay in view; the panel below shows them in full.
COLUMNS = (("Ref", "ref", None, None), ("Action", "text", 18, 52), ("Owner", "owner", 13, 28),
           ("Due", "due", None, None), ("Case", "case", None, None),
           ("Latest update", "update", 20, 44))
OUTSIDE = "Outside meeting "  # before the date in store.actions.outside_meeting_ref
# (name, key): each sort keeps the rest in due-date order.
SORTS = (
    ("due date", lambda row: (row.action.due_on or date.max, row.action.id)),
    ("owner", lambda row: (row.action.owner.casefold(), row.action.due_on or date.max)),
    ("case", lambda row: (row.case_reference or "~", row.action.due_on or date.max)),
    ("ref", lambda row: (row.action.ref.casefold(), row.action.id)),
)
# What one load reads: the actions, their cases' people and places (for masking), and
# the search and status they were read for.
Loaded = tuple[list[ActionRow], dict[int, list[NamedParty]], tuple[str, str | None]]


def owner_shown(row: ActionRow, private: bool) -> str:
    """Owners are named people too: initials in privacy mode, the agency kept."""
    owner = initials(row.action.owner) if private else row.action.owner
    return f"{owner} ({row.action.owner_agency})" if row.action.owner_agency else owner


class ActionsScreen(ListScreen):
    CSS_PATH = "actions.tcss"
    TITLE = "Actions"
    TABLE = "#actions"
    BINDINGS = [
        Binding("a", "add", "Add", id="actions-add", tooltip="Add an action"),
        Binding("u", "update", "Update", id="actions-update",
                tooltip="Add an update: the action stays open and carries forward"),
        Binding("c", "complete", "Complete", id="actions-complete",
                tooltip="Complete the action with a closing update"),
        Binding("r", "reassign", "Reassign", id="actions-reassign",
                tooltip="Give the action to another owner or agency"),
        Binding("slash", "search", "Search", key_display="/", id="actions-search",
                tooltip="Search refs, actions, owners, agencies and cases as you type"),
        Binding("s", "sort", "Sort", id="actions-sort",
                tooltip="Sort by due date, owner, case or ref in turn"),
        Binding("t", "toggle_done", "Completed", id="actions-toggle",
                tooltip="Show or hide completed and cancelled actions"),
        # Priority: the table would otherwise take Enter; check_action hands it back to the search box.
        Binding("enter", "open_case", "Open case", key_display="Enter", id="actions-open",
                tooltip="Open the highlighted action's case", priority=True),
        Binding("escape", "clear_search", "Clear search", show=False, id="actions-clear"),
        Binding("f5", "reload", "Refresh", id="actions-refresh", tooltip="Reload from the database"),
    ]

    rows: list[ActionRow]

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[int, list[NamedParty]] = {}
        self.sort = 0
        self.show_done = False
        self._highlight: int | None = None  # an action just added, to highlight once loaded
        self._read_for: tuple[str, str | None] | None = None  # the search and status shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search: ref, action, owner, agency, case" if self.app.can("see_names")
                    else "Search: ref, action, agency, case", id="actions-search")
        yield LazyTable(self.action_cells, lambda row: str(row.action.id), id="actions",
                        cursor_type="row", zebra_stripes=True)
        yield Static("", id="actions-detail", markup=False)
        yield Static("", id="actions-status", markup=False)
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_case" and isinstance(self.focused, Input):
            return False
        return True

    # -- loading -------------------------------------------------------------------

    @property
    def search_text(self) -> str:
        return self.query_one("#actions-search", Input).value

    def reader(self) -> Callable[[Session], Loaded]:
        """The actions for the search and the completed toggle as they are now."""
        search, status = self.search_text, None if self.show_done else "open"
        store, cfg, names_shown = self.app.store, self.app.cfg, self.app.can("see_names")

        def read(session: Session) -> Loaded:
            # A role without names searches what it is shown: never a name (action_search).
            rows = (action_rows(session, status=status, search=search) if names_shown
                    else masked_search(session, store, cfg, status=status, search=search))
            names = case_party_names(session, {r.action.case_id for r in rows if r.action.case_id})
            return rows, names, (search, status)

        return read

    def show(self, found: Loaded) -> None:
        keep = self.selected
        self.rows, self.names, read_for = found
        # A new search or the completed ones shown/hidden: start on the first row, so
        # Enter after a search opens the top match; a reload keeps the highlighted one.
        changed = self._read_for is not None and read_for != self._read_for
        self._read_for = read_for
        if self._highlight is not None:
            self.fill(self._highlight)
            self._highlight = None
        elif changed:
            self.fill(top=True)
        else:
            self.fill(keep.action.id if keep else None)

    def names_of(self, row: ActionRow) -> list[NamedParty]:
        return self.names.get(row.action.case_id, [])

    def masked(self, row: ActionRow, text: str) -> str:
        """Free text with the case's names and addresses masked in privacy mode."""
        return redact(text, self.names_of(row), self.app.private)

    def fill(self, keep: int | None = None, top: bool = False) -> None:
        """Show the rows, keeping the highlight on action ``keep`` (default: the
        highlighted one), or with ``top`` on the first row."""
        table = self.query_one(LazyTable)
        today = self.app.today()
        if top:
            keep = None
        elif keep is None and self.selected is not None:
            keep = self.selected.action.id
        cursor = 0 if top else table.cursor_row
        self.rows.sort(key=SORTS[self.sort][1])
        table.clear(columns=True)
        table.forget_cells()
        narrow = self.size.width < 120
        for label, key, small, large in COLUMNS:
            table.add_column(label, key=key, width=small if narrow else large)
        # The table makes (and masks) the cells of the rows in view only.
        table.show_items(self.rows, highlight=None if keep is None else str(keep), row=cursor)
        overdue = sum(1 for row in self.rows if is_overdue(row.action.due_on, row.action.status, today))
        which = "actions" if self.show_done else "open actions"
        searched = " matching the search" if self.search_text.strip() else ""
        self.query_one("#actions-status", Static).update(Text(
            f"{len(self.rows)} {which}{searched} · {overdue} overdue · sorted by {SORTS[self.sort][0]}"
            f" · t {'hides' if self.show_done else 'shows'} completed"))
        self.fill_detail()

    def action_cells(self, row: ActionRow) -> list[Text]:
        """An action's cells, made when its row comes into view."""
        action = row.action
        overdue = is_overdue(action.due_on, action.status, self.app.today())
        done = action.status != "open"
        style = "dim" if done else ""
        due = Text(fmt_date(action.due_on) or "-", style="bold red" if overdue else style)
        if overdue:
            due.append("!", style="bold red")
        update = row.latest_update
        update_text = self.masked(row, update.text) if update else "-"
        ref = action.ref
        if self.size.width < 120 and ref.startswith(OUTSIDE):
            # As wide as "111026 Item 12": the full ref would push the case out of view.
            ref = "Outside " + ref.removeprefix(OUTSIDE)
        return [
            cell(ref, style), cell(self.masked(row, action.text), style),
            cell(owner_shown(row, self.app.private), style), due,
            cell(row.case_reference or "-", style),
            cell(f"{action.status}: {update_text}" if done else update_text, "dim"),
        ]

    @property
    def selected(self) -> ActionRow | None:
        table = self.query_one(LazyTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    @on(DataTable.RowHighlighted)
    def fill_detail(self) -> None:
        row = self.selected
        detail = self.query_one("#actions-detail", Static)
        if row is None:
            detail.update(Text("No actions." if not self.search_text.strip() else "No actions match."))
            return
        action = row.action
        text = Text()
        text.append_text(literal(action.ref, "bold"))
        text.append(": ")
        text.append_text(literal(self.masked(row, action.text)))
        text.append("\nWho: ", style="dim")
        text.append_text(literal(owner_shown(row, self.app.private)))
        if action.owner_agency:
            text.append(f" — {self.app.cfg.agency_name(action.owner_agency)}", style="dim")
        text.append(f" · due {fmt_date(action.due_on) or 'no date'} · {action.status}", style="dim")
        if is_overdue(action.due_on, action.status, self.app.today()):
            text.append(" · OVERDUE", style="bold red")
        if row.latest_update is not None:
            text.append(f"\nLatest update ({fmt_date(row.latest_update.updated_on)}): ", style="dim")
            text.append_text(literal(self.masked(row, row.latest_update.text)))
        detail.update(text)

    # -- keys ----------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#actions-search", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#actions-search", Input)
        had_text = bool(box.value)
        box.value = ""
        box.remove_class("shown")
        self.query_one(DataTable).focus()
        if had_text:
            self.load()

    @on(Input.Changed, "#actions-search")
    def search_changed(self) -> None:
        self.load()

    @on(Input.Submitted, "#actions-search")
    def search_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.fill()

    def action_toggle_done(self) -> None:
        self.show_done = not self.show_done
        self.load()

    def action_open_case(self) -> None:
        row = self.selected
        if row is None:
            return
        if row.action.case_id is None:
            self.app.notify("This action is not linked to a case", severity="warning")
            return
        from jagtui.screens.case_view import open_case

        open_case(self.app, row.action.case_id)

    def _open_row(self, verb: str) -> ActionRow | None:
        row = self.selected
        if row is None:
            self.app.notify(f"No action to {verb}: press a to add one", severity="warning")
            return None
        if row.action.status != "open":
            self.app.notify(f"This action is already {row.action.status}: press t to list "
                            "open actions only", severity="warning")
            return None
        return row if self.app.allowed("edit") else None

    def _saved(self, result) -> None:
        if result is not None:
            self.load()

    def action_add(self) -> None:
        if self.app.allowed("edit"):
            from jagtui.screens.forms.action import open_action_form

            open_action_form(self, self.added)

    def added(self, action_id: int | None) -> None:
        if action_id is not None:
            self._highlight = action_id
            self.load()

    def action_update(self) -> None:
        row = self._open_row("update")
        if row is not None:
            from jagtui.screens.forms.action import ActionUpdateForm

            self.app.push_screen(ActionUpdateForm(row, self.app.cfg, self.app.today(),
                                                  names=self.names_of(row)), self._saved)

    def action_complete(self) -> None:
        row = self._open_row("complete")
        if row is not None:
            from jagtui.screens.forms.action import ActionUpdateForm

            self.app.push_screen(ActionUpdateForm(row, self.app.cfg, self.app.today(), complete=True,
                                                  names=self.names_of(row)), self._saved)

    def action_reassign(self) -> None:
        row = self._open_row("reassign")
        if row is not None:
            from jagtui.screens.forms.action import ReassignForm

            self.app.push_screen(ReassignForm(row, self.app.cfg, self.names_of(row)), self._saved)

"""The agenda runner: the running order on the left, the item being discussed on the right.

The chair steps through the items (n / b, g to jump), reorders them ([ / ]),
and records under each: numbered discussion points typed in the notes box,
AGREED decisions, actions, and on a case item an intervention, a RAG change, a
risk review or a closure. On the action log each open action is reviewed in
turn (u update, c complete, f carry forward). Everything is written as it is
entered, in order; the note being typed is kept as a draft a second after
typing stops and on leaving the item. The keys' forms are opened by
``runner_entries``; the item's facts are drawn by ``runner_panes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens import meeting_text as show
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.footer import KeysFooter
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.screens.runner_entries import EntryKeys
from jagtui.screens.runner_follow import FollowerInbox
from jagtui.screens.runner_panes import ItemInfo
from jagtui.screens.runner_partners import PartnerKeys
from jagtui.screens.writes import OrderedWrites
from jagtui.store import meeting_place, meeting_run
from jagtui.store.agenda import move_item
from jagtui.store.errors import StoreError
from jagtui.store.meeting_view import (
    ItemView, MeetingView, item_view, keep_note_draft, meeting_view,
)
from jagtui.store.models import MeetingItem, utcnow
from jagtui.store.partner_reports import partners_view

NOTE_DEBOUNCE = 1.0


# Under a case item's notes box: its keys left out of the footer at 80 columns.
CASE_KEYS = "R refer someone · x close the case"


class NotesBox(TextArea):
    """Where discussion points are typed; ctrl+s adds one, ctrl+g adds an AGREED decision."""

    BINDINGS = [
        Binding("ctrl+s", "add('point')", "Add point", id="notes-point",
                tooltip="Save what is typed as the next numbered discussion point"),
        Binding("ctrl+g", "add('agreed')", "Add AGREED", id="notes-agreed",
                tooltip="Save what is typed as an AGREED decision"),
        Binding("escape", "leave", "Done", key_display="Esc", id="notes-leave",
                tooltip="Back to the agenda (what is typed is kept as a draft)"),
    ]

    def action_add(self, kind: str) -> None:
        self.screen.add_note(kind)

    def action_leave(self) -> None:
        self.screen.back_to_list()


class GoToItem(ModalScreen[int]):
    """Type an item number, Enter to go there."""

    CSS_PATH = "meeting.tcss"  # its box (#goto), wherever it is opened from
    BINDINGS = [Binding("escape", "dismiss", "Cancel", key_display="Esc")]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="goto"):
            yield Static(f"Go to item (1-{self.count})", classes="goto-title")
            yield Input(id="goto_number", type="integer", placeholder="item number")

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.isdigit() and 1 <= int(text) <= self.count:
            self.dismiss(int(text))
        else:
            self.app.notify(f"Type a number from 1 to {self.count}", severity="warning")


class LeaveMeeting(ConfirmScreen):
    """Esc on the running meeting asks first: one stray key must not take the shared
    screen out of the meeting. y leaves; n or Esc stays, as in every confirmation."""

    HINT = "y leaves · n or Esc stays"


class AgendaRunnerScreen(FollowerInbox, PartnerKeys, EntryKeys, Screen):
    TITLE = "Meeting"
    CSS_PATH = "meeting.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]
    # Tests and snapshots freeze the clocks: a fixed ``now`` and no ticking.
    now: Callable[[], datetime] = staticmethod(utcnow)
    tick_seconds: float | None = 1.0

    BINDINGS = [
        Binding("n,pagedown", "step(1)", "Next", id="run-next", tooltip="Next item"),
        Binding("b,pageup", "step(-1)", "Back", id="run-back", show=False, tooltip="Previous item"),
        Binding("g", "go_to", "Go to", id="run-goto", show=False, tooltip="Jump to an item by its number"),
        Binding("left_square_bracket", "move(-1)", "Up", key_display="[", id="run-up", show=False,
                tooltip="Move this item up the agenda"),
        Binding("right_square_bracket", "move(1)", "Down", key_display="]", id="run-down", show=False,
                tooltip="Move this item down the agenda"),
        Binding("i", "write_note", "Note", id="run-note",
                tooltip="Type a discussion point (ctrl+s adds it)"),
        Binding("a", "agreed", "AGREED", id="run-agreed", tooltip="Record an AGREED decision"),
        Binding("o", "new_action", "Action", id="run-action",
                tooltip="New action: owner, complete-by; ref is this meeting's item"),
        Binding("u", "review('update')", "Update", id="run-update",
                tooltip="Action log: the owner's update on the highlighted action"),
        Binding("c", "review('complete')", "Complete", id="run-complete",
                tooltip="Action log: the highlighted action is complete"),
        Binding("f", "review('carry')", "Carry", id="run-carry",
                tooltip="Action log: carry the highlighted action forward to a new date"),
        Binding("e", "intervention", "Interv.", id="run-intervention",
                tooltip="Record an intervention on the ladder for this case"),
        Binding("r", "rag", "RAG", id="run-rag", tooltip="Change the case's RAG rating"),
        Binding("s", "risk", "Risk", id="run-risk", tooltip="Review the victim risk assessment"),
        Binding("x", "close_case", "Close", id="run-close", tooltip="Close the case"),
        Binding("R", "refer", "Refer", id="run-refer", show=False,
                tooltip="Refer a person on this case to a service (MARAC, Prevent, youth, CCE, "
                        "drugs, safeguarding...): the minutes list it"),
        Binding("v", "refs", "Refs", id="run-refs", show=False,
                tooltip="A case's incident refs in full, or as a count"),
        Binding("d", "next_date", "Next date", id="run-next-date",
                tooltip="Set the date of the next meeting"),
        Binding("w", "attendance", "Attendance", id="run-attendance", show=False,
                tooltip="Add someone arriving late, or an apology received"),
        Binding("E", "end", "End", key_display="E", id="run-end",
                tooltip="Summary of what changed, then the minutes become final"),
        Binding("tab", "focus_next", "Next pane", show=False, id="run-pane",
                tooltip="To the next pane: on the case summary PgDn / PgUp scroll it"),
        Binding("escape", "back", "Leave", key_display="Esc", id="run-leave", show=False,
                tooltip="Leave, after asking; the meeting stays open to resume"),
    ]

    def __init__(self, meeting_id: int, start_at: int = 0) -> None:
        """``start_at``: the index in the running order to enter first (a resumed meeting)."""
        super().__init__()
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None
        self.index = max(0, start_at)
        self.current: ItemView | None = None
        self.writes = OrderedWrites(self)
        self._entered_at: datetime | None = None
        self._ticker: Timer | None = None
        self._draft_timer: Timer | None = None
        self._draft_saved = ""
        self._draft_for: int | None = None
        self._applies: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="run-top"):
            yield Static("", id="meeting-line", markup=False)
            yield Static("", id="clock", markup=False)
        with Horizontal(id="run-body"):
            yield OptionList(id="agenda")
            with Vertical(id="item-pane"):
                yield Static("", id="item-title", markup=False)
                with Horizontal(id="item-main"):
                    yield ItemInfo()
                    with Vertical(id="notes-pane"):
                        with VerticalScroll(id="notes-scroll"):
                            yield Static("", id="notes", markup=False)
                        yield NotesBox(id="note_draft", soft_wrap=True)
        yield KeysFooter()  # every key of the item fits 80 columns, or is left out

    @property
    def pane(self) -> ItemInfo:
        return self.query_one(ItemInfo)

    def on_mount(self) -> None:
        self.query_one("#agenda", OptionList).focus()
        if self.tick_seconds:
            self._ticker = self.set_interval(self.tick_seconds, self.update_clock)
        self.load()

    def stop_clocks(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="run-load")
    def load(self, enter: bool = True) -> None:
        app = self.app
        with app.store.read() as session:
            view = meeting_view(session, app.cfg, app.today(), self.meeting_id)
            partners = partners_view(session, app.cfg, self.meeting_id)
        if not get_current_worker().is_cancelled:  # a newer load is on its way
            self.partners = partners  # what partners wrote, shown with the view (runner_partners)
            app.call_from_thread(self.show_view, view, enter)

    def show_view(self, view: MeetingView, enter: bool) -> None:
        current_id = self.item.id if self.item is not None else None
        listing = self.query_one("#agenda", OptionList)
        following = listing.highlighted in (None, self.index)
        if self.view is not None:  # the action log keeps the order it was first shown in
            view = replace(view, review=meeting_run.in_review_order(
                view.review, [row.action.id for row in self.view.review]))
        self.view = view
        ids = [item.id for item in view.items]
        if current_id in ids:
            self.index = ids.index(current_id)
        self.index = max(0, min(self.index, len(ids) - 1))
        self.fill_agenda()
        if following:  # the highlight stays on the current item when it moves
            listing.highlighted = self.index
        self.fill_item()
        self.update_clock()
        if enter and self.item is not None:
            self.enter_item()

    @property
    def item(self) -> MeetingItem | None:
        if self.view is None or not self.view.items:
            return None
        return self.view.items[self.index]

    def enter_item(self) -> None:
        """Bring the current item up: a case item is a case opened (audited)."""
        item = self.item
        self._entered_at = self.now()
        self.current = None
        # The box holds this item's note from now on: its draft, once read.
        self._draft_for = item.id
        self._draft_saved = ""
        self._set_box("")
        self.fill_item()
        applies = (item.kind, item.case_id is not None)
        if applies != self._applies:  # redrawing the footer is costly: only when it changes
            self._applies = applies
            self.refresh_bindings()
            # A case's keys the footer has no room for at 80 columns, said on the box.
            self.query_one("#note_draft", NotesBox).border_subtitle = (
                CASE_KEYS if item.case_id is not None else "")
        if item.kind == "actions":
            self.query_one("#review", DataTable).focus()
        elif self.focused is not None and self.focused.id == "review":
            self.query_one("#agenda", OptionList).focus()
        self.open_item(item)

    @work(thread=True, exclusive=True, group="run-item")
    def open_item(self, item: MeetingItem, audit: bool = True) -> None:
        app = self.app
        try:
            if audit and item.case_id is not None:
                with app.store.write() as session:
                    meeting_run.open_item(session, item.id)
            with app.store.read() as session:
                shown = item_view(session, app.cfg, app.today(), item, self.view.next_on)
        except Exception as error:  # the item cannot open: say why, stay on the agenda
            app.call_from_thread(app.notify, str(error).splitlines()[0], severity="error")
            return
        if not get_current_worker().is_cancelled:  # else a later item was entered: it is the place
            app.call_from_thread(self.show_item, shown)
            if audit:
                self.keep_place(item)

    def keep_place(self, item: MeetingItem) -> None:
        """Entering an item keeps it as the meeting's place, so a dropped connection
        resumes exactly here (in the item's worker, once it is shown; a database held
        by another user's save is not waited for long)."""
        try:
            with self.app.store.write(wait_ms=1000) as session:
                meeting_place.keep_place(session, self.meeting_id, item.id)
        except StoreError:
            pass  # only a convenience: the meeting resumes where its latest record is

    def show_item(self, shown: ItemView) -> None:
        if self.item is None or shown.item_id != self.item.id:
            return
        self.current = shown
        if self._draft_for == shown.item_id:
            self._draft_for = None
            box = self.query_one("#note_draft", NotesBox)
            if not box.text:  # typing that began before the draft arrived wins
                self._set_box(shown.draft)
            self._draft_saved = shown.draft
        self.fill_item()

    def _set_box(self, text: str) -> None:
        """Fill the notes box; callers set ``_draft_saved`` too, so it is not saved back."""
        self.query_one("#note_draft", NotesBox).load_text(text)

    def refresh_current(self) -> None:
        """After a write: the notes and the case as they are now (no new audit row)."""
        self.load(enter=False)
        if self.item is not None:
            self.open_item(self.item, audit=False)

    # -- drawing ----------------------------------------------------------------------------

    def title_of(self, item: MeetingItem) -> str:
        subject = self.view.subjects.get(item.case_id) if item.case_id else None
        if subject is None:
            return item.title
        return show.masked_title(item.title, subject.name, subject.is_person, self.app.private)

    def fill_agenda(self) -> None:
        listing = self.query_one("#agenda", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        for n, item in enumerate(self.view.items):
            listing.add_option(Option(show.agenda_label(item, self.title_of(item), n == self.index,
                                                        len(self.view.notes.get(item.id, ())))))
        listing.highlighted = self.index if highlighted is None else min(highlighted,
                                                                        len(self.view.items) - 1)
        meeting = self.view.meeting
        line = Text.assemble((f"{meeting.subgroup} ", "bold"), fmt_date(meeting.held_on), " · Chair ")
        line.append_text(literal(meeting.chair or "-"))
        if meeting.status == "final":
            line.append("  FINAL", style="bold green")
        self.query_one("#meeting-line", Static).update(line)

    def relabel(self, index: int) -> None:
        item = self.view.items[index]
        self.query_one("#agenda", OptionList).replace_option_prompt_at_index(
            index, show.agenda_label(item, self.title_of(item), index == self.index,
                                     len(self.view.notes.get(item.id, ()))))

    def fill_item(self) -> None:
        item, view = self.item, self.view
        if item is None:
            return
        heading = Text(f"Item {item.number} of {len(view.items)}  ", style="bold")
        heading.append_text(literal(self.title_of(item), "bold"))
        self.query_one("#item-title", Static).update(heading)
        parties = self.current.file.parties if self.current and self.current.file else ()
        self.query_one("#notes", Static).update(
            show.notes_text(view.notes.get(item.id, ()), parties, self.app.private))
        # The newest point is the one being discussed: keep it in view.
        self.call_after_refresh(self.query_one("#notes-scroll").scroll_end, animate=False)
        self.pane.show_item(item, view, self.current, self.app.cfg, self.app.private,
                            self.app.today())

    def on_item_info_resized(self, _message: ItemInfo.Resized) -> None:
        if self.item is not None and self.item.kind == "actions":
            self.fill_item()

    @on(DataTable.RowHighlighted, "#review")
    def review_highlighted(self, _event) -> None:
        if self.item is not None and self.item.kind == "actions":
            self.pane.show_review_detail(self.view, self.app.cfg)

    def action_refer(self) -> None:
        """The referral form for the case under discussion, made in this meeting."""
        if self._case_ready():
            from jagtui.screens.referrals import default_person, refer_from

            file = self.current.file
            refer_from(self.app, file, default_person(file),
                       lambda made: made is not None and self.refresh_current(),
                       meeting_id=self.meeting_id, item_id=self.item.id)

    def action_refs(self) -> None:
        """A case's incident refs in full, or as a count again."""
        self.pane.show_refs = not self.pane.show_refs
        self.fill_item()

    def update_clock(self) -> None:
        if self.view is None:
            return
        now = self.now()
        started = show.as_utc(self.view.meeting.confidentiality_ack_at)
        meeting = show.elapsed((now - started).total_seconds()) if started else "not started"
        on_item = show.elapsed((now - self._entered_at).total_seconds()) if self._entered_at else "0:00"
        self.query_one("#clock", Static).update(
            Text.assemble(("Meeting ", "dim"), (meeting, "bold"), ("  Item ", "dim"), (on_item, "bold")))

    def refresh_privacy(self) -> None:
        if self.view is not None:
            self.fill_agenda()
            self.fill_item()

    def on_screen_resume(self) -> None:
        self.refresh_privacy()

    def on_data_changed(self, _message) -> None:
        if self.view is not None:
            self.load(enter=False)

    # -- moving through the agenda ---------------------------------------------------------

    def go(self, index: int) -> None:
        if self.view is None or not self.view.items:
            return
        index = max(0, min(index, len(self.view.items) - 1))
        if index == self.index and self.current is not None:
            return
        self.keep_draft_now()
        before, self.index = self.index, index
        self.relabel(before)
        self.relabel(index)
        self.query_one("#agenda", OptionList).highlighted = index
        self.enter_item()

    def action_step(self, offset: int) -> None:
        self.go(self.index + offset)

    @on(OptionList.OptionSelected, "#agenda")
    def agenda_chosen(self, event: OptionList.OptionSelected) -> None:
        self.go(event.option_index)

    def action_go_to(self) -> None:
        if self.view is not None:
            self.app.push_screen(GoToItem(len(self.view.items)),
                                 lambda number: number and self.go(number - 1))

    def action_move(self, offset: int) -> None:
        item = self.item
        if item is None or not self.app.allowed("chair"):
            return
        self.writes.submit(lambda session: move_item(session, self.meeting_id, item.id, offset),
                           lambda _: self.load(enter=False))

    # -- notes -------------------------------------------------------------------------------

    def action_write_note(self) -> None:
        self.query_one("#note_draft", NotesBox).focus()

    def add_note(self, kind: str) -> None:
        box = self.query_one("#note_draft", NotesBox)
        text, item = box.text.strip(), self.item
        if not text or item is None:
            self.app.notify("Type the point first", severity="warning")
            return
        if not self.app.allowed("chair"):
            return
        self._set_box("")

        def write(session):
            note = meeting_run.record_note(session, item.id, text, kind)
            keep_note_draft(session, item, "")
            return note

        def give_back() -> None:  # refused: nothing typed is lost
            if self.item is not None and self.item.id == item.id:
                box.load_text(text + ("\n" + box.text if box.text.strip() else ""))
            else:  # moved on meanwhile: it waits as that item's draft
                self.writes.submit(lambda session: keep_note_draft(session, item, text))

        self._draft_saved = ""
        self.writes.submit(write, lambda _: self.refresh_current(), give_back)

    @on(TextArea.Changed, "#note_draft")
    def note_typed(self, _event: TextArea.Changed) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(NOTE_DEBOUNCE, self.keep_draft_now)

    def _unsaved_draft(self) -> tuple[MeetingItem, str] | None:
        """The item and the note typed under it, when that is not yet kept."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        item = self.item
        text = self.query_one("#note_draft", NotesBox).text
        if item is None or text == self._draft_saved or self.view.meeting.status == "final":
            return None
        self._draft_saved = text
        return item, text

    def keep_draft_now(self) -> None:
        """Keep what is typed under the current item (debounced, and on leaving it)."""
        unsaved = self._unsaved_draft()
        if unsaved is not None:
            item, text = unsaved
            self.writes.submit(lambda session: keep_note_draft(session, item, text))

    def flush_own_draft(self) -> list[str]:
        """On a hang-up: the note typed so far, written now in this thread (a worker
        would not outlive the app); returns the problems. See ``DraftKeeping.flush_drafts``."""
        unsaved = self._unsaved_draft()
        if unsaved is None:
            return []
        try:
            with self.app.store.write() as session:
                keep_note_draft(session, *unsaved)
        except StoreError as error:
            return [f"The note being typed was not kept: {error}"]
        return []

    def on_screen_suspend(self) -> None:
        self.keep_draft_now()

    def action_end(self) -> None:
        if self.view is not None and self.app.allowed("chair"):
            self.keep_draft_now()
            self.app.push_screen(MeetingEndScreen(self.meeting_id), self._ended)

    def _ended(self, final: bool | None) -> None:
        if final:
            self.dismiss_runner()

    def back_to_list(self) -> None:
        """Out of the notes box: on the action log to its table, so ↓ moves the
        highlighted action at once (not the agenda behind it); else to the agenda."""
        table = self.query_one("#review", DataTable)
        on_log = self.item is not None and self.item.kind == "actions" and table.display
        (table if on_log else self.query_one("#agenda", OptionList)).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "note_draft":
            self.back_to_list()
            return
        self.keep_draft_now()

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss_runner()

        self.app.push_screen(LeaveMeeting("Leave the meeting? It stays in progress: "
                                          "o on the meetings list resumes it."), answered)

    def dismiss_runner(self) -> None:
        self.keep_draft_now()
        self.stop_clocks()
        self.dismiss()

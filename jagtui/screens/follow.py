"""Following the running meeting from another terminal (``jagtui follow``, or ``f`` on
the Meetings screen): read-only, refreshed as the chair records.

Shows the item the chair is on, its notes and decisions and the actions raised
under it, within a second of the chair's save: another process's commit wakes a
``store.notify.ChangeWatcher`` (PostgreSQL LISTEN, SQLite ``data_version``), which
reloads the view. A role without names (restricted) sees every text through the
same redaction as the app's privacy mode. ``u`` sends the follower's agency update
on the item, ``c`` a correction: each waits for the chair (accepted: minuted with
who said it; declined: shown here). Joining offers the follower to the chair as present.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens import meeting_text as show
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.privacy import person_name, redact
from jagtui.screens.worker_calls import call_from_worker, still_shown
from jagtui.store import follow
from jagtui.store.errors import StoreError
from jagtui.store.follow import FollowView
from jagtui.store.notify import ChangeWatcher

STATUS_WORDS = {"waiting": "waiting for the chair", "accepted": "accepted by the chair",
                "declined": "declined by the chair"}
KIND_WORDS = {"update": "Update", "correction": "Correction", "present": "Your attendance"}


class SendToChair(FormScreen[int]):
    """An update from the follower's agency, or a correction, on the item being discussed."""

    def __init__(self, meeting_id: int, item_id: int, heading: str, kind: str) -> None:
        super().__init__()
        self.meeting_id, self.item_id, self.heading, self.kind = meeting_id, item_id, heading, kind
        self.form_title = "Update to the chair" if kind == "update" else "Correction to the chair"

    def fields(self) -> ComposeResult:
        yield Static(literal(f"Item: {self.heading}", "bold"), classes="form-context", markup=False)
        hint = ("Your agency's update on this item; the chair accepts it into the minutes"
                if self.kind == "update" else "What the minutes of this item should say instead")
        yield field("Text", Input(id="follow_text", placeholder="Type it, ctrl+s sends"), hint)

    def problems(self) -> dict[str, str]:
        if not self.query_one("#follow_text", Input).value.strip():
            return {"follow_text": "Type what to send"}
        return {}

    def saver(self):
        text, app = self.query_one("#follow_text", Input).value, self.app
        meeting_id, item_id, kind, login = self.meeting_id, self.item_id, self.kind, app.store.login
        return lambda session: follow.send(session, app.cfg, meeting_id, item_id, kind, text, login).id

    def saved_message(self, result: int) -> str:
        return "Sent: it waits for the chair"


class FollowScreen(Screen):
    TITLE = "Following the meeting"
    CSS_PATH = "meeting.tcss"
    BINDINGS = [
        Binding("u", "send('update')", "Send update", id="follow-update",
                tooltip="Send your agency's update on the item being discussed to the chair"),
        Binding("c", "send('correction')", "Correction", id="follow-correction",
                tooltip="Send the chair a correction to the item being discussed"),
        Binding("f5", "reload", "Refresh", id="follow-refresh", show=False,
                tooltip="Read the meeting again (it also refreshes by itself)"),
        Binding("escape", "leave", "Leave", key_display="Esc", id="follow-leave",
                tooltip="Stop following (the meeting goes on)"),
    ]

    def __init__(self, meeting_id: int | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.view: FollowView | None = None
        self.watcher: ChangeWatcher | None = None
        self._offered = False
        self.shown_at = 0.0  # monotonic time the view was last drawn (the bench reads it)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="follow-line", markup=False)
        yield Static("", id="follow-item", markup=False)
        with VerticalScroll(id="follow-scroll"):
            yield Static("", id="follow-notes", markup=False)
            yield Static("", id="follow-actions", markup=False)
        yield Static("", id="follow-mine", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        app = self.app

        self.watcher = ChangeWatcher(app.store.engine,
                                     lambda: call_from_worker(app, self.load)).start()
        if self.watcher.error:
            app.notify(f"Live updates are off ({self.watcher.error}): f5 refreshes",
                       severity="warning", markup=False)
        self.load()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "send":
            return self.view is not None and self.view.running and self.view.item is not None
        return True

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="follow-load")
    def load(self) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                meeting_id = self.meeting_id
                if meeting_id is None:
                    running = follow.running_meeting(session)
                    meeting_id = running.id if running is not None else None
                view = follow.follow_view(session, meeting_id, app.store.login) \
                    if meeting_id is not None else None
            if view is not None and view.running and not self._offered:
                self._offered = True
                with app.store.write() as session:
                    follow.offer_presence(session, app.cfg, view.meeting.id, app.store.login)
        except StoreError as error:
            call_from_worker(app, app.notify, str(error), severity="error", markup=False)
            return
        # A newer read began after this one (the next change): its view is the one to
        # show, and this older one, ending later, must not be drawn over it.
        if not get_current_worker().is_cancelled:
            call_from_worker(app, self.show, view)

    def action_reload(self) -> None:
        self.load()

    # -- drawing ------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """User text as this follower may see it: redacted for a role without names."""
        return redact(value, self.view.parties, self.app.private)

    def show(self, view: FollowView | None) -> None:
        if not still_shown(self, "#follow-line"):
            return  # a read that ended as the screen (or the app) closed
        before = self.view
        self.view = view
        if view is not None:
            self.meeting_id = view.meeting.id
        self.fill()
        if (before is None) != (view is None) or (
                before is not None and view is not None and before.running != view.running):
            self.refresh_bindings()
        self.shown_at = time.monotonic()

    def fill(self) -> None:
        view = self.view
        line, title = self.query_one("#follow-line", Static), self.query_one("#follow-item", Static)
        notes = self.query_one("#follow-notes", Static)
        actions, mine = self.query_one("#follow-actions", Static), self.query_one("#follow-mine", Static)
        if view is None:
            line.update(Text("No meeting is running. This screen shows it as soon as the chair "
                             "starts one.", style="italic"))
            for widget in (title, notes, actions, mine):
                widget.update("")
            return
        meeting = view.meeting
        top = Text.assemble((f"{meeting.subgroup} ", "bold"), fmt_date(meeting.held_on), " · Chair ")
        top.append_text(literal(person_name(meeting.chair or "-", self.app.private)))
        top.append(f" · {meeting.status}", style="bold yellow" if view.running else "green")
        line.update(top)
        if view.item is None:
            title.update(Text("The agenda is empty", style="dim"))
            notes.update("")
        else:
            heading = Text(f"Item {view.item.number} of {view.count}  ", style="bold")
            heading.append_text(literal(self.text(view.item.title), "bold"))
            title.update(heading)
            notes.update(show.notes_text(view.notes, view.parties, self.app.private)
                         if view.notes else Text("No notes yet on this item.", style="dim italic"))
        actions.update(self.actions_text(view))
        mine.update(self.mine_text(view))
        self.call_after_refresh(self.query_one("#follow-scroll").scroll_end, animate=False)

    def actions_text(self, view: FollowView) -> Text:
        out = Text("")
        if view.reviewed:
            out.append("Action log reviewed at this meeting", style="bold")
            for action, update in view.reviewed:
                out.append("\n")
                out.append_text(literal(action.ref, "bold"))
                out.append("  ")
                out.append_text(literal(self.text(action.text)))
                out.append(f"  {update.status}: ", style="dim")
                out.append_text(literal(self.text(update.text), "green"))
        if not view.actions:
            return out
        if out:
            out.append("\n\n")
        out.append("Actions", style="bold")
        for action in view.actions:
            out.append("\n")
            out.append_text(literal(action.ref, "bold"))
            out.append("  ")
            out.append_text(literal(self.text(action.text)))
            out.append("  Owner: ", style="dim")
            out.append_text(literal(person_name(action.owner, self.app.private)))
            out.append(f"  by {fmt_date(action.due_on) or 'no date'}", style="dim")
        return out

    def mine_text(self, view: FollowView) -> Text:
        out = Text("u sends your agency's update on this item, c a correction; "
                   "the chair accepts or declines each." if view.running
                   else "The meeting is not running: nothing can be sent.", style="dim")
        for message in view.mine:
            out.append("\n")
            style = {"accepted": "green", "declined": "bold red"}.get(message.status, "yellow")
            out.append(f"{KIND_WORDS[message.kind]}: {STATUS_WORDS[message.status]}", style=style)
            if message.kind != "present":
                out.append(" · ")
                out.append_text(literal(self.text(message.text)[:80]))
        return out

    def refresh_privacy(self) -> None:
        if self.view is not None:
            self.fill()

    # -- keys ---------------------------------------------------------------------------

    def action_send(self, kind: str) -> None:
        view = self.view
        if view is None or view.item is None or not view.running:
            self.app.notify("Nothing to send to: no meeting is running", severity="warning")
            return
        self.app.push_screen(SendToChair(view.meeting.id, view.item.id,
                                         self.text(view.item.title), kind),
                             lambda sent: sent and self.load())

    def action_leave(self) -> None:
        self.dismiss()

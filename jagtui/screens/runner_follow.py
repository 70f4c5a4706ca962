"""The agenda runner's inbox of what remote followers sent (``jagtui follow``).

A line above the notes box shows the oldest message waiting: a follower's agency
update or correction to an item, or a follower who joined (offered as present).
``y`` accepts it (minuted under its item with who said it, or the attendance
recorded), ``N`` declines it (the follower sees that). A long message shows its
start; ``m`` opens it whole, wrapped and scrollable, to be answered there with the
same keys. The keys are offered only while something waits. A watcher on the
database (``store.notify``) brings new messages within a second, from any process.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from jagtui.display import literal
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS
from jagtui.screens.privacy import redact
from jagtui.screens.worker_calls import call_from_worker, still_shown
from jagtui.store import follow
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.notify import ChangeWatcher


class InboxLine(Static):
    DEFAULT_CSS = """
    InboxLine { height: auto; max-height: 4; padding: 0 1; background: $warning 20%; display: none; }
    InboxLine.-waiting { display: block; }
    """


PREVIEW = 140  # characters of a message shown in the line; m opens the whole of it


def message_head(first: FollowMessage, numbers: dict[int, int]) -> Text:
    """Who sent it and about what: "Correction from Sam Officer (Police) on item 3"."""
    who = first.sender_name + (f" ({first.organisation})" if first.organisation else "")
    if first.kind == "present":
        return literal(who).append(" joined remotely: record as present?")
    out = Text(f"{follow.SAID[first.kind]} ")
    out.append_text(literal(who))
    if first.item_id in numbers:
        out.append(f" on item {numbers[first.item_id]}")
    return out


def inbox_text(waiting: tuple[FollowMessage, ...], numbers: dict[int, int],
               private: bool = False) -> Text:
    """The oldest message waiting, its text on one line and cut when long (``m`` reads
    it all); in privacy mode (a shared screen) its text redacted."""
    first = waiting[0]
    whole = " ".join(redact(first.text, (), private).split()) if first.kind != "present" else ""
    # The keys first: a long message is cut at the line's foot, never its keys.
    keys = "y accepts · N declines"
    if len(whole) > PREVIEW:
        keys = f"m reads all {len(whole):,} characters · {keys}"
    out = Text(f"From a follower ({len(waiting)} waiting) · ", style="bold")
    out.append(f"{keys}\n", style="dim")
    out.append_text(message_head(first, numbers))
    if whole:
        out.append(": ")
        out.append_text(literal(whole[:PREVIEW] + ("…" if len(whole) > PREVIEW else "")))
    return out


class FollowerMessageScreen(ModalScreen[bool]):
    """``m``: a follower's message whole, wrapped and scrollable; answered here."""

    CSS_PATH = FORMS_CSS
    BINDINGS = [
        Binding("y", "answer(True)", "Accept", id="follower-read-accept",
                tooltip="Accept it: minuted under its item with who said it"),
        Binding("N", "answer(False)", "Decline", key_display="N", id="follower-read-decline",
                tooltip="Decline it: the follower sees it was declined"),
        Binding("escape", "back", "Back", key_display="Esc", id="follower-read-back",
                tooltip="Back to the meeting, not answered yet"),
    ]

    def __init__(self, head: Text, text: str) -> None:
        super().__init__()
        self.head, self.text = head, text

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.head, id="form-title", markup=False)
            with VerticalScroll(id="follower-message"):
                yield Static(literal(self.text), markup=False)
            yield Static("↑ ↓ PgUp PgDn read · y accepts · N declines · Esc back",
                         classes="hint", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#follower-message").focus()

    def action_answer(self, accept: bool) -> None:
        self.dismiss(accept)

    def action_back(self) -> None:
        self.dismiss(None)


class FollowerInbox(Screen):
    """A base of :class:`~jagtui.screens.agenda_runner.AgendaRunnerScreen` (its
    ``meeting_id``, ``view``, ``writes`` and ``refresh_current``); a Screen so that
    Textual merges its keys into the runner's."""

    BINDINGS = [
        Binding("y", "follower(True)", "Accept", id="run-follower-accept",
                tooltip="Accept what a follower sent (shown above the notes): minuted with "
                        "who said it, or recorded as present"),
        Binding("N", "follower(False)", "Decline", key_display="N", id="run-follower-decline",
                tooltip="Decline what a follower sent: they see it was declined"),
        # Out of the footer (80 columns): the line says "m reads all" when it is cut.
        Binding("m", "read_follower", "Read message", id="run-follower-read", show=False,
                tooltip="Read the whole of what a follower sent, then accept or decline it"),
    ]
    inbox: tuple[FollowMessage, ...] = ()
    # Answered here, its write maybe not yet committed: a read that began before the
    # answer must not put it back at the head, where the next y would answer it again.
    _answered: frozenset[int] = frozenset()
    _inbox_watch: ChangeWatcher | None = None

    def on_mount(self) -> None:
        self.query_one("#notes-pane").mount(InboxLine("", id="follow-inbox", markup=False),
                                            before="#note_draft")
        app = self.app
        self._inbox_watch = ChangeWatcher(app.store.engine,
                                          lambda: call_from_worker(app, self.load_inbox)).start()
        self.watch(app, "private", lambda _private: self.show_inbox(self.inbox), init=False)
        self.load_inbox()

    def on_unmount(self) -> None:
        if self._inbox_watch is not None:
            self._inbox_watch.stop()
            self._inbox_watch = None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("follower", "read_follower"):
            return bool(self.inbox)
        return super().check_action(action, parameters)

    def load_inbox(self) -> None:
        self.run_worker(self._read_inbox, thread=True, exclusive=True, group="follow-inbox",
                        exit_on_error=False)

    def _read_inbox(self) -> None:
        with self.app.store.read() as session:
            waiting = tuple(follow.waiting(session, self.meeting_id))
        if not get_current_worker().is_cancelled:  # else a newer read shows the queue
            call_from_worker(self.app, self.show_inbox, waiting)

    def show_inbox(self, waiting: tuple[FollowMessage, ...]) -> None:
        if not still_shown(self, "#follow-inbox"):
            return  # a read that ended as the runner (or the app) closed
        waiting = tuple(m for m in waiting if m.id not in self._answered)
        self._set_inbox(waiting)
        line = self.query_one("#follow-inbox", InboxLine)
        line.set_class(bool(waiting), "-waiting")
        if waiting:
            numbers = {item.id: item.number for item in self.view.items} if self.view else {}
            line.update(inbox_text(waiting, numbers, self.app.private))
        else:
            line.update("")

    def _set_inbox(self, waiting: tuple[FollowMessage, ...]) -> None:
        # Every change of the queue, the answered one taken off too: y and N show
        # in the footer only while something waits.
        had = bool(self.inbox)
        self.inbox = waiting
        if had != bool(waiting):
            self.refresh_bindings()

    def action_follower(self, accept: bool) -> None:
        if not self.inbox or not self.app.allowed("chair"):
            return
        self._answer(self.inbox[0], accept)

    def action_read_follower(self) -> None:
        if not self.inbox:
            return
        message = self.inbox[0]
        numbers = {item.id: item.number for item in self.view.items} if self.view else {}
        text = (redact(message.text, (), self.app.private) if message.kind != "present"
                else "Record them as present at this meeting?")

        def answered(accept: bool | None) -> None:
            if accept is not None and self.app.allowed("chair"):
                self._answer(message, accept)

        self.app.push_screen(FollowerMessageScreen(message_head(message, numbers), text), answered)

    def _answer(self, message: FollowMessage, accept: bool) -> None:
        if not any(m.id == message.id for m in self.inbox):
            return  # answered meanwhile
        # The next one is answered next, even before the reload.
        self._answered |= {message.id}
        self.show_inbox(self.inbox)

        def failed() -> None:  # refused (a clash): it is offered again, as it now stands
            self._answered -= {message.id}
            self.load_inbox()

        self.writes.submit(
            lambda session: follow.decide(session, message.id, message.version, accept),
            lambda _: (self.refresh_current(), self.load_inbox()),
            failed)

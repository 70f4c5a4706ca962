"""The agenda runner's inbox of what remote followers sent (``jagtui follow``).

A line above the notes box shows the oldest message waiting: a follower's agency
update or correction to an item, or a follower who joined (offered as present).
``y`` accepts it (minuted under its item with who said it, or the attendance
recorded), ``N`` declines it (the follower sees that). A watcher on the database
(``store.notify``) brings new messages within a second, from any process.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from jagtui.display import literal
from jagtui.screens.privacy import redact
from jagtui.store import follow
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.notify import ChangeWatcher


class InboxLine(Static):
    DEFAULT_CSS = """
    InboxLine { height: auto; max-height: 4; padding: 0 1; background: $warning 20%; display: none; }
    InboxLine.-waiting { display: block; }
    """


def inbox_text(waiting: tuple[FollowMessage, ...], numbers: dict[int, int],
               private: bool = False) -> Text:
    """The oldest message waiting; in privacy mode (a shared screen) its text redacted."""
    first = waiting[0]
    out = Text(f"From a follower ({len(waiting)} waiting): ", style="bold")
    who = first.sender_name + (f" ({first.organisation})" if first.organisation else "")
    if first.kind == "present":
        out.append_text(literal(who))
        out.append(" joined remotely: record as present?")
    else:
        out.append(f"{follow.SAID[first.kind]} ")
        out.append_text(literal(who))
        if first.item_id in numbers:
            out.append(f" on item {numbers[first.item_id]}")
        out.append(": ")
        out.append_text(literal(redact(first.text, (), private)))
    out.append("\ny accepts · N declines", style="dim")
    return out


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
    ]
    inbox: tuple[FollowMessage, ...] = ()
    _inbox_watch: ChangeWatcher | None = None

    def on_mount(self) -> None:
        self.query_one("#notes-pane").mount(InboxLine("", id="follow-inbox", markup=False),
                                            before="#note_draft")
        app = self.app

        def changed() -> None:
            try:
                app.call_from_thread(self.load_inbox)
            except RuntimeError:
                pass  # the app is closing

        self._inbox_watch = ChangeWatcher(app.store.engine, changed).start()
        self.watch(app, "private", lambda _private: self.show_inbox(self.inbox), init=False)
        self.load_inbox()

    def on_unmount(self) -> None:
        if self._inbox_watch is not None:
            self._inbox_watch.stop()
            self._inbox_watch = None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "follower":
            return bool(self.inbox)
        return super().check_action(action, parameters)

    def load_inbox(self) -> None:
        self.run_worker(self._read_inbox, thread=True, exclusive=True, group="follow-inbox",
                        exit_on_error=False)

    def _read_inbox(self) -> None:
        with self.app.store.read() as session:
            waiting = tuple(follow.waiting(session, self.meeting_id))
        self.app.call_from_thread(self.show_inbox, waiting)

    def show_inbox(self, waiting: tuple[FollowMessage, ...]) -> None:
        had = bool(self.inbox)
        self.inbox = waiting
        line = self.query_one("#follow-inbox", InboxLine)
        line.set_class(bool(waiting), "-waiting")
        if waiting:
            numbers = {item.id: item.number for item in self.view.items} if self.view else {}
            line.update(inbox_text(waiting, numbers, self.app.private))
        if had != bool(waiting):
            self.refresh_bindings()

    def action_follower(self, accept: bool) -> None:
        if not self.inbox or not self.app.allowed("chair"):
            return
        message = self.inbox[0]
        self.inbox = self.inbox[1:]  # the next one is answered next, even before the reload
        self.writes.submit(
            lambda session: follow.decide(session, message.id, message.version, accept),
            lambda _: (self.refresh_current(), self.load_inbox()),
            self.load_inbox)

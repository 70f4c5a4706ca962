"""Change notification across processes, for screens that follow a meeting live.

Writers: every session's flush that touches a meeting's records (the hook below,
installed with the others by ``hooks.install``) sends ``NOTIFY jagtui_meeting`` on
PostgreSQL, inside the same transaction, so it is delivered on commit and never
for a write rolled back. SQLite needs nothing from writers.

Watchers (:class:`ChangeWatcher`): on PostgreSQL a dedicated connection LISTENs in
a thread, asleep in the server socket until a notification comes; on SQLite a
dedicated connection reads ``PRAGMA data_version`` (which moves when any other
connection commits) a few times a second: a few microseconds each, well under
1 % of a core while nothing changes (``tests/test_follow_notify.py`` measures it).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

CHANNEL = "jagtui_meeting"
# The records a follower's view is drawn from: a write to any of them wakes the watchers.
MEETING_TABLES = frozenset({
    "meetings", "meeting_items", "item_notes", "attendance", "actions", "action_updates",
    "follow_messages", "accepted_updates", "partner_reports",
})
PLACE_SUFFIX = ":place"  # the draft that keeps where the chair is (store.meeting_place)
SQLITE_POLL_S = 0.1
LISTEN_WAKE_S = 1.0  # how often the PostgreSQL listener checks it should stop


def _touches_meeting(obj) -> bool:
    table = getattr(obj, "__tablename__", "")
    if table == "drafts":
        return str(getattr(obj, "key", "")).endswith(PLACE_SUFFIX)
    return table in MEETING_TABLES


def after_flush(session: Session, _context) -> None:
    """Queue one NOTIFY per transaction that changes a meeting (PostgreSQL only)."""
    transaction = session.get_transaction()
    if transaction is None or session.info.get("notified") is transaction:
        return
    if not any(_touches_meeting(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")
        session.info["notified"] = transaction  # NOTIFY once per transaction


class ChangeWatcher:
    """Calls ``on_change`` (from its own thread) soon after another session commits a
    change: any change on SQLite, a meeting's on PostgreSQL. Bursts arrive as one call
    or a few; the callee reloads what it shows."""

    def __init__(self, engine: Engine, on_change: Callable[[], None],
                 poll_s: float = SQLITE_POLL_S) -> None:
        self.engine = engine
        self.on_change = on_change
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.error: str = ""

    def start(self) -> ChangeWatcher:
        target = self._poll_sqlite if self.engine.dialect.name == "sqlite" else self._listen_pg
        self._thread = threading.Thread(target=target, name="jagtui-watch", daemon=True)
        self._thread.start()
        self._ready.wait(5)  # listening before the caller reads, so nothing falls between
        return self

    def stop(self, wait: bool = False) -> None:
        """Ask the thread to end: at once on SQLite, within ``LISTEN_WAKE_S`` on PostgreSQL
        (it closes its connection itself). A leaving screen does not wait for it."""
        self._stop.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=LISTEN_WAKE_S + 1)
        self._thread = None

    def _fire(self) -> None:
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - a closing screen must not kill the watcher
            pass

    def _poll_sqlite(self) -> None:
        try:
            conn = sqlite3.connect(self.engine.url.database, check_same_thread=False,
                                   isolation_level=None)
        except sqlite3.Error as exc:
            self.error = str(exc)
            self._ready.set()
            return
        try:
            seen = conn.execute("PRAGMA data_version").fetchone()[0]
            self._ready.set()
            while not self._stop.wait(self.poll_s):
                try:
                    now = conn.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    continue  # locked for a moment: the next look sees it
                if now != seen:
                    seen = now
                    self._fire()
        finally:
            conn.close()

    def _listen_pg(self) -> None:
        try:
            raw = self.engine.raw_connection()
        except Exception as exc:  # noqa: BLE001 - the view still works, without live updates
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._ready.set()
            return
        conn = raw.dbapi_connection
        raw.detach()  # this connection is the listener's alone, never back to the pool
        try:
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            self._ready.set()
            while not self._stop.is_set():
                # stop_after=1: out of the generator (it holds the connection) before
                # draining the rest of a burst, then one call for all of it.
                if list(conn.notifies(timeout=LISTEN_WAKE_S, stop_after=1)):
                    list(conn.notifies(timeout=0.02))
                    if not self._stop.is_set():
                        self._fire()
        except Exception as exc:  # noqa: BLE001 - the server went away: say so, stop
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._ready.set()
        finally:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

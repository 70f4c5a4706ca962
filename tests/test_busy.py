"""Busy is not broken: on SQLite a save that finds another writer holding the database
waits in short slices (saying so), then is refused with a clear Busy error, never an
exception that ends the app; a draft that cannot wait goes to a 0600 file beside the
database and comes back next time.

Before: a 60,000-row import held the lock 16.9 s, another user's save failed after 10 s
with "database is locked" and the app exited; on a hang-up the 4 s watchdog beat the
10 s busy timeout and the draft was lost.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import stat
import threading
import time

import pytest
from sqlalchemy import select

from jagtui.screens.drafts import DraftWriter
from jagtui.store import drafts, people
from jagtui.store.db import create_store, open_store
from jagtui.store.errors import Busy, StoreError
from jagtui.store.models import Draft


def _hold_lock(path: str, seconds: float, ready, release) -> None:
    """Another process: take SQLite's write lock and keep it (as a long import would)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(seconds)
    conn.execute("ROLLBACK")
    conn.close()


@pytest.fixture
def locked(tmp_path):
    """An SQLite database whose write lock another process holds until released."""
    path = tmp_path / "jag.db"
    create_store(f"sqlite:///{path}", "setup").dispose()
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), 60, ready, release))
    holder.start()
    assert ready.wait(30)
    yield path, release
    release.set()
    holder.join(30)


def test_a_save_waits_then_is_busy_not_a_crash(locked):
    path, _release = locked
    store = open_store(f"sqlite:///{path}", "alice", busy_timeout_ms=1200)
    waits = []
    try:
        started = time.monotonic()
        with pytest.raises(Busy) as refused, store.write(on_wait=waits.append) as session:
            people.add_person(session, "Ann Example")
        took = time.monotonic() - started
        assert 1.1 < took < 3, took
        assert "another user's save" in str(refused.value) and "Nothing was lost" in str(refused.value)
        assert isinstance(refused.value, StoreError)  # shown as a line, never ends the app
        assert waits and waits == sorted(waits) and waits[-1] < 1.3
    finally:
        store.dispose()


def test_a_save_that_waits_goes_through_once_the_other_finishes(locked):
    path, release = locked
    store = open_store(f"sqlite:///{path}", "alice", busy_timeout_ms=10000)
    waits = []
    try:
        threading.Timer(0.8, release.set).start()
        with store.write(on_wait=waits.append) as session:
            people.add_person(session, "Ann Example")
        assert waits, "the screen was never told the save was waiting"
        with store.read() as session:
            assert [p.name for p in people.search_people(session, "Ann")] == ["Ann Example"]
    finally:
        store.dispose()


def test_a_draft_on_a_hang_up_goes_to_a_private_file_and_comes_back(locked):
    path, release = locked
    store = open_store(f"sqlite:///{path}", "alice")
    typed = {"#title": "Riverside Park", "#summary": "Groups gathering after dark"}
    try:
        writer = DraftWriter(store)
        writer.put("case:new", typed)
        started = time.monotonic()
        problems = writer.drain()  # what flush_drafts does on a hang-up
        assert time.monotonic() - started < 2.5  # inside the 4 s watchdog
        assert problems == [drafts.SPILLED]
        spill = drafts.spill_path(store.engine, "alice")
        assert spill.parent == path.parent
        assert stat.S_IMODE(spill.stat().st_mode) == 0o600
    finally:
        store.dispose()
    release.set()
    time.sleep(0.2)
    store = open_store(f"sqlite:///{path}", "alice")
    try:
        with store.read() as session:
            assert drafts.load(session, "case:new") == typed
        changed = {**typed, "#title": "Riverside Park (east)"}
        assert drafts.keep(store, "case:new", changed) is None  # the database has it now
        assert not spill.exists()
        with store.read() as session:
            assert drafts.load(session, "case:new") == changed
            assert len(session.scalars(select(Draft)).all()) == 1
    finally:
        store.dispose()


def test_another_login_never_sees_the_file(locked):
    path, release = locked
    alice = open_store(f"sqlite:///{path}", "alice")
    drafts.keep(alice, "case:new", {"#title": "Mine"})
    alice.dispose()
    release.set()
    time.sleep(0.2)
    bob = open_store(f"sqlite:///{path}", "bob")
    try:
        with bob.read() as session:
            assert drafts.load(session, "case:new") is None
    finally:
        bob.dispose()
